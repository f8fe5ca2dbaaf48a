package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.fix.FixTrees;
import dev.faultline.httpd.configtest.CandidateCheck;
import dev.faultline.httpd.configtest.ConfigTestResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fix hints on the recorded corpus: for every case whose fix is known, analyze --fix-diff on a private copy of its
 * snapshot gives a diff that the real GNU patch applies with -p0 from the copy's root; exactly the culprit line
 * changes, and the result passes apache2 -t (a .htaccess as the body of its directory) or php -l, where the
 * original crashed or failed. Cases with no config culprit get no hint at all.
 */
class FixHintCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path APACHE2 = Path.of("/usr/sbin/apache2");
    private static final Path PHP = Path.of("/usr/bin/php");

    static Stream<Object[]> fixable() {
        return Stream.of(
                fixCase("apache/htaccess-typo", "f_o.txt"),
                fixCase("apache/htaccess-typo", "--error-log", "error.log"),
                fixCase("apache/htaccess-inherited", "f_o.txt"),
                fixCase("apache/php-missing-include", "f_o.txt"),
                fixCase("apache/php-missing-include", "--error-log", "error.log"),
                fixCase("apache/htaccess-prepend-inherited", "f_o.txt"),
                fixCase("apache/php-include-path-missing", "f_o.txt"),
                fixCase("apache/php-include-path-missing", "--error-log", "error.log"),
                fixCase("httpd/htaccess-parse", "f.txt"),
                fixCase("httpd/location-handler-prefork", "f.txt"),
                fixCase("httpd/location-handler-event", "f.txt"),
                fixCase("httpd/startup-parse", "--core", "core.zst", "t.txt"),
                fixCase("httpd/htaccess-inherited", "f.txt"));
    }

    private static Object[] fixCase(String dir, String... args) {
        return new Object[] {dir + " " + String.join(" ", args), dir, List.of(args)};
    }

    static Stream<Object[]> unfixable() {
        return Stream.of(
                fixCase("apache/php-stack-overflow", "f_o.txt"),
                fixCase("apache/not-found-404", "f_o.txt"),
                fixCase("apache/directoryindex-healthy", "f_o.txt"),
                fixCase("apache/fpm-healthy", "f_o.txt"),
                // the include is missing and nothing near it exists: application code is never cut
                fixCase("apache/fpm-missing-include", "f_o.txt", "fpm_f_o.txt"),
                fixCase("apache/htaccess-prepend-inherited", "--error-log", "error.log"),
                fixCase("httpd/php-app-crash", "f.txt"),
                fixCase("httpd/not-found", "f.txt"),
                fixCase("httpd/healthy-thirdparty", "f.txt"),
                // a start-up crash with no core: two candidate lines, no culprit, so no hint
                fixCase("httpd/startup-parse", "f.txt"));
    }

    /** analyze's arguments for a case: --root COPY, then its recordings (resolved in the case directory). */
    private static List<String> analyzeArgs(Path caseDir, Path copy, List<String> args, String... options) {
        List<String> cmd = new ArrayList<>(List.of("analyze", "--root", copy.toString()));
        cmd.addAll(List.of(options));
        for (String a : args) {
            cmd.add(a.startsWith("-") ? a : caseDir.resolve(a).toString());
        }
        return cmd;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixable")
    void theDiffAppliesWithPatchAndTheResultPasses(String name, String dir, List<String> args) throws Exception {
        Path caseDir = Cli.repo().resolve("fixtures").resolve(dir);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/patch")), "GNU patch is not installed");
        Expected want = new Expected(caseDir.resolve("expected.properties"));
        if (args.contains("--error-log")) {
            want = want.fromErrorLog;
        }
        Path copy = FixTrees.copy(caseDir.resolve("snapshot"));
        try {
            Map<String, String> before = FixTrees.files(copy);
            Cli json = Cli.run(analyzeArgs(caseDir, copy, args, "--format", "json").toArray(new String[0]));
            assertTrue(Cli.analyzed(json.exit), json.err);
            JsonNode fix = JSON.readTree(json.out).get("incidents").get(0).get("fix");
            assertFalse(fix.isNull(), "a fix hint: " + json.out);
            assertTrue(fix.get("path").asText().endsWith("/" + want.culprit), fix.toString());
            assertEquals(want.line.intValue(), fix.get("line").asInt(), fix.toString());

            Cli diff = Cli.run(analyzeArgs(caseDir, copy, args, "--fix-diff").toArray(new String[0]));
            assertEquals(0, diff.exit, diff.err);
            assertTrue(diff.out.startsWith("--- "), diff.out);
            FixTrees.Run patch = FixTrees.run(copy, diff.out, List.of("patch", "-p0", "--no-backup-if-mismatch"));
            assertEquals(0, patch.exit(), patch.out());

            // exactly the culprit line of the culprit file changed, into the hint's new line
            Map<String, String> after = FixTrees.files(copy);
            assertEquals(before.keySet(), after.keySet(), "patch adds or removes no file");
            String culprit = fix.get("path").asText().substring(1);
            for (String f : before.keySet()) {
                if (!f.equals(culprit)) {
                    assertEquals(before.get(f), after.get(f), f + " is unchanged");
                }
            }
            List<String> old = before.get(culprit).lines().toList();
            List<String> now = after.get(culprit).lines().toList();
            assertEquals(old.size(), now.size());
            for (int i = 0; i < old.size(); i++) {
                if (i == want.line - 1) {
                    assertEquals(fix.get("old").asText(), old.get(i));
                    assertEquals(fix.get("new").asText(), now.get(i));
                    assertNotEquals(old.get(i), now.get(i));
                } else {
                    assertEquals(old.get(i), now.get(i), "line " + (i + 1));
                }
            }
            assertPasses(caseDir, copy, fix, before.get(culprit), after.get(culprit));
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    /** The fixed file passes where the original failed: apache2 -t on a copy of the configuration, or php -l. */
    private static void assertPasses(Path caseDir, Path copy, JsonNode fix, String original, String fixed) throws Exception {
        String path = fix.get("path").asText();
        if (path.endsWith(".php")) {
            assumeTrue(Files.isExecutable(PHP), "php is not installed");
            Path f = copy.resolve(path.substring(1));
            FixTrees.Run lint = FixTrees.run(copy, null, List.of(PHP.toString(), "-n", "-l", f.toString()));
            assertEquals(0, lint.exit(), lint.out());
            // and the path it now names is an existing file of the tree
            String named = changedPath(fix.get("old").asText(), fix.get("new").asText()).replaceFirst("^/+", "");
            try (Stream<Path> all = Files.walk(copy)) {
                assertTrue(all.anyMatch(p -> Files.isRegularFile(p) && copy.relativize(p).toString().endsWith(named)),
                        "the fixed line names an existing file: " + named);
            }
            return;
        }
        assumeTrue(Files.isExecutable(APACHE2), "apache2 is not installed");
        Properties server = serverOf(caseDir);
        Path filesRoot = copy.resolve(server.root.substring(1));
        ConfigTestResult now = CandidateCheck.withContent(filesRoot, server.root, server.config, APACHE2, null, List.of(), path, fixed);
        assertEquals(ConfigTestResult.Outcome.OK, now.outcome(), now.output());
        ConfigTestResult was = CandidateCheck.withContent(filesRoot, server.root, server.config, APACHE2, null, List.of(), path, original);
        if (fix.get("kind").asText().equals("rename-directive")) {
            assertEquals(ConfigTestResult.Outcome.FAILED, was.outcome(), "the typo fails apache2 -t: " + was.output());
        } else if (fix.get("old").asText().strip().startsWith("FaultdemoParse")) {
            // FaultdemoParse crashes while it is parsed (FaultdemoHandler only when a request runs it)
            assertEquals(ConfigTestResult.Outcome.CRASHED, was.outcome(), "the original line crashes apache2 -t: " + was.output());
        }
    }

    /** The path in {@code now} where it differs from {@code old}, widened to whole path characters. */
    static String changedPath(String old, String now) {
        int p = 0;
        while (p < old.length() && p < now.length() && old.charAt(p) == now.charAt(p)) {
            p++;
        }
        int s = 0;
        while (s < old.length() - p && s < now.length() - p && old.charAt(old.length() - 1 - s) == now.charAt(now.length() - 1 - s)) {
            s++;
        }
        int start = p;
        int end = now.length() - s;
        while (start > 0 && isPathChar(now.charAt(start - 1))) {
            start--;
        }
        while (end < now.length() && isPathChar(now.charAt(end))) {
            end++;
        }
        return now.substring(start, end);
    }

    private static boolean isPathChar(char c) {
        return Character.isLetterOrDigit(c) || "._/-".indexOf(c) >= 0;
    }

    private record Properties(String config, String root) {
    }

    /** The server's configuration and ServerRoot as the case recorded them (/tmp/faultline-{apache,httpd}/NAME). */
    private static Properties serverOf(Path caseDir) {
        String base = "/tmp/faultline-" + caseDir.getParent().getFileName() + "/" + caseDir.getFileName();
        return new Properties(base + "/conf/httpd.conf", base);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unfixable")
    void noHintWithoutAConfigCulprit(String name, String dir, List<String> args) throws IOException {
        Path caseDir = Cli.repo().resolve("fixtures").resolve(dir);
        Path snapshot = caseDir.resolve("snapshot");
        Cli diff = Cli.run(analyzeArgs(caseDir, snapshot, args, "--fix-diff").toArray(new String[0]));
        assertEquals(72, diff.exit, diff.err);
        assertEquals("", diff.out);
        assertTrue(diff.err.contains("no fix"), diff.err);
        Cli json = Cli.run(analyzeArgs(caseDir, snapshot, args, "--format", "json").toArray(new String[0]));
        for (JsonNode inc : JSON.readTree(json.out).get("incidents")) {
            assertTrue(inc.get("fix").isNull(), "no fix: " + inc.get("fix"));
        }
    }
}
