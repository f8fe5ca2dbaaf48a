package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-call engineer who forgot sudo: the real CLI, run as user nobody, against root's files and root's process.
 * CI runs as root, where no file is unreadable and every process traceable; dropping to nobody with setpriv is the
 * only way these exit codes get exercised there.
 */
class UnprivilegedUserTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void needsRootToDropPrivileges() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can run a command as nobody; BadInputTest covers these cases for other users");
        Process p;
        try {
            p = new ProcessBuilder("setpriv", "--reuid=" + FaultlineProcess.NOBODY, "--regid=" + FaultlineProcess.NOBODY,
                    "--clear-groups", "true").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("setpriv (util-linux) is missing");
            return;
        }
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
                "setpriv cannot switch to nobody here (a user namespace without CAP_SETUID?)");
    }

    private static FaultlineProcess run(String... args) throws Exception {
        FaultlineProcess f = FaultlineProcess.startAsNobody(tmp, args);
        f.waitFor(60);
        return f;
    }

    private static void permissionDenied(FaultlineProcess f) {
        String err = f.stderr().strip();
        assertEquals(ExitCodes.NO_PERMISSION, f.process.exitValue(), err);
        assertEquals("", f.stdout(), "nothing on stdout");
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("faultline: "), err);
        assertTrue(err.contains("permission denied"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
    }

    private static Path rootOnly(String name, byte[] content) throws Exception {
        Path f = Files.write(tmp.resolve(name), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        // nobody must reach the file itself and be refused there, not at JUnit's 0700 directory
        Path dir = Files.createDirectories(tmp.resolve("open"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return Files.move(f, dir.resolve(name));
    }

    @Test
    void aTraceOnlyRootMayReadIsRefusedWithItsOwnExitCode() throws Exception {
        Path trace = rootOnly("httpd.strace", "123 getpid() = 123\n".getBytes());
        permissionDenied(run("analyze", trace.toString()));
    }

    @Test
    void aCoreOnlyRootMayReadIsRefusedWithItsOwnExitCode() throws Exception {
        Path core = rootOnly("core.1234", Files.readAllBytes(Path.of("/bin/true").toRealPath()));
        FaultlineProcess f = run("core", core.toString());
        permissionDenied(f);
        assertTrue(f.stderr().contains("core.1234"), f.stderr());
    }

    /** attach to root's process as nobody: refused with a hint, and the process is left exactly as it was. */
    @Test
    void attachingToRootsProcessIsRefusedAndLeavesItAlone() throws Exception {
        Process server = new ProcessBuilder("sleep", "120").start();
        try {
            FaultlineProcess f = run("attach", Long.toString(server.pid()), "--duration", "5");
            permissionDenied(f);
            // the host's own reason (another user's process; no Yama, no SELinux here), and the fix
            assertTrue(f.stderr().contains("runs as uid 0 and faultline as uid " + FaultlineProcess.NOBODY), f.stderr());
            assertTrue(f.stderr().contains("sudo faultline attach " + server.pid()), f.stderr());
            assertTrue(server.isAlive(), "the target survives");
            assertEquals(0, FaultlineProcess.tracerPid(server.pid()), "nobody traces the target afterwards");
            assertEquals('S', FaultlineProcess.state(server.pid()), "the target is not left stopped");
        } finally {
            server.destroyForcibly();
        }
    }
}
