package dev.faultline.httpd.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ApacheConfigParser;
import dev.faultline.httpd.config.ConfigFiles;
import dev.faultline.httpd.errorlog.ErrorLogEntry;
import dev.faultline.httpd.errorlog.ErrorLogParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real apache2 (event MPM, 127.0.0.1 only) writes four access logs in the formats a site would use; the
 * requests are real (200, 404, and a 500 from mod_rewrite's [R=500]), and so are the pids, threads and times
 * the parsed lines are checked against. One server serves every test of the class.
 */
class AccessLogLiveTest {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final int PORT_MIN = 18950;
    private static final int PORT_MAX = 18959;
    private static final String CUSTOM_FORMAT = "%h %P %{tid}P %D %{%Y-%m-%d %H:%M:%S}t \\\"%r\\\" %>s %v";
    /** Modifiers and the rarer time and thread forms, as a site tuning its logs might write them. */
    private static final String EXOTIC_FORMAT = "%<s %{begin:%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{hextid}P %{ms}T"
            + " %m %U%q %H %400,501{User-Agent}i %!200{Referer}i %% %{end:usec}t %a";
    /** The requests to the main server, in order, with the status each must get. */
    private static final List<String> PATHS = List.of("/index.html", "/missing", "/boom");
    private static final List<Integer> STATUSES = List.of(200, 404, 500);

    private static Path root;
    private static Process server;
    private static int mainPort;
    private static int hostPort;
    private static Instant started;
    private static Instant answered;
    private static Set<Long> childPids = new HashSet<>();
    private static ApacheConfig config;

    @BeforeAll
    static void serveRequests() throws Exception {
        assumeTrue(Files.isExecutable(APACHE), "apache2 is not installed at " + APACHE);
        assumeTrue(Files.isRegularFile(MODULES.resolve("mod_rewrite.so")) && Files.isRegularFile(MODULES.resolve("mod_mpm_event.so")),
                "needs mod_rewrite and mod_mpm_event in " + MODULES);
        assumeTrue("root".equals(System.getProperty("user.name")), "apache2 must start as root to switch its children to nobody");
        int[] ports = freePorts(2);
        assumeTrue(ports != null, "no two free ports in " + PORT_MIN + "-" + PORT_MAX);
        mainPort = ports[0];
        hostPort = ports[1];
        root = Files.createTempDirectory(Path.of("/tmp"), "accesslog-");
        Files.createDirectories(root.resolve("logs"));
        Files.createDirectories(root.resolve("htdocs"));
        Files.writeString(root.resolve("htdocs/index.html"), "hello\n");
        Path conf = Files.writeString(root.resolve("httpd.conf"), String.join("\n",
                "ServerRoot " + root,
                "LoadModule mpm_event_module " + MODULES.resolve("mod_mpm_event.so"),
                "LoadModule authz_core_module " + MODULES.resolve("mod_authz_core.so"),
                "LoadModule rewrite_module " + MODULES.resolve("mod_rewrite.so"),
                "Listen 127.0.0.1:" + mainPort,
                "Listen 127.0.0.1:" + hostPort,
                "ServerName localhost",
                "PidFile httpd.pid",
                "ErrorLog logs/error.log",
                "# rewrite's trace lines carry [pid P:tid T] for every request: the threads to compare with",
                "LogLevel warn rewrite:trace2",
                "User nobody",
                "Group nogroup",
                "StartServers 1",
                "ServerLimit 2",
                "ThreadsPerChild 4",
                "MinSpareThreads 1",
                "MaxSpareThreads 8",
                "MaxRequestWorkers 8",
                "DocumentRoot htdocs",
                "<Directory " + root.resolve("htdocs") + ">",
                "  Require all granted",
                "</Directory>",
                "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O\" common",
                "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined",
                "CustomLog logs/common.log common",
                "CustomLog logs/combined.log combined",
                "CustomLog logs/custom.log \"" + CUSTOM_FORMAT + "\"",
                "CustomLog logs/exotic.log \"" + EXOTIC_FORMAT + "\"",
                "CustomLog \"|/bin/cat >/dev/null\" common env=never_set",
                "RewriteEngine On",
                "RewriteRule ^/boom$ - [R=500]",
                "<VirtualHost 127.0.0.1:" + hostPort + ">",
                "  ServerName second.test",
                "  LogFormat \"%v %a %>s %U %{end:%d/%b/%Y:%H:%M:%S %z}t\"",
                "  TransferLog logs/vhost.log",
                "</VirtualHost>",
                ""));
        new ProcessBuilder("chmod", "-R", "a+rX", root.toString()).start().waitFor();
        started = Instant.now();
        // setsid: an MPM's shutdown signals its whole process group, which would include this JVM
        server = new ProcessBuilder("setsid", APACHE.toString(), "-f", conf.toString(), "-DFOREGROUND")
                .redirectErrorStream(true).redirectOutput(root.resolve("stdout").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        boolean up = false;
        for (int attempt = 0; attempt < 50 && !up; attempt++) {
            try {
                get(http, mainPort, "/");
                up = true;
            } catch (IOException notYetListening) {
                Thread.sleep(100);
            }
        }
        assumeTrue(up, "apache2 did not answer on port " + mainPort + ": " + Files.readString(root.resolve("stdout")));
        truncateLogs(); // the probe's line out of the way: the logs hold exactly the requests below
        for (int i = 0; i < PATHS.size(); i++) {
            String path = PATHS.get(i).equals("/index.html") ? "/index.html?q=1" : PATHS.get(i);
            assertEquals(STATUSES.get(i), get(http, mainPort, path), path);
        }
        assertEquals(200, get(http, hostPort, "/index.html"));
        answered = Instant.now();
        // httpd writes the line after the response, so the client may be a little ahead of the log
        awaitLines("common.log", PATHS.size());
        awaitLines("combined.log", PATHS.size());
        awaitLines("custom.log", PATHS.size());
        awaitLines("exotic.log", PATHS.size());
        awaitLines("vhost.log", 1);
        childPids = children(server.pid());
        config = parseConfig(conf);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
        }
        if (root != null) {
            new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
        }
    }

    @Test
    void customLogsFindsEveryLogWithItsResolvedFormat() {
        CustomLogs logs = CustomLogs.of(config);
        assertEquals(List.of(), logs.warnings());
        List<CustomLogs.CustomLog> all = logs.logs();
        assertEquals(6, all.size(), all.toString());
        assertEquals(root + "/logs/common.log", all.get(0).target());
        assertEquals("common", all.get(0).format().nickname());
        assertEquals("%h %l %u %t \"%r\" %>s %O", all.get(0).format().format());
        assertEquals(root + "/httpd.conf:" + lineOf("CustomLog logs/common.log"), all.get(0).directive().location());
        assertNull(all.get(0).virtualHost());
        assertEquals("combined", all.get(1).format().nickname());
        assertNull(all.get(2).format().nickname());
        assertEquals(CUSTOM_FORMAT.replace("\\\"", "\""), all.get(2).format().format());
        assertEquals(EXOTIC_FORMAT, all.get(3).format().format());
        CustomLogs.CustomLog piped = all.get(4);
        assertTrue(piped.piped() && piped.conditional());
        assertEquals("/bin/cat >/dev/null", piped.target());
        assertEquals("env=never_set", piped.condition());
        assertFalse(piped.unreadable().isEmpty());
        CustomLogs.CustomLog transfer = all.get(5);
        assertEquals("TransferLog", transfer.directive().name());
        assertEquals(root + "/logs/vhost.log", transfer.target());
        assertNotNull(transfer.virtualHost());
        assertEquals("%v %a %>s %U %{end:%d/%b/%Y:%H:%M:%S %z}t", transfer.format().format(),
                "TransferLog takes its host's nicknameless LogFormat");
    }

    @Test
    void everyLogTheServerWroteParsesWithTheFormatItsConfigNames() throws Exception {
        for (CustomLogs.CustomLog log : CustomLogs.of(config).logs()) {
            if (log.piped()) {
                continue;
            }
            List<AccessLogEntry> entries = new ArrayList<>();
            AccessLogParser.Stats stats = parse(log.target(), log.format(), entries);
            assertEquals(0, stats.unparsed + stats.otherFormat + stats.binary + stats.tooLong, log.target());
            boolean mainServer = log.virtualHost() == null;
            assertEquals(mainServer ? PATHS.size() : 1, entries.size(), log.target());
            for (int i = 0; i < entries.size(); i++) {
                AccessLogEntry e = entries.get(i);
                assertEquals(mainServer ? STATUSES.get(i) : 200, e.status(), log.target() + " " + e);
                assertEquals(mainServer ? PATHS.get(i) : "/index.html", e.path(), log.target() + " " + e);
                assertEquals("127.0.0.1", e.client());
                assertNotNull(e.time(), log.target() + " " + e);
                // the logs' times are whole seconds: compare with the seconds around the requests
                assertTrue(!e.time().isBefore(started.minusSeconds(1)) && !e.time().isAfter(answered.plusSeconds(1)),
                        e.time() + " is not between " + started + " and " + answered);
            }
        }
    }

    @Test
    void customFormatCarriesTheRealChildPidThreadAndDuration() throws Exception {
        List<AccessLogEntry> entries = new ArrayList<>();
        parse(root + "/logs/custom.log", AccessLogFormat.compile(CUSTOM_FORMAT.replace("\\\"", "\"")), entries);
        assertEquals(PATHS.size(), entries.size());
        List<ErrorLogEntry> errorLog = new ArrayList<>();
        try (InputStream in = ErrorLogParser.open(root + "/logs/error.log")) {
            new ErrorLogParser(ZoneId.systemDefault()).parse(in, errorLog::add);
        }
        // httpd 2.4.71 on Linux writes the kernel's tid in the error log but APR's (pthread_self) in %{tid}P, so the
        // numbers differ; what must hold is that two requests share a %{tid}P exactly when they share a kernel thread
        List<Long> kernelTids = new ArrayList<>();
        for (AccessLogEntry e : entries) {
            assertEquals("GET", e.method());
            assertEquals("localhost", e.vhost());
            assertTrue(e.durationMicros() >= 0, e.toString());
            assertTrue(childPids.contains(e.pid()), "pid " + e.pid() + " is a child of the server: " + childPids);
            assertNotEquals(0, e.tid());
            // mod_rewrite traced this very request from the same process
            ErrorLogEntry trace = errorLog.stream().filter(l -> l.pid() == e.pid()
                    && l.message().contains("init rewrite engine with requested uri " + e.path() + ",")).findFirst()
                    .orElseThrow(() -> new AssertionError("no rewrite trace from pid " + e.pid() + " for " + e.path() + " in " + errorLog));
            kernelTids.add(trace.tid());
        }
        for (int i = 0; i < entries.size(); i++) {
            for (int j = 0; j < entries.size(); j++) {
                assertEquals(kernelTids.get(i).equals(kernelTids.get(j)), entries.get(i).tid() == entries.get(j).tid(),
                        "requests " + i + " and " + j + ": kernel tids " + kernelTids + ", %{tid}P " + entries);
            }
        }
    }

    @Test
    void modifiersFractionsAndHexThreadsReadTheSameRequests() throws Exception {
        List<AccessLogEntry> custom = new ArrayList<>();
        parse(root + "/logs/custom.log", AccessLogFormat.compile(CUSTOM_FORMAT.replace("\\\"", "\"")), custom);
        List<AccessLogEntry> exotic = new ArrayList<>();
        AccessLogFormat format = AccessLogFormat.compile(EXOTIC_FORMAT);
        assertEquals(List.of(), format.warnings());
        AccessLogParser.Stats stats = parse(root + "/logs/exotic.log", format, exotic);
        assertEquals(0, stats.unparsed + stats.otherFormat);
        assertEquals(PATHS.size(), exotic.size());
        for (int i = 0; i < exotic.size(); i++) {
            AccessLogEntry e = exotic.get(i);
            assertEquals(STATUSES.get(i), e.status(), "%<s: no internal redirect here, so the original status is the final one");
            assertEquals(PATHS.get(i), e.path());
            assertEquals("GET", e.method());
            assertEquals(custom.get(i).tid(), e.tid(), "%{hextid}P is %{tid}P in hex");
            assertTrue(e.durationMicros() >= 0 && e.durationMicros() % 1000 == 0, "%{ms}T in micros: " + e);
            assertEquals(custom.get(i).time().getEpochSecond(), e.time().getEpochSecond(), "the begin time wins over end:usec");
        }
    }

    @Test
    void aLogInAnotherDebianFormatIsStillRead() throws Exception {
        List<AccessLogEntry> entries = new ArrayList<>();
        AccessLogParser.Stats stats = parse(root + "/logs/combined.log", AccessLogFormat.resolve("common",
                AccessLogFormat.debianDefaults()), entries);
        assertEquals(PATHS.size(), stats.otherFormat, "combined lines read though common was expected");
        assertEquals(0, stats.unparsed);
        assertEquals(STATUSES, entries.stream().map(AccessLogEntry::status).toList());
        stats = parse(root + "/logs/custom.log", AccessLogFormat.resolve("combined", AccessLogFormat.debianDefaults()), entries);
        assertEquals(PATHS.size(), stats.unparsed, "a custom format that is none of Debian's is counted unparsed");
    }

    @Test
    void junkCutAndOverlongLinesAreCountedNotThrown() throws Exception {
        byte[] real = Files.readAllBytes(root.resolve("logs/combined.log"));
        String firstLine = new String(real, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        byte[] junk = new byte[4096];
        try (InputStream random = Files.newInputStream(Path.of("/dev/urandom"))) {
            random.readNBytes(junk, 0, junk.length);
        }
        for (int i = 0; i < junk.length; i++) {
            junk[i] = junk[i] == '\n' ? (byte) 'x' : junk[i]; // one line of junk
        }
        junk[0] = 0;
        byte[] longLine = new byte[1 << 20];
        Arrays.fill(longLine, (byte) 'a');
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        log.write(real);
        log.write(junk);
        log.write('\n');
        log.write(firstLine.substring(0, firstLine.length() / 2).getBytes(StandardCharsets.UTF_8));
        log.write('\n');
        log.write(longLine);
        log.write('\n');
        log.write(real);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(gzipped)) {
            gz.write(log.toByteArray());
        }
        Path gz = Files.write(root.resolve("junk.log.gz"), gzipped.toByteArray());
        AccessLogFormat combined = AccessLogFormat.resolve("combined", AccessLogFormat.debianDefaults());
        InputStream cutGzip = new GZIPInputStream(new ByteArrayInputStream(Arrays.copyOf(gzipped.toByteArray(), gzipped.size() / 2)));
        for (InputStream in : List.of(new ByteArrayInputStream(log.toByteArray()), AccessLogParser.open(gz.toString()), cutGzip)) {
            List<AccessLogEntry> entries = new ArrayList<>();
            AccessLogParser.Stats stats;
            try (in) {
                stats = new AccessLogParser(combined, ZoneId.systemDefault()).parse(in, entries::add);
            }
            assertEquals(stats.lines, stats.entries + stats.unparsed + stats.binary + stats.tooLong);
            assertEquals(stats.entries, entries.size());
            if (in == cutGzip) {
                assertTrue(stats.entries < 2L * PATHS.size(), "a log cut short ends the parse with what was read");
            } else {
                assertEquals(2L * PATHS.size(), stats.entries);
                assertEquals(1, stats.binary);
                assertEquals(1, stats.unparsed, "the cut line");
                assertEquals(1, stats.tooLong);
                assertEquals(entries.get(0).status(), entries.get(PATHS.size()).status());
                assertEquals(PATHS.size() + 3 + 1L, entries.get(PATHS.size()).line(), "line numbers count the bad lines");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static AccessLogParser.Stats parse(String file, AccessLogFormat format, List<AccessLogEntry> into) throws IOException {
        into.clear();
        try (InputStream in = AccessLogParser.open(file)) {
            return new AccessLogParser(format, ZoneId.systemDefault()).parse(in, into::add);
        }
    }

    private static ApacheConfig parseConfig(Path conf) {
        ApacheConfigParser.Options o = new ApacheConfigParser.Options();
        o.serverRoot = root.toString();
        return new ApacheConfigParser(ConfigFiles.disk(), o).parse(conf.toString());
    }

    private static int lineOf(String text) {
        try {
            List<String> lines = Files.readAllLines(root.resolve("httpd.conf"));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(text)) {
                    return i + 1;
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Referer", "http://example.test/from").header("User-Agent", "faultline \"test\"")
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void truncateLogs() throws IOException {
        awaitLinesQuietly(root.resolve("logs/common.log"), 1);
        for (String log : List.of("common.log", "combined.log", "custom.log", "exotic.log", "vhost.log")) {
            Path p = root.resolve("logs").resolve(log);
            Files.write(p, new byte[0]); // httpd appends (O_APPEND), so it goes on writing at the new end
        }
    }

    private static void awaitLines(String log, int n) throws Exception {
        awaitLinesQuietly(root.resolve("logs").resolve(log), n);
    }

    private static void awaitLinesQuietly(Path p, int n) {
        for (int i = 0; i < 50; i++) {
            try {
                if (Files.exists(p) && Files.readAllLines(p).size() >= n) {
                    return;
                }
                Thread.sleep(100);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    private static Set<Long> children(long parent) throws IOException {
        Set<Long> pids = new HashSet<>();
        for (String p : Files.readString(Path.of("/proc", Long.toString(parent), "task", Long.toString(parent), "children"))
                .trim().split("\\s+")) {
            if (!p.isEmpty()) {
                pids.add(Long.parseLong(p));
            }
        }
        return pids;
    }

    private static int[] freePorts(int n) {
        int[] out = new int[n];
        int found = 0;
        for (int port = PORT_MIN; port <= PORT_MAX && found < n; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                out[found++] = port;
            } catch (IOException inUse) {
                // the next one
            }
        }
        return found == n ? out : null;
    }
}
