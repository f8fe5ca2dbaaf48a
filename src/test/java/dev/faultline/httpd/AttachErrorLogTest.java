package dev.faultline.httpd;

import dev.faultline.Cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A default (sentinel) attach sees a 500 with no crash: it follows the server's error log (found from the server's
 * command line and configuration), and the entry that names the cause ends the attach with its verdict.
 */
class AttachErrorLogTest {
    @TempDir
    Path dir;

    @Test
    void aSentinelAttachNamesTheHtaccessOfA500() throws Exception {
        LiveApache.assumeTraceable(dir);
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "event")) {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--format", "json", Integer.toString(httpd.parentPid()));
            FaultlineProcess.waitUntil(20, () -> httpd.childPids().stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0),
                    "httpd traced");
            Thread.sleep(300); // the watch starts at the log's end once the tracer holds the server
            assertEquals(500, httpd.curl("/typo/")); // typo/.htaccess line 2: RewriteEngin On
            assertTrue(Cli.analyzed(fl.waitFor(20)), fl.stderr());
            JsonNode incidents = new ObjectMapper().readTree(fl.stdout()).get("incidents");
            assertEquals(1, incidents.size(), fl.stdout());
            JsonNode inc = incidents.get(0);
            assertEquals("http_error", inc.get("kind").asText());
            assertEquals(500, inc.get("status").asInt());
            JsonNode v = inc.get("verdict");
            assertEquals("config", v.get("class").asText(), v.toString());
            assertEquals(httpd.dir().resolve("htdocs/typo/.htaccess").toString(), v.get("culprit").get("path").asText());
            assertEquals(2, v.get("culprit").get("line").asInt());
            assertTrue(fl.stderr().contains("the error log named the cause"), fl.stderr());
            for (int p : httpd.childPids()) {
                assertEquals(0, FaultlineProcess.tracerPid(p), "detached from " + p);
            }
            assertEquals(200, httpd.curl("/index.html"), "the server still serves");
        }
    }

    /**
     * A 500 the error log says nothing about (boom/.htaccess: RewriteRule ^ - [R=500]) is still seen, in the access
     * log; it is reported with its request and no culprit, and the sentinel traces in full for a while, so that the
     * next failure comes with its history.
     */
    @Test
    void aSentinelSeesA500OnlyTheAccessLogShowsAndTracesTheNextRequestsInFull() throws Exception {
        LiveApache.assumeTraceable(dir);
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "event")) {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--format", "json", Integer.toString(httpd.parentPid()));
            FaultlineProcess.waitUntil(20, () -> httpd.childPids().stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0),
                    "httpd traced");
            Thread.sleep(300);
            assertEquals(500, httpd.curl("/boom/"));
            FaultlineProcess.waitUntil(10, () -> fl.stderr().contains("HTTP 500 (GET /boom/)"), "the access log's 500 said");
            Thread.sleep(300); // the tracer switches every task to syscall stops when it wakes
            assertEquals(500, httpd.curl("/typo/")); // explained by the error log: ends the attach
            assertTrue(Cli.analyzed(fl.waitFor(20)), fl.stderr());
            assertTrue(fl.stderr().contains("escalated to full syscall tracing for 30 s: HTTP 500 for GET /boom/"), fl.stderr());
            JsonNode root = new ObjectMapper().readTree(fl.stdout());
            JsonNode boom = null;
            JsonNode typo = null;
            for (JsonNode inc : root.get("incidents")) {
                if (inc.get("request").asText().startsWith("GET /boom/")) {
                    boom = inc;
                } else if (inc.get("request").asText().startsWith("GET /typo/")) {
                    typo = inc;
                }
            }
            assertTrue(boom != null && boom.get("verdict").get("culprit").isNull(), "the unexplained 500, no culprit: " + fl.stdout());
            assertEquals("unknown", boom.get("verdict").get("class").asText());
            assertTrue(typo != null && typo.get("verdict").get("culprit").get("path").asText().endsWith("htdocs/typo/.htaccess"), fl.stdout());
            // the full trace after the escalation saw /typo/'s 500 itself; with the log's entry it is one incident
            assertEquals(2, root.get("incidents").size(), fl.stdout());
            assertEquals(2, root.get("access_log").get("failures_by_status").get("500").asInt(), root.get("access_log").toString());
            for (int p : httpd.childPids()) {
                assertEquals(0, FaultlineProcess.tracerPid(p), "detached from " + p);
            }
        }
    }
}
