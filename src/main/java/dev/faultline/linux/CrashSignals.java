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

    /** A signal a crash is made of: SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP. */
    public static boolean isFault(int signo) {
        Signal s = Signal.of(signo);
        // SIGQUIT, SIGXCPU and SIGXFSZ dump core too, but they are sent or limits, never a fault in the code
        return s != null && s.dumpsCore && s != Signal.SIGQUIT && s != Signal.SIGXCPU && s != Signal.SIGXFSZ;
    }

    /** The same, by name ("SIGSEGV"), as strace prints it. */
    public static boolean isFault(String signal) {
        return signal != null && isFault(Signal.number(signal));
    }

    /**
     * Whether this delivery anchors a crash: a fault signal, kernel-generated (si_code > 0) or sent by the process (or
     * thread) to itself. {@code sender} is si_pid (meaningful only when not kernel-generated).
     */
    public static boolean isCrash(int signo, int siCode, int sender, int tgid, int tid) {
        return isFault(signo) && (SiCode.kernelGenerated(siCode) || sender == tgid || sender == tid);
    }
}
