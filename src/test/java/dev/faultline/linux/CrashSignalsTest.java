package dev.faultline.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One crash rule for the tracer's numbers and strace's names. */
class CrashSignalsTest {
    @Test
    void namesAndNumbersAgree() {
        for (int n = 1; n < 32; n++) {
            assertEquals(CrashSignals.isFault(n), CrashSignals.isFault(LinuxNames.signal(n)), LinuxNames.signal(n));
        }
        assertTrue(CrashSignals.isFault("SIGSEGV") && CrashSignals.isFault("SIGABRT") && !CrashSignals.isFault("SIGTERM"));
        assertFalse(CrashSignals.isFault((String) null));
        // strace's si_code names against their values: SEGV_MAPERR 1, SI_KERNEL 0x80, SI_USER 0, SI_TKILL -6
        assertEquals(CrashSignals.kernelGenerated(1), CrashSignals.kernelGenerated(LinuxNames.siCode(LinuxNames.SIGSEGV, 1)));
        assertEquals(CrashSignals.kernelGenerated(0x80), CrashSignals.kernelGenerated(LinuxNames.siCode(LinuxNames.SIGSEGV, 0x80)));
        assertEquals(CrashSignals.kernelGenerated(0), CrashSignals.kernelGenerated(LinuxNames.siCode(LinuxNames.SIGSEGV, 0)));
        assertEquals(CrashSignals.kernelGenerated(-6), CrashSignals.kernelGenerated(LinuxNames.siCode(LinuxNames.SIGABRT, -6)));
    }

    @Test
    void aKillFromAnotherProcessIsNoCrash() {
        assertTrue(CrashSignals.isCrash(true, true, 0, 100, 101), "a fault");
        assertTrue(CrashSignals.isCrash(true, false, 100, 100, 101), "abort() or httpd's re-raise: sent to itself");
        assertTrue(CrashSignals.isCrash(true, false, 101, 100, 101), "tgkill by the thread itself");
        assertFalse(CrashSignals.isCrash(true, false, 4242, 100, 101), "kill -SEGV from elsewhere");
        assertFalse(CrashSignals.isCrash(false, true, 0, 100, 101), "not a fault signal");
    }
}
