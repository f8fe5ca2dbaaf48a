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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real httpd cores: a child crashes on a .htaccess value, httpd's sig_coredump re-raises the signal with
 * kill(), so the core's siginfo only says SI_USER. faultline core recovers the real fault from the stale signal
 * frame, names mod_crashconf.so's function, and analyze --core joins the core to the traced crash.
 */
class ApacheCoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.startsWith("/"),
                "core_pattern '" + pattern + "' does not write into httpd's CoreDumpDirectory");
    }

    @Test
    void theRealFaultAndTheModuleFunctionOfAReRaisedHtaccessCrash() throws Exception {
        Path trace = dir.resolve("live.log");
        Path core;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", true)) {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", "--mode", "full", "--format", "json", "--strace-log", trace.toString(),
                    "--max-crashes", "1", Integer.toString(httpd.parentPid()));
            FaultlineProcess.waitUntil(20, () -> httpd.childPids().stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0)
                    && FaultlineProcess.tracerPid(httpd.parentPid()) > 0, "httpd traced");
            httpd.curl("/crash/"); // crash/.htaccess line 3: CrashConfParse statc
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            core = LiveApache.awaitCore(httpd.dir().resolve("cores"));
            // the attach itself found the core the crash left (CoreDumpDirectory) and read it
            JsonNode live = null;
            for (JsonNode i : JSON.readTree(fl.stdout()).get("incidents")) {
                if (i.has("core") && !i.get("core").isNull()) {
                    live = i;
                }
            }
            assertTrue(live != null && live.get("core").get("backtrace").size() > 3, "the attach joined its core: " + fl.stdout() + fl.stderr());
            assertTrue(fl.stderr().contains("dumped core: " + core), fl.stderr());
        }
        Cli r = Cli.run("core", core.toString(), "--format", "json");
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode c = JSON.readTree(r.out).get("core");
        assertEquals("SI_USER", c.get("signal").get("code_name").asText(), "httpd re-raised the signal");
        assertEquals("sigframe", c.get("fault").get("source").asText());
        assertEquals("0x0", c.get("fault").get("address").asText(), "cmd_parse reads h->name through NULL");
        assertEquals("read", c.get("fault").get("access").asText());
        assertEquals("null-pointer", c.get("fault").get("class").asText());
        assertEquals("mod_crashconf.so", c.get("culprit").get("module").asText(), c.get("backtrace").toString());
        assertEquals("cmd_parse", c.get("culprit").get("function").asText());
        assertEquals("htaccess", c.get("phase").asText(), c.get("backtrace").toString());
        for (JsonNode f : c.get("backtrace")) {
            if (f.get("index").asInt() > 0 && f.get("index").asInt() < 6) {
                assertEquals("cfi", f.get("trust").asText(), "httpd's frames unwind through .eh_frame: " + f);
            }
        }

        Cli a = Cli.run("analyze", trace.toString(), "--core", core.toString(), "--format", "json");
        assertTrue(Cli.analyzed(a.exit), a.err);
        JsonNode inc = null;
        for (JsonNode i : JSON.readTree(a.out).get("incidents")) {
            if (i.has("core")) {
                inc = i;
            }
        }
        assertTrue(inc != null, "the core joins the traced crash of pid " + c.get("process").get("pid") + ": " + a.out);
        assertEquals(c.get("process").get("pid").asInt(), inc.get("pid").asInt());
        JsonNode v = inc.get("verdict");
        assertEquals("config", v.get("class").asText(), v.toString());
        assertTrue(v.get("culprit").get("path").asText().endsWith("htdocs/crash/.htaccess"), v.toString());
        JsonNode top = v.get("candidates").get(0);
        assertEquals(v.get("culprit").get("path").asText(), top.get("path").asText());
        // the core's memory holds the node httpd was running: the file and its line, not just the file
        assertTrue(top.get("evidence").toString().contains("directive-being-run"), top.toString());
        assertEquals(3, v.get("culprit").get("line").asInt(), v.toString());
        assertEquals("htaccess", v.get("phase").asText(), v.toString());
        assertEquals("crashconf_module", v.get("module").asText(), v.toString());
        assertEquals("CrashConfParse", v.get("directive").asText(), v.toString());
    }
}
