package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two producers of events give the same answer on the same real incident: a live Apache httpd traced by
 * {@code faultline attach --mode full} (registers decoded straight into events) and a second, identical server traced
 * by the real strace and read by {@code faultline analyze} (text parsed into events) must name the same incident, the
 * same culprit file and the same line.
 */
class LiveOfflineAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"prefork,/crash/", "prefork,/typo/", "event,/crash-loc/"})
    void liveAndOfflineNameTheSameCulprit(String mpm, String path) throws Exception {
        String live;
        try (LiveApache httpd = LiveApache.start(dir.resolve("live"), mpm)) {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--mode", "full", "--max-incidents", "1",
                    "--no-log-watch", "--format", "json", Integer.toString(httpd.parentPid()));
            FaultlineProcess.waitUntil(20, () -> {
                if (!fl.process.isAlive()) {
                    throw new AssertionError("faultline exited early: " + fl.stderr());
                }
                return httpd.serverPids().stream().allMatch(p -> FaultlineProcess.state(p) == 'Z' || FaultlineProcess.tracerPid(p) > 0);
            }, "every httpd process traced");
            httpd.curl(path);
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            live = answer(JSON.readTree(fl.stdout()), httpd.dir());
        }
        String offline;
        try (LiveApache httpd = LiveApache.start(dir.resolve("offline"), mpm)) {
            Path trace = dir.resolve("strace.txt");
            Process strace = LiveApache.strace(trace, httpd.serverPids(), "-f", "-tt", "-s", "256", "-yy");
            httpd.curl(path);
            Thread.sleep(500); // the crash or the answer reaches the log
            LiveApache.stop(strace);
            Cli r = Cli.run("analyze", "--format", "json", "--config", httpd.dir().resolve("conf/httpd.conf").toString(),
                    trace.toString());
            assertTrue(Cli.analyzed(r.exit), r.err);
            offline = answer(JSON.readTree(r.out), httpd.dir());
        }
        assertTrue(offline.contains("culprit="), "strace's recording names a culprit: " + offline);
        assertEquals(offline, live, "faultline attach agrees with analyze of strace's log of the same incident");
    }

    /** The first incident's kind, signal or status, class, and culprit (relative to the server's directory) and line. */
    private static String answer(JsonNode report, Path serverDir) {
        JsonNode incidents = report.get("incidents");
        assertTrue(incidents.size() >= 1, "an incident: " + report);
        JsonNode inc = incidents.get(0);
        JsonNode v = inc.get("verdict");
        String culprit = v.path("culprit").path("path").asText("");
        return inc.get("kind").asText() + " " + inc.path("signal").asText("") + inc.path("status").asText("")
                + " class=" + v.get("class").asText()
                + " culprit=" + (culprit.startsWith(serverDir.toString()) ? serverDir.relativize(Path.of(culprit)) : culprit)
                + ":" + v.path("culprit").path("line").asText("?");
    }
}
