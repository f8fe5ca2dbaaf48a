package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code faultline configtest} against the real apache2 and the real crashing module native/apache/mod_crashconf.c:
 * generated config trees in /tmp/configtest-*, the real CLI in a JVM of its own (it traces), and the outcomes
 * checked on what apache2 itself does. faultline's own temp dir is pointed into the test's dir, so "the copy is
 * gone afterwards" is checked without racing anyone else's /tmp.
 */
class ConfigtestCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path APACHE2 = Path.of("/usr/sbin/apache2");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final Path CRASHCONF = Cli.repo().resolve("native/build/mod_crashconf.so");

    private Path dir;
    private Path tree;
    private Path faultlineTmp;

    @BeforeAll
    static void needsApacheAndPtrace() {
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (Yama ptrace_scope)");
        Assumptions.assumeTrue(Files.isExecutable(APACHE2), "apache2 is not installed (apt-get install apache2)");
        Assumptions.assumeTrue(Files.isRegularFile(MODULES.resolve("mod_mpm_prefork.so")), "apache2's prefork module is missing");
    }

    @BeforeEach
    void tree() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "configtest-");
        tree = dir.resolve("server");
        faultlineTmp = Files.createDirectories(dir.resolve("faultline-tmp"));
        Files.createDirectories(tree.resolve("conf.d"));
        Files.createDirectories(tree.resolve("logs"));
    }

    @AfterEach
    void clean() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The crash line sits in the middle of an included file, after a backslash continuation, and the module is loaded
     * by another included file: emptying that one makes apache2 -t fail with "Invalid command", which must not count.
     */
    @Test
    void crashWhileParsingIsBisectedToTheOriginalFileAndLine() throws Exception {
        assumeModuleBuilt();
        writeMain("IncludeOptional " + tree + "/conf.d/*.conf"); // absolute: must be pointed at the copy
        write("conf.d/00-load.conf", "LoadModule crashconf_module " + CRASHCONF + "\n");
        write("conf.d/10-timeouts.conf", "Timeout 30\nKeepAlive On\n");
        write("conf.d/20-handlers.conf", String.join("\n",
                "# handlers",
                "MaxKeepAliveRequests \\",
                "    50",
                "CrashConfParse statc",
                "KeepAliveTimeout 4",
                "<IfModule crashconf_module>",
                "  CrashConfParse static",
                "</IfModule>", ""));
        write("conf.d/30-tail.conf", "TimeOut 31\n");
        Files.createSymbolicLink(tree.resolve("conf.d/40-link.conf"), tree.resolve("conf.d/10-timeouts.conf"));
        Map<String, String> before = checksums(tree);

        FaultlineProcess run = configtest("--format", "json", "--config", tree.resolve("main.conf").toString());
        assertEquals(ExitCodes.CRASHED, run.waitFor(120), run.stderr());
        JsonNode r = JSON.readTree(run.stdout());
        assertEquals("crashed", r.path("outcome").asText());
        assertEquals("SIGSEGV", r.path("crash").path("signal").asText());
        assertTrue(r.path("crash").path("pc").path("module").asText().endsWith("mod_crashconf.so"), r.toString());
        JsonNode b = r.path("bisection");
        assertEquals(tree.resolve("conf.d/20-handlers.conf").toString(), b.path("culprit").path("file").asText());
        assertEquals(4, b.path("culprit").path("line").asInt());
        assertEquals("CrashConfParse statc", b.path("culprit").path("text").asText());
        assertEquals(tree.resolve("conf.d/20-handlers.conf").toString(), b.path("implicated_file").asText());
        assertTrue(b.path("other_failures").asInt() >= 1, "emptying 00-load.conf is a syntax error, not a pass: " + b);
        assertTrue(b.path("runs").asInt() <= 200, b.toString());

        assertEquals(before, checksums(tree), "the original tree is unchanged");
        assertNoCopyLeft();
    }

    @Test
    void textReportNamesTheCulpritAndTheCrash() throws Exception {
        assumeModuleBuilt();
        writeMain("LoadModule crashconf_module " + CRASHCONF + "\nInclude conf.d/*.conf");
        write("conf.d/a.conf", "Timeout 30\nCrashConfParse proxxy\n");
        FaultlineProcess run = configtest("--config", tree.resolve("main.conf").toString());
        assertEquals(ExitCodes.CRASHED, run.waitFor(120), run.stderr());
        String out = run.stdout();
        assertTrue(out.contains("culprit: " + tree.resolve("conf.d/a.conf") + ":2  CrashConfParse proxxy"), out);
        assertTrue(out.contains("killed by SIGSEGV") && out.contains("mod_crashconf.so+0x"), out);
        assertNoCopyLeft();
    }

    /** Ctrl-C in the middle of a long bisection: the private copy goes too, and the original is untouched. */
    @Test
    void interruptedBisectionRemovesTheCopy() throws Exception {
        assumeModuleBuilt();
        writeMain("LoadModule crashconf_module " + CRASHCONF + "\nInclude conf.d/*.conf");
        for (int i = 0; i < 150; i++) {
            write(String.format("conf.d/%03d.conf", i), "Timeout " + (30 + i) + "\n");
        }
        write("conf.d/999-last.conf", "CrashConfParse statc\n");
        Map<String, String> before = checksums(tree);
        FaultlineProcess run = configtest("--config", tree.resolve("main.conf").toString());
        FaultlineProcess.waitUntil(30, () -> copies().size() == 1, "faultline made its private copy");
        Thread.sleep(300); // into the bisection (each of its ~150 runs takes tens of ms)
        FaultlineProcess.signal("INT", run.process.pid());
        assertEquals(130, run.waitFor(60), "interrupted by SIGINT; stdout: " + run.stdout());
        assertNoCopyLeft();
        assertEquals(before, checksums(tree), "the original tree is unchanged");
    }

    @Test
    void healthyConfigExitsZero() throws Exception {
        writeMain("Include conf.d/*.conf");
        write("conf.d/a.conf", "Timeout 30\n");
        Map<String, String> before = checksums(tree);
        FaultlineProcess run = configtest("--config", tree.resolve("main.conf").toString());
        assertEquals(ExitCodes.OK, run.waitFor(60), run.stderr());
        assertTrue(run.stdout().contains("Syntax OK"), run.stdout());
        assertEquals(before, checksums(tree));
        assertNoCopyLeft();
    }

    @Test
    void syntaxErrorFailsWithApachesMessageAboutTheOriginalFile() throws Exception {
        writeMain("Include conf.d/*.conf");
        write("conf.d/a.conf", "Timeout 30\nKeepAlive On\nKeepAliveTimeot 4\n");
        FaultlineProcess run = configtest("--format", "json", "--config", tree.resolve("main.conf").toString());
        assertEquals(ExitCodes.CONFIG_FAILS, run.waitFor(60), run.stderr());
        JsonNode r = JSON.readTree(run.stdout());
        assertEquals("failed", r.path("outcome").asText());
        String output = r.path("output").asText();
        assertTrue(output.contains("AH00526"), output);
        assertTrue(output.contains("Syntax error on line 3 of " + tree.resolve("conf.d/a.conf")), output);
        assertTrue(r.path("bisection").isNull(), "a failure that is not a crash names its own line: no bisection");
        assertNoCopyLeft();
    }

    @Test
    void debianStockConfigPasses() throws Exception {
        Path etc = Path.of("/etc/apache2");
        Assumptions.assumeTrue(Files.isRegularFile(etc.resolve("apache2.conf")) && Files.isReadable(etc.resolve("envvars")),
                "Debian's /etc/apache2 with envvars is not installed");
        Map<String, String> before = checksums(etc);
        FaultlineProcess run = configtest();
        assertEquals(ExitCodes.OK, run.waitFor(60), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("Syntax OK"), run.stdout());
        assertEquals(before, checksums(etc), "/etc/apache2 is unchanged");
        assertNoCopyLeft();
    }

    private static void assumeModuleBuilt() {
        Assumptions.assumeTrue(Files.isRegularFile(CRASHCONF), "native/build/mod_crashconf.so is not built (make -C native; needs apache2-dev)");
    }

    private FaultlineProcess configtest(String... args) throws IOException {
        String[] all = new String[args.length + 1];
        all[0] = "configtest";
        System.arraycopy(args, 0, all, 1, args.length);
        return FaultlineProcess.start(dir, List.of("JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=" + faultlineTmp), all);
    }

    private void writeMain(String body) throws IOException {
        write("main.conf", String.join("\n",
                "ServerRoot \"" + tree + "\"",
                "ServerName localhost",
                "LoadModule mpm_prefork_module " + MODULES.resolve("mod_mpm_prefork.so"),
                "LoadModule authz_core_module " + MODULES.resolve("mod_authz_core.so"),
                "PidFile " + tree.resolve("logs/httpd.pid"),
                "ErrorLog " + tree.resolve("logs/error.log"),
                body, ""));
    }

    private void write(String rel, String text) throws IOException {
        Files.writeString(tree.resolve(rel), text);
    }

    private void assertNoCopyLeft() throws IOException {
        List<String> left = copies();
        assertTrue(left.isEmpty(), "the private copy is removed: " + left);
    }

    private List<String> copies() throws IOException {
        try (Stream<Path> s = Files.list(faultlineTmp)) {
            return s.map(Path::toString).filter(p -> p.contains("faultline-configtest-")).toList();
        }
    }

    /** Every file's SHA-256 and every link's target: enough to see any write, new file or removal. */
    private static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p)) {
                    sums.put(p.toString(), "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    sums.put(p.toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
                } else {
                    sums.put(p.toString(), "dir");
                }
            }
        }
        return sums;
    }
}
