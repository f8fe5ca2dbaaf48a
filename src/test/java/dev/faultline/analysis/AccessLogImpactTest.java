package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.httpd.LiveApache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log gives each 500 its impact: how many answers of the same request failed, and when. */
class AccessLogImpactTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CASE = Cli.repo().resolve("fixtures/apache/php-permission-include");

    @TempDir
    Path dir;

    private static long lines(Path log, String contains) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains(contains)).count();
    }

    @Test
    void eachIncidentCountsTheFailuresOfItsRequest() throws Exception {
        Path log = CASE.resolve("access.log");
        Cli r = Cli.run("analyze", "--format", "json", "--no-auto-error-log", "--root", CASE.resolve("snapshot").toString(),
                "--access-log", log.toString(), CASE.resolve("f_tt_T_yy_s1024.txt").toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode root = JSON.readTree(r.out);
        long failed = lines(log, "\"GET /shop/ HTTP/1.1\" 500");
        assertTrue(failed >= 2, "the recording repeats the failing request");
        assertEquals(failed, root.get("incidents").size(), "one incident per 500 in the trace");
        for (JsonNode inc : root.get("incidents")) {
            JsonNode impact = inc.get("impact");
            assertEquals("GET /shop/", impact.get("request").asText());
            assertEquals(failed, impact.get("errors").asLong(), impact.toString());
            assertEquals(failed, impact.get("by_status").get("500").asLong());
            assertTrue(impact.get("first").asText().compareTo(impact.get("last").asText()) <= 0, impact.toString());
        }
        JsonNode a = root.get("access_log");
        assertEquals(Files.readAllLines(log).size(), a.get("requests").asLong(), a.toString());
        assertTrue(a.get("window").isNull(), "a named log with a time-of-day trace is counted whole");
        assertEquals(failed, a.get("failures_by_status").get("500").asLong());
        assertEquals("GET /shop/", a.get("worst").get(0).get("request").asText());
        assertTrue(Cli.run("analyze", "--no-auto-error-log", "--root", CASE.resolve("snapshot").toString(), "--access-log", log.toString(),
                CASE.resolve("f_tt_T_yy_s1024.txt").toString()).out.contains("impact: " + failed + " failed answer(s) to GET /shop/"));
    }

    @Test
    void aFileThatIsNoAccessLogIsOneLineAndExit7() throws Exception {
        Path junk = dir.resolve("junk.log");
        Files.write(junk, new byte[] {0, 1, 2, 3, (byte) 0xff, '\n', 'x', 'y', '\n'});
        Cli r = Cli.run("analyze", "--access-log", junk.toString(), CASE.resolve("f_o.txt").toString());
        assertEquals(7, r.exit, r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.contains("no line of an Apache access log"), r.err);
    }

    /** A live server traced with strace: its own access log (its CustomLog line) is found and counted in the trace's window. */
    @Test
    void theServersOwnAccessLogIsFoundFromItsConfiguration() throws Exception {
        LiveApache.assumeTraceable(dir);
        Path trace = dir.resolve("t.txt");
        Path accessLog;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            accessLog = httpd.dir().resolve("logs/access.log");
            for (int i = 0; i < 3; i++) {
                httpd.curl("/index.html"); // before the trace: not in its window... unless within its minute of slack
            }
            List<Integer> all = new ArrayList<>(List.of(httpd.parentPid()));
            all.addAll(httpd.childPids());
            Process strace = LiveApache.strace(trace, all, "-f", "-tt");
            assertEquals(500, httpd.curl("/typo/")); // typo/.htaccess line 2: RewriteEngin On
            assertEquals(500, httpd.curl("/typo/"));
            assertEquals(200, httpd.curl("/index.html"));
            Thread.sleep(300);
            LiveApache.stop(strace);
        }
        // strace -p shows no command line: the configuration is named (else httpd's default would be a guess,
        // and a guessed configuration's logs are not read)
        Path conf = dir.resolve("httpd/conf/httpd.conf");
        JsonNode guessed = JSON.readTree(Cli.run("analyze", "--format", "json", trace.toString()).out);
        assertTrue(guessed.get("access_log").isNull(), "no log of a guessed configuration: " + guessed.get("access_log"));
        JsonNode root = JSON.readTree(Cli.run("analyze", "--format", "json", "--config", conf.toString(), trace.toString()).out);
        JsonNode a = root.get("access_log");
        assertTrue(a != null && !a.isNull(), "the server's access log was read: " + root);
        assertEquals(accessLog.toString(), a.get("files").get(0).asText());
        assertTrue(!a.get("window").isNull(), "counted in the trace's window");
        assertEquals(2, a.get("failures_by_status").get("500").asLong(), a.toString());
        for (JsonNode inc : root.get("incidents")) {
            assertEquals(2, inc.get("impact").get("errors").asLong(), inc.get("impact").toString());
        }
        JsonNode without = JSON.readTree(Cli.run("analyze", "--format", "json", "--config", conf.toString(), "--no-auto-access-log",
                trace.toString()).out);
        assertTrue(without.get("access_log").isNull(), without.toString());
    }
}
