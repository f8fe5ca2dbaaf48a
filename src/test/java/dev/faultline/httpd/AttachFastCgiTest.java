package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * attach on an httpd whose PHP runs in php-fpm: the pool is found from the configuration (the SetHandler's unix
 * socket) and /proc (who listens on it), traced with the server, and the failing require in the worker names the
 * file and line of a 500 that httpd's own processes never touched.
 */
class AttachFastCgiTest {
    @TempDir
    Path dir;

    /** The php-fpm pool's processes: those whose command line names this test's pool config. */
    private static List<Integer> poolPids(Path serverDir) throws Exception {
        List<Integer> out = new ArrayList<>();
        String conf = serverDir.resolve("conf/php-fpm.conf").toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")));
                    Path exe = Files.readSymbolicLink(p.resolve("exe"));
                    if (exe.getFileName().toString().startsWith("php-fpm") && (cmd.contains(conf) || isChildOfPool(p, conf))) {
                        out.add(Integer.parseInt(n));
                    }
                } catch (Exception gone) {
                    // exited, or a kernel thread
                }
            }
        }
        return out;
    }

    private static boolean isChildOfPool(Path proc, String conf) throws Exception {
        String stat = Files.readString(proc.resolve("stat"));
        int ppid = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        return new String(Files.readAllBytes(Path.of("/proc", Integer.toString(ppid), "cmdline"))).contains(conf);
    }

    @Test
    void aFullAttachFollowsTheRequestIntoThePhpFpmWorker() throws Exception {
        LiveApache.assumeTraceable(dir);
        Assumptions.assumeTrue(LiveApache.fpmAvailable(), "php-fpm is not installed (apt-get install php8.2-fpm)");
        try (LiveApache httpd = LiveApache.startWithFpm(dir.resolve("httpd"), 18320, 18339)) {
            assertEquals(200, httpd.curl("/fpm/ok.php"), "the pool serves");
            List<Integer> pool = poolPids(httpd.dir());
            assertTrue(pool.size() >= 2, "a master and its workers: " + pool);
            // no limit: the attach goes on after the 500, and says it the moment it is known
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--mode", "full", "--max-incidents", "0",
                    "--duration", "30", "--format", "json", Integer.toString(httpd.parentPid()));
            FaultlineProcess.waitUntil(20, () -> pool.stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0), "the php-fpm pool traced too");
            assertEquals(500, httpd.curl("/fpm/")); // fpm/index.php line 3 requires lib/templates.php, which is missing
            String said = "missing-include " + httpd.dir().resolve("htdocs/fpm/index.php") + ":3";
            FaultlineProcess.waitUntil(5, () -> fl.stderr().contains(said), "the 500 said while attached");
            assertTrue(fl.process.isAlive(), "still attached when the 500 was reported: " + fl.stderr());
            FaultlineProcess.signal("INT", fl.process.pid());
            assertEquals(130, fl.waitFor(30), "Ctrl-C: detached, report printed, exit 130; " + fl.stderr());
            assertTrue(fl.stderr().contains("tracing the FastCGI server on unix:" + httpd.dir().resolve("run/php-fpm.sock")), fl.stderr());
            JsonNode incidents = new ObjectMapper().readTree(fl.stdout()).get("incidents");
            assertEquals(1, incidents.size(), fl.stdout());
            JsonNode inc = incidents.get(0);
            assertTrue(pool.contains(inc.get("fastcgi").get("worker_pid").asInt()), "linked to a worker of the pool: " + inc.get("fastcgi"));
            JsonNode v = inc.get("verdict");
            assertEquals("missing-include", v.get("class").asText(), v.toString());
            assertEquals(httpd.dir().resolve("htdocs/fpm/index.php").toString(), v.get("culprit").get("path").asText());
            assertEquals(3, v.get("culprit").get("line").asInt());
            for (int p : pool) {
                assertEquals(0, FaultlineProcess.tracerPid(p), "detached from php-fpm " + p);
            }
            assertEquals(200, httpd.curl("/fpm/ok.php"), "the pool still serves after the detach");
        }
    }
}
