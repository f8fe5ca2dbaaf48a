package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, security review: a symbolic link planted where faultline writes its output (a shared /tmp) is replaced,
 * never written through, so faultline run as root cannot be made to overwrite the file the link points at. A
 * character device is written into (it must stay a device).
 */
class OutputTargetTest {
    @TempDir
    Path tmp;

    @Test
    void aPlantedLinkIsReplacedAndItsTargetIsNeverWritten() throws Exception {
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "untouched\n");
        Path out = tmp.resolve("report.txt");
        Files.createSymbolicLink(out, victim);
        Path trace = Cli.repo().resolve("fixtures/apache/htaccess-typo/f_tt_T_yy_s1024.txt");
        Cli r = Cli.run("analyze", trace.toString(), "-o", out.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertEquals("untouched\n", Files.readString(victim), "the link's target is not written through");
        assertFalse(Files.isSymbolicLink(out), "the link itself was replaced by the report");
        assertTrue(Files.readString(out).contains(".htaccess"), "the report is in the output file");
    }

    @Test
    void aCharacterDeviceIsWrittenIntoAndStaysADevice() throws Exception {
        Path trace = Cli.repo().resolve("fixtures/apache/htaccess-typo/f_tt_T_yy_s1024.txt");
        Cli r = Cli.run("analyze", trace.toString(), "-o", "/dev/null");
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertEquals(0020000, ((Integer) Files.getAttribute(Path.of("/dev/null"), "unix:mode")) & 0170000, "/dev/null is a character device");
    }
}
