package dev.faultline.linux;

/**
 * si_code values by name, as in the kernel's siginfo.h: the generic ones (≤ 0, or SI_KERNEL) and the per-signal
 * ones (> 0, meaningful only with their signal). A positive code means the kernel raised the signal for a fault.
 */
public enum SiCode {
    SI_USER(0, 0), SI_KERNEL(0, 0x80), SI_QUEUE(0, -1), SI_TIMER(0, -2), SI_MESGQ(0, -3), SI_ASYNCIO(0, -4),
    SI_SIGIO(0, -5), SI_TKILL(0, -6),
    SEGV_MAPERR(11, 1), SEGV_ACCERR(11, 2), SEGV_BNDERR(11, 3), SEGV_PKUERR(11, 4),
    BUS_ADRALN(7, 1), BUS_ADRERR(7, 2), BUS_OBJERR(7, 3), BUS_MCEERR_AR(7, 4), BUS_MCEERR_AO(7, 5),
    ILL_ILLOPC(4, 1), ILL_ILLOPN(4, 2), ILL_ILLADR(4, 3), ILL_ILLTRP(4, 4), ILL_PRVOPC(4, 5), ILL_PRVREG(4, 6),
    ILL_COPROC(4, 7), ILL_BADSTK(4, 8),
    FPE_INTDIV(8, 1), FPE_INTOVF(8, 2), FPE_FLTDIV(8, 3), FPE_FLTOVF(8, 4), FPE_FLTUND(8, 5), FPE_FLTRES(8, 6),
    FPE_FLTINV(8, 7), FPE_FLTSUB(8, 8),
    TRAP_BRKPT(5, 1), TRAP_TRACE(5, 2), TRAP_BRANCH(5, 3), TRAP_HWBKPT(5, 4),
    CLD_EXITED(17, 1), CLD_KILLED(17, 2), CLD_DUMPED(17, 3), CLD_TRAPPED(17, 4), CLD_STOPPED(17, 5), CLD_CONTINUED(17, 6),
    SYS_SECCOMP(31, 1);

    /** Marks "no si_code known" (strace printed none, or it printed one this table does not hold). */
    public static final int UNKNOWN = Integer.MIN_VALUE;

    /** The signal this code belongs to; 0 for the generic codes. */
    public final int signo;
    public final int code;

    SiCode(int signo, int code) {
        this.signo = signo;
        this.code = code;
    }

    /** The named code of a delivery, or null when the table has no name for it. */
    public static SiCode of(int signo, int code) {
        for (SiCode c : values()) {
            if (c.code == code && (c.signo == 0 ? code <= 0 || code == 0x80 : c.signo == signo && code > 0 && code != 0x80)) {
                return c;
            }
        }
        return null;
    }

    /** strace's spelling: the name, or the number when there is none. */
    public static String name(int signo, int code) {
        SiCode c = of(signo, code);
        return c != null ? c.name() : String.valueOf(code);
    }

    /** The value of strace's si_code text (a name or a number); {@link #UNKNOWN} when it is neither. */
    public static int parse(String text) {
        if (text == null || text.isEmpty()) {
            return UNKNOWN;
        }
        try {
            return valueOf(text).code;
        } catch (IllegalArgumentException e) {
            try {
                return Integer.decode(text);
            } catch (NumberFormatException notNumber) {
                return UNKNOWN;
            }
        }
    }

    /** si_code > 0: the kernel raised it for a fault (not kill, tgkill, sigqueue or a timer). */
    public static boolean kernelGenerated(int code) {
        return code > 0 && code != UNKNOWN;
    }
}
