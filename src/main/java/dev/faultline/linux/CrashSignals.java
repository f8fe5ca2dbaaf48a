package dev.faultline.linux;

/**
 * The one rule for "this signal delivery is a crash", used live (the tracer, at the signal-delivery-stop), offline
 * (the analyzer, on strace's text), by run's exit status and by configtest: a signal whose default action dumps core
 * (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP), delivered either by the kernel for a fault (si_code > 0:
 * SEGV_MAPERR, SI_KERNEL...) or sent by the process to itself (abort(), or httpd re-raising its fault). The same signal
 * sent by another process is a kill, not a crash.
 */
public final class CrashSignals {
    private CrashSignals() {
    }

    /** A signal whose default action dumps core: the ones a crash is made of. */
    public static boolean isFault(int signo) {
        return signo == LinuxNames.SIGSEGV || signo == LinuxNames.SIGBUS || signo == LinuxNames.SIGILL || signo == LinuxNames.SIGFPE
                || signo == LinuxNames.SIGABRT || signo == LinuxNames.SIGSYS || signo == LinuxNames.SIGTRAP;
    }

    /** The same, by name ("SIGSEGV"), as strace prints it. */
    public static boolean isFault(String signal) {
        return signal != null && isFault(number(signal));
    }

    /** si_code > 0: the kernel sent it for a fault (not kill, tgkill, sigqueue or a timer). */
    public static boolean kernelGenerated(int siCode) {
        return siCode > 0;
    }

    /**
     * The same, by strace's si_code name: SI_KERNEL and the per-signal codes (SEGV_*, BUS_*, ILL_*, FPE_*, TRAP_*,
     * SYS_*) are positive; SI_USER, SI_TKILL, SI_QUEUE... are not.
     */
    public static boolean kernelGenerated(String siCode) {
        return siCode != null && (siCode.equals("SI_KERNEL") || siCode.startsWith("SEGV_") || siCode.startsWith("BUS_")
                || siCode.startsWith("ILL_") || siCode.startsWith("FPE_") || siCode.startsWith("TRAP_") || siCode.startsWith("SYS_"));
    }

    /**
     * Whether this delivery anchors a crash: a fault signal, kernel-generated or sent by the process (or thread) to
     * itself. {@code sender} is si_pid (meaningful only when not kernel-generated).
     */
    public static boolean isCrash(boolean fault, boolean kernel, int sender, int tgid, int tid) {
        return fault && (kernel || sender == tgid || sender == tid);
    }

    /** The signal number of a name ("SIGSEGV" → 11), or 0. */
    static int number(String signal) {
        for (int n = 1; n < 32; n++) {
            if (LinuxNames.signal(n).equals(signal)) {
                return n;
            }
        }
        return 0;
    }
}
