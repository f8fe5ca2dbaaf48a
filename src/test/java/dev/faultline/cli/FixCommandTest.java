package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.fix.FixTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * faultline fix through the real CLI on private copies of corpus snapshots: from a JSON report and from analyze's
 * own arguments, into a copy or in place with a backup, and its refusals (no hint: 72; a fix that still fails
 * apache2 -t: 75, nothing written).
 */
class FixCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path APACHE2 = Path.of("/usr/sbin/apache2");
    private static final String HTACCESS = "tmp/faultline-apache/htaccess-typo/htdocs/app/.htaccess";

    private static Path fixture(String name) {
        return Cli.repo().resolve("fixtures").resolve(name);
    }

    /** analyze --format json of the .htaccess typo on a copy, written next to the copy. */
    private static Path typoReport(Path copy) throws Exception {
        Cli r = Cli.run("analyze", "--format", "json", "--root", copy.toString(), fixture("apache/htaccess-typo").resolve("f_o.txt").toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        Path report = copy.getParent().resolve("report.json");
        Files.writeString(report, r.out);
        return report;
    }

    @Test
    void fromAReportIntoACopyThenInPlaceWithABackup() throws Exception {
        assumeTrue(Files.isExecutable(APACHE2), "apache2 is not installed");
        Path copy = FixTrees.copy(fixture("apache/htaccess-typo").resolve("snapshot"));
        try {
            Path report = typoReport(copy);
            Map<String, String> before = FixTrees.files(copy);
            String original = before.get(HTACCESS);
            String fixed = original.replace("RewriteEngin On\n", "RewriteEngine On\n");

            Path out = copy.getParent().resolve("out");
            Cli r = Cli.run("fix", "--from", report.toString(), "-o", out.toString());
            assertEquals(0, r.exit, r.err);
            assertTrue(r.out.contains("Syntax OK"), r.out);
            assertEquals(fixed, Files.readString(out.resolve(HTACCESS)));
            assertEquals(before, FixTrees.files(copy), "the copy mode leaves the tree alone");

            Cli inPlace = Cli.run("fix", "--from", report.toString(), "--in-place", "--backup-suffix", ".bak");
            assertEquals(0, inPlace.exit, inPlace.err);
            assertEquals(fixed, Files.readString(copy.resolve(HTACCESS)));
            assertEquals(original, Files.readString(copy.resolve(HTACCESS + ".bak")), "the backup holds the original");

            // the same report again: the line is no longer what it quoted, so no fix (and the backup is kept)
            Cli again = Cli.run("fix", "--from", report.toString(), "--in-place", "--backup-suffix", ".bak");
            assertEquals(ExitCodes.NO_FIX, again.exit, again.err);
            assertTrue(again.err.contains("no longer"), again.err);
            assertEquals(original, Files.readString(copy.resolve(HTACCESS + ".bak")));
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    @Test
    void aFixThatStillFailsTheConfigtestIsRefusedAndNothingIsWritten() throws Exception {
        assumeTrue(Files.isExecutable(APACHE2), "apache2 is not installed");
        Path copy = FixTrees.copy(fixture("apache/htaccess-typo").resolve("snapshot"));
        try {
            Path report = typoReport(copy);
            ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(report));
            ((ObjectNode) root.get("incidents").get(0).get("fix")).put("new", "RewriteEngineX On");
            Files.writeString(report, JSON.writeValueAsString(root));
            Map<String, String> before = FixTrees.files(copy);
            Cli r = Cli.run("fix", "--from", report.toString(), "--in-place");
            assertEquals(ExitCodes.FIX_REJECTED, r.exit, r.out + r.err);
            assertTrue(r.err.contains("Invalid command 'RewriteEngineX'"), r.err);
            assertEquals(before, FixTrees.files(copy), "nothing written, no backup");
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    /** A start-up crash, from analyze's arguments: the copy passes apache2 -t; a "fix" that keeps the crash is refused. */
    @Test
    void theStartupCrashFixedFromAnalyzeArgumentsPassesTheConfigtest() throws Exception {
        assumeTrue(Files.isExecutable(APACHE2), "apache2 is not installed");
        Path caseDir = fixture("httpd/startup-parse");
        Path copy = FixTrees.copy(caseDir.resolve("snapshot"));
        try {
            Path out = copy.getParent().resolve("out");
            Cli r = Cli.run("fix", "-o", out.toString(), "--root", copy.toString(), "--core", caseDir.resolve("core.zst").toString(),
                    caseDir.resolve("t.txt").toString());
            assertEquals(0, r.exit, r.err);
            String conf = "tmp/faultline-httpd/startup-parse/conf/conf.d/20-x.conf";
            assertEquals(Files.readString(copy.resolve(conf)).replace("\nFaultdemoParse bogus", "\n# FaultdemoParse bogus"),
                    Files.readString(out.resolve(conf)));

            Cli json = Cli.run("analyze", "--format", "json", "--root", copy.toString(), "--core", caseDir.resolve("core.zst").toString(),
                    caseDir.resolve("t.txt").toString());
            ObjectNode root = (ObjectNode) JSON.readTree(json.out);
            ((ObjectNode) root.get("incidents").get(0).get("fix")).put("new", "FaultdemoParse  bogus");
            Path report = copy.getParent().resolve("report.json");
            Files.writeString(report, JSON.writeValueAsString(root));
            Cli crash = Cli.run("fix", "--from", report.toString(), "-o", copy.getParent().resolve("out2").toString());
            assertEquals(ExitCodes.FIX_REJECTED, crash.exit, crash.err);
            assertTrue(crash.err.contains("still crashes (SIGSEGV)"), crash.err);
            assertFalse(Files.exists(copy.getParent().resolve("out2").resolve(conf)));
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    @Test
    void noHintIsExit72() throws Exception {
        Path caseDir = fixture("apache/php-stack-overflow");
        Cli r = Cli.run("fix", "-o", "/nonexistent-fix-output", "--root", caseDir.resolve("snapshot").toString(), caseDir.resolve("f_o.txt").toString());
        assertEquals(ExitCodes.NO_FIX, r.exit, r.err);
        assertTrue(r.err.contains("no fix"), r.err);
        assertEquals("", r.out);
    }

    /** EACCES: the copy gets the server's group (from the configuration's User/Group) and g+r; the mode otherwise kept. */
    @Test
    void thePermissionFixGivesTheServerGroupReadOnACopy() throws Exception {
        Path caseDir = fixture("apache/php-permission-include");
        Path copy = FixTrees.copy(caseDir.resolve("snapshot"));
        try {
            String settings = "tmp/faultline-apache/php-permission-include/htdocs/shop/config/settings.php";
            Files.setPosixFilePermissions(copy.resolve(settings), EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            Cli json = Cli.run("analyze", "--format", "json", "--root", copy.toString(), caseDir.resolve("f_o.txt").toString());
            var fix = JSON.readTree(json.out).get("incidents").get(0).get("fix");
            assertEquals("permission", fix.get("kind").asText(), fix.toString());
            assertEquals("www-data", fix.get("access").get("group").asText());
            assertEquals("g+r", fix.get("access").get("mode").asText());

            Path out = copy.getParent().resolve("out");
            Cli r = Cli.run("fix", "-o", out.toString(), "--root", copy.toString(), caseDir.resolve("f_o.txt").toString());
            assertEquals(0, r.exit, r.err);
            PosixFileAttributes a = Files.readAttributes(out.resolve(settings), PosixFileAttributes.class);
            assertEquals("www-data", a.group().getName());
            assertEquals("rw-r-----", PosixFilePermissions.toString(a.permissions()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve(settings))), "the tree is untouched");
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    /** A report that is not one, or whose fix names a path that would steer a write elsewhere: no fix, one line. */
    @Test
    void aBadReportGivesOneLineAndNoWrite() throws Exception {
        Path dir = FixTrees.tempDir();
        try {
            Path garbage = dir.resolve("garbage.json");
            Files.writeString(garbage, "not json {");
            Cli r = Cli.run("fix", "--from", garbage.toString(), "-o", dir.resolve("out").toString());
            assertEquals(ExitCodes.IO_ERROR, r.exit, r.err);
            assertEquals(1, r.err.strip().lines().count(), r.err);

            Path sneaky = dir.resolve("sneaky.json");
            Files.writeString(sneaky, "{\"incidents\": [{\"fix\": {\"kind\": \"comment-out\", \"path\": \"/srv/../../etc/x.conf\","
                    + " \"local\": \"/srv/x.conf\", \"line\": 1, \"old\": \"a\", \"new\": \"# a\"}}]}");
            Cli s = Cli.run("fix", "--from", sneaky.toString(), "-o", dir.resolve("out").toString());
            assertEquals(ExitCodes.NO_FIX, s.exit, s.err);
            assertFalse(Files.exists(dir.resolve("out")));

            Cli missing = Cli.run("fix", "--from", dir.resolve("none.json").toString());
            assertEquals(ExitCodes.NOT_FOUND, missing.exit, missing.err);
        } finally {
            FixTrees.delete(dir);
        }
    }
}
