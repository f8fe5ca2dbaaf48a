package dev.faultline.linux;

/**
 * The standard Linux signals (x86_64 and aarch64 share the numbers), with what a crash rule needs to know: whether
 * the default action dumps core. Real-time signals (34..64) have no constant; {@link #name(int)} spells them as
 * strace does ({@code SIGRT_2}).
 */
public enum Signal {
    SIGHUP(1), SIGINT(2), SIGQUIT(3, true), SIGILL(4, true), SIGTRAP(5, true), SIGABRT(6, true), SIGBUS(7, true),
    SIGFPE(8, true), SIGKILL(9), SIGUSR1(10), SIGSEGV(11, true), SIGUSR2(12), SIGPIPE(13), SIGALRM(14), SIGTERM(15),
    SIGSTKFLT(16), SIGCHLD(17), SIGCONT(18), SIGSTOP(19), SIGTSTP(20), SIGTTIN(21), SIGTTOU(22), SIGURG(23),
    SIGXCPU(24, true), SIGXFSZ(25, true), SIGVTALRM(26), SIGPROF(27), SIGWINCH(28), SIGIO(29), SIGPWR(30), SIGSYS(31, true);

    private static final Signal[] BY_NUMBER = new Signal[32];

    static {
        for (Signal s : values()) {
            BY_NUMBER[s.number] = s;
        }
    }

    public final int number;
    /** The default action terminates the process and dumps core (signal(7)). */
    public final boolean dumpsCore;

    Signal(int number) {
        this(number, false);
    }

    Signal(int number, boolean dumpsCore) {
        this.number = number;
        this.dumpsCore = dumpsCore;
    }

    /** The signal of a number, or null (0, real-time, out of range). */
    public static Signal of(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /** strace's name of a signal number: SIGSEGV, SIGRT_2 (real-time), or the number itself. */
    public static String name(int number) {
        Signal s = of(number);
        if (s != null) {
            return s.name();
        }
        if (number >= 34 && number <= 64) {
            return "SIGRT_" + (number - 32);
        }
        return String.valueOf(number);
    }

    /** The number of a name as strace prints it (SIGSEGV, SIGRT_2, SIGRTMIN, 11); 0 when it is none. */
    public static int number(String name) {
        if (name == null || name.isEmpty()) {
            return 0;
        }
        if (name.startsWith("SIGRT_")) {
            int n = parse(name.substring(6));
            return n > 0 && n <= 32 ? n + 32 : 0;
        }
        if (name.equals("SIGRTMIN")) {
            return 34;
        }
        if (name.startsWith("SIG")) {
            try {
                return valueOf(name).number;
            } catch (IllegalArgumentException e) {
                return name.equals("SIGIOT") ? 6 : name.equals("SIGPOLL") ? 29 : 0;
            }
        }
        return parse(name);
    }

    private static int parse(String digits) {
        if (digits.isEmpty() || digits.length() > 3) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            n = n * 10 + c - '0';
        }
        return n <= 64 ? n : 0;
    }
}
