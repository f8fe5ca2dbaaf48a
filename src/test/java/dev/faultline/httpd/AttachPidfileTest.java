package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** attach takes the server's PidFile and --max-incidents; a wrong pidfile is one line and a distinct code. */
class AttachPidfileTest {
    @TempDir
    Path dir;

    @Test
    void attachByPidfileNamesTheLocationLine() throws Exception {
        LiveApache.assumeTraceable(dir);
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "event")) {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--format", "json", "--max-incidents", "1",
                    "--pidfile", httpd.dir().resolve("logs/httpd.pid").toString());
            FaultlineProcess.waitUntil(20, () -> httpd.childPids().stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0),
                    "httpd traced");
            httpd.curl("/crash-loc/"); // conf/conf.d/50-app.conf line 5, a server-level <Location>
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            JsonNode v = new ObjectMapper().readTree(fl.stdout()).get("incidents").get(0).get("verdict");
            assertEquals(httpd.dir().resolve("conf/conf.d/50-app.conf").toString(), v.get("culprit").get("path").asText(), v.toString());
            assertEquals(5, v.get("culprit").get("line").asInt());
            assertEquals("request", v.get("phase").asText());
        }
    }

    @Test
    void aMissingPidfileIsOneLineAndExit3() throws Exception {
        Cli r = Cli.run("attach", "--pidfile", dir.resolve("nope.pid").toString());
        assertEquals(3, r.exit);
        assertTrue(r.err.strip().lines().count() == 1 && r.err.contains("no such file"), r.err);
    }
}
