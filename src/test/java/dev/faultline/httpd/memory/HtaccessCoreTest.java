package dev.faultline.httpd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcMemory;
import dev.faultline.core.CoreFile;
import dev.faultline.httpd.LiveApache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real prefork child crashes on {@code CrashConfParse statc} in a .htaccess and dumps core. From the core:
 * the directive node on the crashing stack (a .htaccess node, in the request pool, not in ap_conftree), and the
 * whole ap_conftree. From the live child before the crash, through /proc/PID/mem: the same tree.
 */
class HtaccessCoreTest {
    static final int PORT_MIN = 18300;
    static final int PORT_MAX = 18349;

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.startsWith("/"),
                "core_pattern '" + pattern + "' does not write into httpd's CoreDumpDirectory");
    }

    /**
     * crash-late/.htaccess was parsed earlier in the same request, then the fixups hook crashed: the .htaccess
     * nodes' addresses may linger below the hook's frames, but nothing above sp points at one.
     */
    @Test
    void aHookCrashAfterTheHtaccessWasParsedFindsNoDirectiveBeingRun() throws Exception {
        Path core;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", true, PORT_MIN, PORT_MAX)) {
            assertEquals(-1, httpd.curl("/crash-late/"), "the child crashes: no reply");
            core = dev.faultline.httpd.LiveApache.awaitCore(httpd.dir().resolve("cores"));
        }
        try (CoreFile cf = CoreFile.open(core, Map.of(), false)) {
            HttpdMemory h = HttpdImage.fromCore(cf);
            assertNotNull(h);
            assertNull(HttpdImage.directiveAtCrash(cf, h), "the hook runs no directive");
            assertTrue(h.configTree().complete());
        }
    }

    @Test
    void theHtaccessLineOnTheStackAndTheTreeOfTheCoreAndOfTheLiveChild() throws Exception {
        Path core;
        List<String> liveTree;
        Path conf;
        Path htaccess;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", true, PORT_MIN, PORT_MAX)) {
            conf = httpd.dir().resolve("conf/httpd.conf");
            htaccess = httpd.dir().resolve("htdocs/crash/.htaccess");
            int child = httpd.childPids().get(0);
            try (ProcMemory live = ProcMemory.open(child)) {
                HttpdMemory h = HttpdImage.fromProcess(ProcFs.system(), child, live);
                assertNotNull(h, "a live apache2 child exports ap_conftree");
                HttpdMemory.ConfigTree t = h.configTree();
                assertTrue(t.complete(), t.problems().toString());
                liveTree = ConfigText.flatten(t.roots());
                ConfigText.assertMatchesFiles(t.roots(), conf, ConfigText.execOnRead(h));
            }
            assertEquals(-1, httpd.curl("/crash/"), "the child crashes: no reply");
            core = dev.faultline.httpd.LiveApache.awaitCore(httpd.dir().resolve("cores"));
        }
        try (CoreFile cf = CoreFile.open(core, Map.of(), false)) {
            HttpdMemory h = HttpdImage.fromCore(cf);
            assertNotNull(h, "the core's executable exports ap_conftree");
            HttpdMemory.StackDirective d = HttpdImage.directiveAtCrash(cf, h);
            assertNotNull(d, "a directive node on the crashing stack");
            assertEquals(htaccess.toString(), d.node().file());
            assertEquals(3, d.node().line());
            assertEquals("CrashConfParse", d.node().name());
            assertEquals("statc", d.node().args());
            assertEquals("mod_crashconf.c", d.module());
            assertTrue(d.inCrashModule(), "the crash pc is in mod_crashconf.so, which owns CrashConfParse");

            HttpdMemory.ConfigTree t = h.configTree();
            assertTrue(t.complete(), t.problems().toString());
            assertEquals(liveTree, ConfigText.flatten(t.roots()), "the core holds the tree the live child held");
            int fromConf = ConfigText.assertMatchesFiles(t.roots(), conf, ConfigText.execOnRead(h));
            assertTrue(fromConf > 25, "nodes from httpd.conf: " + fromConf);
            assertTrue(ConfigText.execOnRead(h).containsAll(List.of("loadmodule", "serverroot", "include")));
        }

        Cli json = Cli.run("core", core.toString(), "--format", "json");
        assertEquals(dev.faultline.cli.ExitCodes.CULPRIT_NAMED, json.exit, "httpd's memory names the directive: " + json.err);
        JsonNode httpdJson = new ObjectMapper().readTree(json.out).get("core").get("httpd");
        assertEquals(htaccess.toString(), httpdJson.get("directive").get("file").asText(), httpdJson.toString());
        assertEquals(3, httpdJson.get("directive").get("line").asInt());
        assertEquals("mod_crashconf.c", httpdJson.get("crash_module").asText());
        assertEquals(liveTree.size(), httpdJson.get("config_nodes").asInt());
        Cli text = Cli.run("core", core.toString());
        assertTrue(text.out.contains("directive being run: CrashConfParse statc at " + htaccess + ":3  (mod_crashconf.c)"), text.out);
    }
}
