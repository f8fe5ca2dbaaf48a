package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9: in attach and run, -o/--output is the report as in every other command and the strace log is
 * --strace-log; an -o whose name looks like a trace log gets a note. Each case runs the real CLI in its own JVM.
 */
class LiveOutputOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void runWritesTheReportToOutputAndTheStraceLogToStraceLog() throws Exception {
        assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (not root, Yama ptrace_scope > 0)");
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "run", "--format", "json", "-o", "report.json",
                "--strace-log", "calls.txt", "--", "/bin/true");
        assertEquals(0, fl.waitFor(60), fl.stderr());
        assertEquals("", fl.stdout(), "the report went to -o, not stdout");
        assertTrue(Files.readString(tmp.resolve("report.json")).strip().startsWith("{"), "the report is the JSON report");
        String calls = Files.readString(tmp.resolve("calls.txt"));
        assertTrue(calls.contains("execve(\"/bin/true\""), "the strace log has the command's execve: " + calls);
        assertFalse(fl.stderr().contains("--strace-log"), "no note when both are given: " + fl.stderr());

        FaultlineProcess alias = FaultlineProcess.start(tmp, List.of(), "run", "--report", "old.txt", "--", "/bin/true");
        assertEquals(0, alias.waitFor(60), alias.stderr());
        assertTrue(Files.size(tmp.resolve("old.txt")) > 0, "--report is still the report");
    }

    @Test
    void anOutputNamedLikeATraceLogGetsTheReportAndANoteNamingStraceLog() throws Exception {
        assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (not root, Yama ptrace_scope > 0)");
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "run", "-o", "live.strace", "--", "/bin/true");
        assertEquals(0, fl.waitFor(60), fl.stderr());
        assertTrue(fl.stderr().contains("faultline: note: -o/--output live.strace gets the report; for an strace log give --strace-log FILE"),
                fl.stderr());
        String written = Files.readString(tmp.resolve("live.strace"));
        assertFalse(written.contains("execve("), "the file holds the report, not an strace log: " + written);
    }

    /** A device is written into, never replaced: as root, renaming a temp file over /dev/null made it a regular file. */
    @Test
    void theStraceLogAndTheReportIntoDevNullLeaveTheDeviceADevice() throws Exception {
        assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (not root, Yama ptrace_scope > 0)");
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull) && !Files.isRegularFile(devNull), "/dev/null is not a device here");
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "run", "--strace-log", "/dev/null", "-o", "/dev/null",
                "--", "/bin/true");
        assertEquals(0, fl.waitFor(60), fl.stderr());
        assertEquals("character", Files.readAttributes(devNull, java.nio.file.attribute.BasicFileAttributes.class).isOther()
                ? "character" : "regular", "/dev/null is still a device");
        assertFalse(Files.exists(Path.of("/dev/null.partial")), "no temp file beside the device");
    }

    @Test
    void versionInItsOwnJvmNamesTheBuildAndWithVerboseTheRuntime() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", "--version", "-v");
        assertEquals(0, fl.waitFor(60), fl.stderr());
        String[] lines = fl.stdout().split("\\R");
        assertTrue(lines[0].matches("faultline \\S+ \\(git \\S+\\)"), fl.stdout());
        assertTrue(lines[1].matches("JNA 5\\.\\S+ \\(native \\S+, loaded\\)"), fl.stdout());
        assertTrue(lines[2].startsWith("kernel Linux "), fl.stdout());
        assertTrue(lines[3].startsWith("Java 17") || lines[3].matches("Java \\d+.*"), fl.stdout());
        assertEquals("", fl.stderr());
    }
}
