package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faultline attach} against a live server (native/confsrv serve: a parent, a forked child with idle threads,
 * respawn on death). Checks the verdict of a crash caused by a config file, and that faultline never harms the
 * target: after every way out (the crash, Ctrl-C, SIGTERM, an error inside faultline) every process is untraced,
 * running, and still handles signals.
 */
class AttachCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Path tree;
    private Process server;

    @BeforeAll
    static void needsPtrace() {
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (Yama ptrace_scope)");
        Assumptions.assumeTrue(Files.isExecutable(FaultlineProcess.nativeBin("confsrv")), "native/ is built (make -C native)");
    }

    @BeforeEach
    void startServer() throws Exception {
        tree = FaultlineProcess.caseTree(tmp, "serve");
        server = new ProcessBuilder(FaultlineProcess.nativeBin("confsrv").toString(), "serve").directory(tree.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.out").toFile()).start();
        FaultlineProcess.waitUntil(15, () -> errorLog().contains("confsrv serving") && serverPids().size() >= 2, "the server is up with a child");
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.destroy(); // SIGTERM: the parent stops its child and exits
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void sentinelNamesTheConfigFileOfACrashAndLeavesTheServerRunning() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", "--format", "json", "--strace-log", "live.log",
                Long.toString(server.pid()));
        waitAttached(fl);
        FaultlineProcess.signal("USR1", server.pid());
        FaultlineProcess.waitUntil(15, () -> errorLog().contains("caught SIGUSR1"), "a signal sent while attached reaches the server");
        long crashingChild = serverPids().get(1);
        Files.writeString(tree.resolve("conf/main.conf"), "Include conf/sites/bad.conf\n", StandardOpenOption.APPEND);
        FaultlineProcess.signal("HUP", server.pid()); // the child re-reads main.conf and crashes in bad.conf line 3
        assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());

        JsonNode incidents = JSON.readTree(fl.stdout()).get("incidents");
        assertEquals(1, incidents.size(), fl.stdout());
        JsonNode inc = incidents.get(0);
        assertEquals("crash", inc.get("kind").asText());
        assertEquals(crashingChild, inc.get("pid").asLong());
        assertEquals("SIGSEGV", inc.get("signal").asText());
        JsonNode v = inc.get("verdict");
        assertEquals("config", v.get("class").asText(), v.toString());
        assertEquals(tree.resolve("conf/sites/bad.conf").toString(), v.get("culprit").get("path").asText());
        assertEquals(3, v.get("culprit").get("line").asInt(), "the fd position at the signal stop gives the line");
        JsonNode capture = inc.get("capture");
        assertEquals("SEGV_MAPERR", capture.get("si_code").asText());
        assertTrue(capture.get("pc").get("module").asText().endsWith("/confsrv"), capture.get("pc").toString());
        assertEquals(3, capture.get("threads").size(), "the child and its two idle threads");
        boolean sawBadConf = false;
        for (JsonNode fd : capture.get("fds")) {
            if (fd.get("path").asText().endsWith("conf/sites/bad.conf")) {
                sawBadConf = true;
                assertEquals(47, fd.get("pos").asLong(), "three lines of bad.conf consumed");
            }
        }
        assertTrue(sawBadConf, "bad.conf is in the fd table: " + capture.get("fds"));
        assertTrue(Files.readString(tmp.resolve("live.log")).contains("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR"),
                "the -o log has the fault");

        FaultlineProcess.waitUntil(15, () -> errorLog().contains("exit signal Segmentation fault"), "the parent saw its child die");
        FaultlineProcess.waitUntil(15, () -> serverPids().size() >= 2, "the parent forked a new child");
        assertServerUntracedAndWorking();
    }

    @Test
    void fullModeGivesTheCrashItsSyscallHistory() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", "--mode", "full", "--format", "json",
                Long.toString(server.pid()));
        waitAttached(fl);
        Files.writeString(tree.resolve("conf/main.conf"), "Include conf/sites/bad.conf\n", StandardOpenOption.APPEND);
        FaultlineProcess.signal("HUP", server.pid());
        assertEquals(dev.faultline.cli.ExitCodes.CULPRIT_NAMED, fl.waitFor(30), fl.stderr());
        JsonNode v = JSON.readTree(fl.stdout()).get("incidents").get(0).get("verdict");
        assertEquals("config", v.get("class").asText(), v.toString());
        assertTrue(v.get("culprit").get("path").asText().endsWith("conf/sites/bad.conf"), v.toString());
        assertEquals(3, v.get("culprit").get("line").asInt());
        assertTrue(v.toString().contains("still open and the last file the crashing thread read"),
                "the traced reads, not only the fd table, back the verdict: " + v);
        assertServerUntracedAndWorking();
    }

    @Test
    void ctrlCDetachesAndStillPrintsTheReport() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", Long.toString(server.pid()));
        waitAttached(fl);
        FaultlineProcess.signal("INT", fl.process.pid());
        int code = fl.waitFor(20);
        assertEquals(130, code, "SIGINT's conventional status; stderr: " + fl.stderr());
        assertTrue(fl.stdout().contains("parsed"), "the report was printed: " + fl.stdout());
        assertTrue(fl.stderr().contains("detached"), fl.stderr());
        assertServerUntracedAndWorking();
    }

    @Test
    void sigtermDetaches() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", "--mode", "full", Long.toString(server.pid()));
        waitAttached(fl);
        FaultlineProcess.signal("TERM", fl.process.pid());
        assertEquals(143, fl.waitFor(20), fl.stderr());
        assertServerUntracedAndWorking();
    }

    @Test
    void anErrorInsideFaultlineDetachesEverything() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of("FAULTLINE_INJECT_FAULT=3"), "attach", "--mode", "full",
                Long.toString(server.pid()));
        assertEquals(1, fl.waitFor(20), fl.stderr());
        String err = fl.stderr().strip();
        assertTrue(err.endsWith("every traced process was detached and left running"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        assertServerUntracedAndWorking();
    }

    @Test
    void aProcessAlreadyTracedIsRefusedWithItsTracerNamed() throws Exception {
        FaultlineProcess first = FaultlineProcess.start(tmp, List.of(), "attach", Long.toString(server.pid()));
        waitAttached(first);
        FaultlineProcess second = FaultlineProcess.start(tmp, List.of(), "attach", Long.toString(server.pid()));
        assertEquals(10, second.waitFor(20), second.stderr());
        assertTrue(second.stderr().contains("already traced by process " + first.process.pid() + " (java) from its thread "
                + FaultlineProcess.tracerPid(server.pid())), second.stderr());
        assertEquals(1, second.stderr().strip().lines().count(), second.stderr());
        assertTrue(first.stderr().contains("faultline: attached to " + server.pid() + " (sentinel mode)"), first.stderr());
        FaultlineProcess.signal("INT", first.process.pid());
        first.waitFor(20);
        assertServerUntracedAndWorking();
    }

    @Test
    void aMissingPidIsOneLineAndExitCode3() {
        Cli r = Cli.run("attach", "2147483646");
        assertEquals(3, r.exit, r.err);
        assertTrue(r.err.contains("no such process: 2147483646"), r.err);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void waitAttached(FaultlineProcess fl) throws Exception {
        FaultlineProcess.waitUntil(15, () -> {
            if (!fl.process.isAlive()) {
                throw new AssertionError("faultline exited early: " + fl.stderr());
            }
            for (long pid : serverPids()) {
                int tracer = FaultlineProcess.tracerPid(pid);
                // TracerPid names the tracing thread, which belongs to the faultline JVM
                if (tracer <= 0 || !Files.exists(Path.of("/proc", Long.toString(fl.process.pid()), "task", Integer.toString(tracer)))) {
                    return false;
                }
            }
            return true;
        }, "faultline traces every server process");
    }

    private void assertServerUntracedAndWorking() throws Exception {
        assertTrue(server.isAlive(), "the server survived");
        for (long pid : serverPids()) {
            assertEquals(0, FaultlineProcess.tracerPid(pid), "process " + pid + " is untraced");
            char st = FaultlineProcess.state(pid);
            assertNotEquals('t', st, "process " + pid + " is not left in a trace stop");
            assertNotEquals('T', st, "process " + pid + " is not left stopped");
        }
        int before = count(errorLog(), "caught SIGUSR1");
        FaultlineProcess.signal("USR1", server.pid());
        FaultlineProcess.waitUntil(15, () -> count(errorLog(), "caught SIGUSR1") == before + 1, "the server still handles signals after detach");
    }

    private List<Long> serverPids() {
        List<Long> pids = new ArrayList<>();
        pids.add(server.pid());
        server.toHandle().children().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    private String errorLog() {
        try {
            return Files.readString(tree.resolve("logs/error.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
