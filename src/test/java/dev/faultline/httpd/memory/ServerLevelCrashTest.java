package dev.faultline.httpd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.core.CoreFile;
import dev.faultline.core.MappedModule;
import dev.faultline.core.Modules;
import dev.faultline.httpd.LiveApache;
import dev.faultline.httpd.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Culprits at server level, in an Included file: a configtest ({@code apache2 -t}) that crashes while it runs the
 * directives, and a request-time crash in a hook, caused by a directive under a server-level {@code <Location>}.
 */
class ServerLevelCrashTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.startsWith("/"),
                "core_pattern '" + pattern + "' does not write into the crashing process's cwd");
    }

    @Test
    void aConfigtestCrashNamesTheIncludedLineAndHoldsTheWholeTree() throws Exception {
        IncludedConfServer s = IncludedConfServer.write(dir.resolve("srv"), "# server-level typo\n\nCrashConfParse statc\n");
        int exit = s.apache2("-t");
        assertEquals(128 + 11, exit, "apache2 -t dies of SIGSEGV: " + s.output());
        Path core = dev.faultline.httpd.LiveApache.awaitCore(s.dir.resolve("cwd"));
        try (CoreFile cf = CoreFile.open(core, Map.of(), false)) {
            HttpdMemory h = HttpdImage.fromCore(cf);
            assertNotNull(h);
            HttpdMemory.StackDirective d = HttpdImage.directiveAtCrash(cf, h);
            assertNotNull(d, "the node ap_walk_config was running is on the stack");
            assertEquals(s.extra.toString(), d.node().file());
            assertEquals(3, d.node().line());
            assertEquals("CrashConfParse statc", d.node().text());
            assertTrue(d.inCrashModule());

            HttpdMemory.ConfigTree t = h.configTree();
            assertTrue(t.complete(), t.problems().toString());
            ConfigText.assertMatchesFiles(t.roots(), s.conf, ConfigText.execOnRead(h));
            ConfigNode last = t.roots().get(t.roots().size() - 1);
            assertEquals(s.extra + ":3 CrashConfParse statc", last.toString(), "the Included file's node is in the tree");
        }
    }

    @Test
    void aRequestTimeCrashHasCrashconfAndItsCommandsInTheModuleList() throws Exception {
        try (IncludedConfServer s = IncludedConfServer.write(dir.resolve("srv"),
                "# proxied app\n<Location /late>\n    CrashConfHandler proxxy\n</Location>\n")) {
            assertEquals(0, s.apache2("-k", "start"), s.output());
            s.parentPid();
            Process curl = new ProcessBuilder("curl", "-s", "--noproxy", "*", "--max-time", "5", "-o", "/dev/null",
                    "-w", "%{http_code}", "http://127.0.0.1:" + s.port + "/late/").start();
            String status = new String(curl.getInputStream().readAllBytes()).strip();
            curl.waitFor();
            assertEquals("000", status, "the child crashes in the fixups hook: no reply");
            Path core = dev.faultline.httpd.LiveApache.awaitCore(s.dir.resolve("cores"));
            try (CoreFile cf = CoreFile.open(core, Map.of(), false)) {
                HttpdMemory h = HttpdImage.fromCore(cf);
                assertNotNull(h);
                HttpdMemory.LoadedModule crashconf = h.modules().stream()
                        .filter(m -> m.name().equals("mod_crashconf.c")).findFirst().orElse(null);
                assertNotNull(crashconf, h.modules().stream().map(HttpdMemory.LoadedModule::name).collect(Collectors.joining(",")));
                assertTrue(h.moduleProblems().isEmpty(), h.moduleProblems().toString());
                assertEquals(List.of("CrashConfParse", "CrashConfHandler"),
                        crashconf.commands().stream().map(HttpdMemory.Command::directive).toList());
                MappedModule so = new Modules(cf).at(crashconf.commands().get(0).func());
                assertNotNull(so);
                assertEquals(IncludedConfServer.crashconf().toString(), so.path());
                assertEquals(so.symbols().addressOf("cmd_parse") + so.loadBias(), crashconf.commands().get(0).func());
                assertEquals(so.symbols().addressOf("cmd_handler") + so.loadBias(), crashconf.commands().get(1).func());
                assertEquals(1, crashconf.commands().get(1).argsHow(), "TAKE1");
                assertTrue(h.modules().stream().anyMatch(m -> m.name().equals("core.c")), "the static core module too");

                assertNull(HttpdImage.directiveAtCrash(cf, h), "a crash in a hook runs no directive: no node on the stack");
                HttpdMemory.ConfigTree t = h.configTree();
                assertTrue(t.complete(), t.problems().toString());
                ConfigNode location = t.roots().get(t.roots().size() - 1);
                assertEquals(s.extra + ":2 <Location /late>", location.toString());
                assertEquals(s.extra + ":3 CrashConfHandler proxxy", location.children().get(0).toString());
            }
        }
    }
}
