package dev.faultline.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One crash rule for the tracer's numbers and strace's names; the signal and si_code tables read both ways. */
class CrashSignalsTest {
    @Test
    void namesAndNumbersAgree() {
        for (int n = 1; n < 65; n++) {
            assertEquals(CrashSignals.isFault(n), CrashSignals.isFault(Signal.name(n)), Signal.name(n));
            if (n != 32 && n != 33) {
                assertEquals(n, Signal.number(Signal.name(n)), Signal.name(n));
            }
        }
        assertTrue(CrashSignals.isFault("SIGSEGV") && CrashSignals.isFault("SIGABRT") && !CrashSignals.isFault("SIGTERM"));
        assertFalse(CrashSignals.isFault((String) null));
        assertFalse(CrashSignals.isFault("SIGQUIT"), "dumps core, but is sent, not a fault");
    }

    @Test
    void siCodeNamesReadBack() {
        for (int sig : new int[] {LinuxNames.SIGSEGV, LinuxNames.SIGBUS, LinuxNames.SIGILL, LinuxNames.SIGFPE, LinuxNames.SIGTRAP,
            LinuxNames.SIGCHLD, LinuxNames.SIGSYS, LinuxNames.SIGABRT}) {
            for (int code : new int[] {-6, -1, 0, 1, 2, 3, 0x80}) {
                String name = SiCode.name(sig, code);
                assertEquals(code, SiCode.parse(name), Signal.name(sig) + " " + name);
            }
        }
        assertEquals("SEGV_MAPERR", SiCode.name(LinuxNames.SIGSEGV, 1));
        assertEquals("SI_KERNEL", SiCode.name(LinuxNames.SIGSEGV, 0x80));
        assertEquals("SI_TKILL", SiCode.name(LinuxNames.SIGABRT, -6));
        assertEquals("CLD_DUMPED", SiCode.name(LinuxNames.SIGCHLD, 3));
        assertTrue(SiCode.kernelGenerated(SiCode.parse("SEGV_ACCERR")) && SiCode.kernelGenerated(SiCode.parse("SI_KERNEL")));
        assertFalse(SiCode.kernelGenerated(SiCode.parse("SI_USER")) || SiCode.kernelGenerated(SiCode.parse("SI_TKILL"))
                || SiCode.kernelGenerated(SiCode.parse("nonsense")));
    }

    @Test
    void aKillFromAnotherProcessIsNoCrash() {
        assertTrue(CrashSignals.isCrash(LinuxNames.SIGSEGV, 1, 0, 100, 101), "a fault");
        assertTrue(CrashSignals.isCrash(LinuxNames.SIGABRT, LinuxNames.SI_TKILL, 100, 100, 101), "abort() or httpd's re-raise: sent to itself");
        assertTrue(CrashSignals.isCrash(LinuxNames.SIGSEGV, LinuxNames.SI_TKILL, 101, 100, 101), "tgkill by the thread itself");
        assertFalse(CrashSignals.isCrash(LinuxNames.SIGSEGV, LinuxNames.SI_USER, 4242, 100, 101), "kill -SEGV from elsewhere");
        assertFalse(CrashSignals.isCrash(LinuxNames.SIGTERM, 0x80, 0, 100, 101), "not a fault signal");
    }
}
