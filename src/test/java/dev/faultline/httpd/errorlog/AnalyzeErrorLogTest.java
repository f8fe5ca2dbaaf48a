package dev.faultline.httpd.errorlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.httpd.LiveApache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze --error-log}: Apache's error log alone gives verdicts, and joins a trace's incidents. */
class AnalyzeErrorLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode analyze(String... args) throws Exception {
        String[] full = new String[args.length + 3];
        full[0] = "analyze";
        full[1] = "--format";
        full[2] = "json";
        System.arraycopy(args, 0, full, 3, args.length);
        Cli r = Cli.run(full);
        assertTrue(Cli.analyzed(r.exit), r.err);
        return JSON.readTree(r.out).get("incidents");
    }

    @Test
    void aFileThatIsNoErrorLogIsOneLineAndExit7() throws Exception {
        Path junk = dir.resolve("junk.log");
        byte[] b = new byte[8192];
        new java.util.Random(3).nextBytes(b);
        Files.write(junk, b);
        for (Path p : new Path[] {junk, Cli.repo().resolve("fixtures/apache/htaccess-typo/f_o.txt")}) {
            Cli r = Cli.run("analyze", "--error-log", p.toString());
            assertEquals(7, r.exit, r.err);
            assertTrue(r.err.strip().lines().count() == 1 && r.err.contains("no line of an Apache error log"), r.err);
        }
        Cli missing = Cli.run("analyze", "--error-log", dir.resolve("none.log").toString());
        assertEquals(3, missing.exit);
        Cli nothing = Cli.run("analyze");
        assertEquals(2, nothing.exit);
    }

    @Test
    void anInvalidCommandNamesTheHtaccessAndItsLine() throws Exception {
        Path c = Cli.repo().resolve("fixtures/apache/htaccess-typo");
        JsonNode incidents = analyze("--error-log", c.resolve("error.log").toString(), "--root", c.resolve("snapshot").toString());
        assertEquals(1, incidents.size(), incidents.toString());
        JsonNode v = incidents.get(0).get("verdict");
        assertEquals("http_error", incidents.get(0).get("kind").asText());
        assertEquals(500, incidents.get(0).get("status").asInt());
        assertEquals("config", v.get("class").asText());
        assertTrue(v.get("culprit").get("path").asText().endsWith("htdocs/app/.htaccess"), v.toString());
        assertEquals(2, v.get("culprit").get("line").asInt(), "the line whose directive is RewriteEngin");
    }

    @Test
    void aPhpFailedRequireNamesTheIncluderLine() throws Exception {
        Path c = Cli.repo().resolve("fixtures/apache/php-missing-include");
        JsonNode v = analyze("--error-log", c.resolve("error.log").toString()).get(0).get("verdict");
        assertEquals("missing-include", v.get("class").asText(), v.toString());
        assertTrue(v.get("culprit").get("path").asText().endsWith("wp/wp-settings.php"), v.toString());
        assertEquals(32, v.get("culprit").get("line").asInt());
    }

    @Test
    void aChildCrashInTheLogIsACrashWithNoConfigCulprit() throws Exception {
        Path c = Cli.repo().resolve("fixtures/apache/php-stack-overflow");
        JsonNode incidents = analyze("--error-log", c.resolve("error.log").toString());
        JsonNode crash = null;
        for (JsonNode i : incidents) {
            if (i.get("kind").asText().equals("crash")) {
                crash = i;
            }
        }
        assertTrue(crash != null, incidents.toString());
        assertTrue(crash.get("verdict").get("culprit").isNull(), crash.toString());
    }

    @Test
    void theLogJoinsTheTracesIncidentOfTheSameProcess() throws Exception {
        Path c = Cli.repo().resolve("fixtures/apache/htaccess-typo");
        // f_o.txt: strace's default -s 32 cut the error message; the log has it whole
        JsonNode incidents = analyze("--error-log", c.resolve("error-f_o.log").toString(), "--root", c.resolve("snapshot").toString(),
                c.resolve("f_o.txt").toString());
        assertEquals(1, incidents.size(), "one incident: the log's entry joined the traced 500: " + incidents);
        JsonNode inc = incidents.get(0);
        assertTrue(inc.get("verdict").get("culprit").get("path").asText().endsWith("htdocs/app/.htaccess"), inc.toString());
        assertTrue(inc.toString().contains("error-f_o.log"), "the log line is shown with the incident: " + inc);
    }

    /** Without --error-log, the server's own ErrorLog (from its configuration, under --root) joins the traced 500. */
    @Test
    void theServersOwnErrorLogIsFoundFromItsConfiguration() throws Exception {
        Path c = Cli.repo().resolve("fixtures/apache/htaccess-typo");
        Path root = dir.resolve("root");
        Path serverRoot = Path.of("/tmp/faultline-apache/htaccess-typo");
        try (java.util.stream.Stream<Path> s = Files.walk(c.resolve("snapshot"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path to = root.resolve(c.resolve("snapshot").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path log = root.resolve(serverRoot.toString().substring(1)).resolve("logs/error.log");
        Files.createDirectories(log.getParent());
        Files.copy(c.resolve("error-f_o.log"), log);
        JsonNode incidents = analyze("--root", root.toString(), c.resolve("f_o.txt").toString());
        assertEquals(1, incidents.size(), incidents.toString());
        assertTrue(incidents.get(0).toString().contains("logs/error.log"), "the log's line joined the incident: " + incidents);
        JsonNode without = analyze("--root", root.toString(), "--no-auto-error-log", c.resolve("f_o.txt").toString());
        assertTrue(!without.get(0).toString().contains("logs/error.log"), without.toString());
    }

    /** The error log alone: AH00051 says where the core went; the core then gives the module, the request and the line. */
    @Test
    void anAh00051LineLeadsToTheCoreAndItsVerdict() throws Exception {
        LiveApache.assumeTraceable(dir);
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        org.junit.jupiter.api.Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.startsWith("/"),
                "core_pattern '" + pattern + "' does not write into CoreDumpDirectory");
        Path log;
        Path conf;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", true)) {
            httpd.curl("/crash-loc/"); // conf.d/50-app.conf line 5: CrashConfHandler proxxy under a server-level <Location>
            assertTrue(httpd.awaitErrorLog("AH00051", 10000), httpd.errorLog());
            LiveApache.awaitCore(httpd.dir().resolve("cores"));
            log = httpd.dir().resolve("logs/error.log");
            conf = httpd.dir().resolve("conf/conf.d/50-app.conf");
        }
        Cli r = Cli.run("analyze", "--format", "json", "--error-log", log.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertTrue(r.err.contains("AH00051 led to the core of pid"), r.err);
        JsonNode crash = null;
        for (JsonNode i : JSON.readTree(r.out).get("incidents")) {
            if (i.get("kind").asText().equals("crash")) {
                crash = i;
            }
        }
        assertTrue(crash != null && crash.has("core"), "the crash has its core: " + r.out);
        assertTrue(crash.get("core").get("backtrace").size() > 3, "and the core's backtrace");
        JsonNode v = crash.get("verdict");
        assertEquals("config", v.get("class").asText(), v.toString());
        assertEquals("request", v.get("phase").asText(), v.toString());
        assertEquals(conf.toString(), v.get("culprit").get("path").asText(), v.toString());
        assertEquals(5, v.get("culprit").get("line").asInt(), v.toString());

        // the same core, as if written an hour before the crash: an earlier process with the same pid, not used
        Path core = LiveApache.awaitCore(log.getParent().resolveSibling("cores"));
        Files.setLastModifiedTime(core, java.nio.file.attribute.FileTime.from(Files.getLastModifiedTime(core).toInstant().minusSeconds(3600)));
        Cli stale = Cli.run("analyze", "--format", "json", "--error-log", log.toString());
        assertTrue(Cli.analyzed(stale.exit), stale.err);
        assertTrue(stale.err.contains("an earlier process with the same pid, not used"), stale.err);
        for (JsonNode i : JSON.readTree(stale.out).get("incidents")) {
            assertTrue(!i.has("core") || i.get("core").isNull(), "no core joined: " + i);
        }
    }

    /** A cold start's syntax error goes to stderr (or the journal), not to ErrorLog: that text alone names file:line. */
    @Test
    void theStartupStderrOfAnApacheThatWillNotStartNamesTheLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/apache2")), "apache2 is not installed");
        Path conf = dir.resolve("httpd.conf");
        Path site = dir.resolve("site.conf");
        Files.writeString(site, "# the app\nServerName app.example\nRewriteEngin On\n");
        Files.writeString(conf, "ServerRoot " + dir + "\nLoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so"
                + "\nListen 127.0.0.1:18399\nPidFile " + dir.resolve("httpd.pid")
                + "\nErrorLog " + dir.resolve("error.log") + "\nInclude " + site + "\n");
        Process p = new ProcessBuilder("/usr/sbin/apache2", "-t", "-f", conf.toString()).redirectErrorStream(true).start();
        String stderr = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor() != 0, "apache2 -t refuses it: " + stderr);
        Path captured = dir.resolve("stderr.txt");
        Files.writeString(captured, stderr);
        Cli r = Cli.run("analyze", "--format", "json", "--error-log", captured.toString());
        assertTrue(Cli.analyzed(r.exit), r.err + stderr);
        JsonNode inc = JSON.readTree(r.out).get("incidents").get(0);
        JsonNode v = inc.get("verdict");
        assertEquals("config", v.get("class").asText(), v.toString());
        assertEquals(site.toString(), v.get("culprit").get("path").asText());
        assertEquals(3, v.get("culprit").get("line").asInt());
        assertTrue(inc.get("notes").toString().contains("does not start"), inc.toString());
    }

    /** php-fpm's own log (its workers' stderr) alone names the script and line of a PHP 500, with the worker's pid. */
    @Test
    void phpFpmsLogAloneNamesTheIncluderLine() throws Exception {
        Path c = Cli.repo().resolve("fixtures/apache/fpm-missing-include");
        Path log = c.resolve("fpm-error.log");
        Cli r = Cli.run("analyze", "--format", "json", "--root", c.resolve("snapshot").toString(), "--error-log", log.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode incidents = JSON.readTree(r.out).get("incidents");
        assertEquals(1, incidents.size(), "the warning, the fatal and the stack trace are one failure: " + r.out);
        JsonNode v = incidents.get(0).get("verdict");
        assertEquals("missing-include", v.get("class").asText(), v.toString());
        assertTrue(v.get("culprit").get("path").asText().endsWith("htdocs/app/index.php"), v.toString());
        assertEquals(4, v.get("culprit").get("line").asInt());
        assertTrue(v.get("reason").asText().startsWith("php-fpm's log names it"), v.toString());
        String worker = java.util.regex.Pattern.compile("child (\\d+) said").matcher(Files.readString(log)).results()
                .map(m -> m.group(1)).findFirst().orElseThrow();
        assertEquals(Integer.parseInt(worker), incidents.get(0).get("pid").asInt());
    }

    @Test
    void anUnreadableHtaccessIsAPermission403() throws Exception {
        LiveApache.assumeTraceable(dir);
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            Path locked = httpd.dir().resolve("htdocs/locked");
            Files.createDirectories(locked);
            Files.writeString(locked.resolve("index.html"), "x\n");
            Files.writeString(locked.resolve(".htaccess"), "Options -Indexes\n");
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(locked.resolve(".htaccess"), PosixFilePermissions.fromString("---------"));
            assertEquals(403, httpd.curl("/locked/"));
            assertTrue(httpd.awaitErrorLog("AH00529", 5000), httpd.errorLog());
            JsonNode incidents = analyze("--error-log", httpd.dir().resolve("logs/error.log").toString());
            JsonNode v = null;
            for (JsonNode i : incidents) {
                if (i.get("status").asInt() == 403) {
                    v = i.get("verdict");
                }
            }
            assertTrue(v != null, incidents.toString());
            assertEquals("permission", v.get("class").asText(), v.toString());
            assertEquals(locked.resolve(".htaccess").toString(), v.get("culprit").get("path").asText());
        }
    }
}
