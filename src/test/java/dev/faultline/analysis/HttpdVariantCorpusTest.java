package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules are not fitted to the corpus: four cases are recorded again with another module (shopcache_module, built
 * from the same source with other names), other directive names, other file names, another include layout (a nested
 * Include under sites-enabled/) and other culprit lines, and the analysis must give the new answers, which the
 * recorder derives from how it built each case.
 */
class HttpdVariantCorpusTest {
    private static final List<String> CASES = List.of("htaccess-parse", "htaccess-inherited", "location-handler-prefork",
            "reload-postconfig");

    @TempDir
    Path out;

    @Test
    void aReRecordedVariantGetsItsOwnAnswers() throws Exception {
        Assumptions.assumeTrue("0".equals(run("id", "-u").trim()), "recording needs root");
        for (String tool : List.of("/usr/sbin/apache2", "/usr/bin/apxs", "/usr/bin/strace", "/usr/bin/curl", "/usr/bin/zstd")) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed");
        }
        Path script = Cli.repo().resolve("native/apache/record-httpd.sh");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString(), out.toString(), CASES.get(0), CASES.get(1),
                CASES.get(2), CASES.get(3))).redirectErrorStream(true);
        pb.environment().put("FD_VARIANT", "1");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "recording finished");
        assertEquals(0, p.exitValue(), log);
        List<Object[]> recordings = HttpdVerdictTest.recordingsOf(out);
        assertTrue(recordings.size() >= CASES.size(), "every case recorded: " + log);
        for (Object[] r : recordings) {
            Path dir = (Path) r[1];
            String expected = Files.readString(dir.resolve("expected.properties"));
            assertTrue(expected.contains("shopcache_module"), "a variant case: " + expected);
            @SuppressWarnings("unchecked")
            List<String> args = (List<String>) r[2];
            FixtureVerdictTest.check(dir, args);
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }
}
