package dev.faultline.httpd;

import dev.faultline.Cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * faultline attach on a real Apache httpd (apt's apache2, our own config on 127.0.0.1): it keeps serving while
 * traced, survives a graceful restart, names the .htaccess whose value crashed a child, and after detach every
 * process is untraced and in a normal state.
 */
class ApacheAttachTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
    }

    @Test
    void preforkServesThroughAGracefulRestartAndACrashIsTracedToItsHtaccess() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--format", "json", "--strace-log", "live.log",
                    Integer.toString(httpd.parentPid()));
            waitTraced(httpd, fl);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, httpd.curl("/"), "serves while attached");
            }
            List<Integer> before = httpd.childPids();
            FaultlineProcess.signal("USR1", httpd.parentPid()); // apache2ctl graceful
            assertTrue(httpd.awaitErrorLog("resuming normal operations", 15_000), "graceful restart completed");
            FaultlineProcess.waitUntil(20, () -> !httpd.childPids().isEmpty() && !httpd.childPids().equals(before), "new children after graceful");
            assertEquals(200, httpd.curl("/"), "serves after a graceful restart under faultline");
            waitTraced(httpd, fl); // the new generation of children was followed through fork

            httpd.curl("/crash/"); // CrashConfParse statc: the child dies parsing crash/.htaccess
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            JsonNode inc = JSON.readTree(fl.stdout()).get("incidents").get(0);
            assertEquals("SIGSEGV", inc.get("signal").asText());
            JsonNode v = inc.get("verdict");
            assertEquals("config", v.get("class").asText(), v.toString());
            assertEquals(httpd.dir().resolve("htdocs/crash/.htaccess").toString(), v.get("culprit").get("path").asText());
            assertTrue(inc.get("notes").toString().contains("re-raised") || inc.get("related").toString().contains("SIGSEGV"),
                    "httpd's SI_USER re-raise is recognised as the same crash: " + inc);

            assertEquals(200, httpd.curl("/"), "httpd keeps serving after the crash and the detach");
            assertUntracedAndNormal(httpd);
        }
    }

    @Test
    void eventMpmCrashAtRequestTimeEscalatesAndTheNextCrashHasItsHistory() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "event")) {
            // every child in full: with the default share (a tenth of the children, at least one) the second crash may land in
            // a child that stayed sentinel, which gets its capture but not this history
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--format", "json", "--escalate-share", "1",
                    Integer.toString(httpd.parentPid()));
            waitTraced(httpd, fl);
            assertEquals(200, httpd.curl("/"));
            httpd.curl("/crash-late/"); // crashes in a fixups hook, after crash-late/.htaccess was read and closed
            assertTrue(httpd.awaitErrorLog("exit signal Segmentation fault", 15_000));
            FaultlineProcess.waitUntil(20, () -> httpd.curl("/") == 200, "a new child serves");
            httpd.curl("/crash-late/"); // the second crash, traced in full since the first
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            JsonNode incidents = JSON.readTree(fl.stdout()).get("incidents");
            assertEquals(2, incidents.size(), fl.stdout());
            JsonNode second = incidents.get(1).get("verdict");
            assertEquals("config", second.get("class").asText(), second.toString());
            assertEquals(httpd.dir().resolve("htdocs/crash-late/.htaccess").toString(), second.get("culprit").get("path").asText());
            assertTrue(fl.stderr().contains("escalated to full syscall tracing"), fl.stderr());
            assertEquals(200, httpd.curl("/"));
            assertUntracedAndNormal(httpd);
        }
    }

    /**
     * The full trace after a first crash covers the crashing kind of process only (the children, not the parent's
     * maintenance loop, which wakes every second) and ends after its window (issue #10: escalation that costs only
     * what the next verdict needs).
     */
    @Test
    void escalationTracesTheChildrenOnlyAndEndsAfterItsWindow() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            Path log = dir.resolve("live.log");
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--escalate", "window:3", "--escalate-share", "1", "--max-incidents", "0",
                    "--duration", "10", "--no-log-watch", "--format", "json", "--strace-log", log.toString(),
                    Integer.toString(httpd.parentPid()));
            waitTraced(httpd, fl);
            httpd.curl("/crash-loc/"); // the child never reads 50-app.conf: the first crash names no file
            assertTrue(httpd.awaitErrorLog("exit signal Segmentation fault", 15_000));
            for (int i = 0; i < 5; i++) {
                assertEquals(200, httpd.curl("/"), "serves while its children are traced in full");
            }
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            String err = fl.stderr();
            assertTrue(err.contains("escalated to full syscall tracing for 3 s after the first crash, in the server's child processes only"), err);
            assertTrue(err.contains("back to sentinel mode"), err);
            String parent = Integer.toString(httpd.parentPid());
            long parentCalls = Files.readAllLines(log).stream()
                    .filter(l -> l.startsWith(parent + " ") && !l.contains(" --- ") && !l.contains(" +++ ")).count();
            long childCalls = Files.readAllLines(log).stream().filter(l -> !l.startsWith(parent + " ") && l.contains("(")).count();
            assertEquals(0, parentCalls, "the parent's maintenance loop is not traced per call");
            assertTrue(childCalls > 50, "the children are: " + childCalls + " calls");
            assertEquals(200, httpd.curl("/"));
            assertUntracedAndNormal(httpd);
        }
    }

    /**
     * The default escalation traces a share of the children in full (at least one): the child the parent forks to
     * replace the crashed one stays sentinel when the share is taken, so a crash loop cannot put every child under a
     * full trace.
     */
    @Test
    void theDefaultEscalationTracesOnlyItsShareOfTheChildren() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            Path log = dir.resolve("share.log");
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--escalate", "window:5", "--max-incidents", "0",
                    "--duration", "8", "--no-log-watch", "--format", "json", "--strace-log", log.toString(),
                    Integer.toString(httpd.parentPid()));
            waitTraced(httpd, fl);
            List<Integer> before = httpd.childPids();
            httpd.curl("/crash-loc/");
            assertTrue(httpd.awaitErrorLog("exit signal Segmentation fault", 15_000));
            FaultlineProcess.waitUntil(10, () -> httpd.childPids().stream().anyMatch(p -> !before.contains(p)), "a replacement child");
            List<Integer> replacements = httpd.childPids().stream().filter(p -> !before.contains(p)).toList();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, httpd.curl("/"));
            }
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            assertTrue(fl.stderr().contains("(1 of 1 child processes at a time: --escalate-share 0.1)"), fl.stderr());
            List<String> lines = Files.readAllLines(log);
            for (int r : replacements) {
                long calls = lines.stream().filter(l -> l.startsWith(r + " ") && l.contains("(") && !l.contains(" --- ")).count();
                assertEquals(0, calls, "the replacement child " + r + " is outside the share: sentinel, no calls logged");
            }
            assertUntracedAndNormal(httpd);
        }
    }

    private static void waitTraced(LiveApache httpd, FaultlineProcess fl) throws Exception {
        FaultlineProcess.waitUntil(20, () -> {
            if (!fl.process.isAlive()) {
                throw new AssertionError("faultline exited early: " + fl.stderr());
            }
            for (int pid : httpd.serverPids()) {
                int tracer = FaultlineProcess.tracerPid(pid);
                if (FaultlineProcess.state(pid) != 'Z' && (tracer <= 0
                        || !Files.exists(Path.of("/proc", Long.toString(fl.process.pid()), "task", Integer.toString(tracer))))) {
                    return false;
                }
            }
            return true;
        }, "faultline traces the parent and every child");
    }

    private static void assertUntracedAndNormal(LiveApache httpd) throws Exception {
        for (int pid : httpd.serverPids()) {
            char st = FaultlineProcess.state(pid);
            if (st == 'Z' || st == '?') {
                continue; // a crashed child not reaped yet
            }
            assertEquals(0, FaultlineProcess.tracerPid(pid), "process " + pid + " untraced");
            assertNotEquals('t', st, "process " + pid + " not in a trace stop");
            assertNotEquals('T', st, "process " + pid + " not stopped");
        }
    }
}
