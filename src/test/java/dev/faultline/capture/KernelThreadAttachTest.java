package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attaching to a kernel thread (kthreadd) says what it is; "run as root" would be wrong advice to root. */
class KernelThreadAttachTest {
    @TempDir
    Path dir;

    @Test
    void kthreaddIsRefusedAsAKernelThreadNotForWantOfRoot() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/2/status")) && Files.readString(Path.of("/proc/2/status")).contains("kthreadd"),
                "pid 2 is kthreadd here (not in a PID namespace)");
        FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "2");
        int code = fl.waitFor(20);
        String err = fl.stderr().strip();
        assertEquals(ExitCodes.NO_PERMISSION, code, err);
        assertTrue(err.contains("kernel thread"), err);
        assertFalse(err.contains("sudo") || err.contains("CAP_SYS_PTRACE"), "no root advice: " + err);
        assertFalse(err.contains("\n"), "one line: " + err);
    }
}
