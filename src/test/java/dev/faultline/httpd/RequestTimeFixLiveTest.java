package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.Cli;
import dev.faultline.fix.FixTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A directive that crashes only when a request runs it is not exercised by apache2 -t, so its fix is proven live: the
 * corpus case's server is started from a private copy of its snapshot (on 127.0.0.1, a port of 18600-18619), the
 * recorded crashing request gets an empty reply; after analyze --fix-diff is applied with GNU patch, the same request
 * gets an answer.
 */
class RequestTimeFixLiveTest {
    private static final Path APACHE2 = Path.of("/usr/sbin/apache2");
    private static final Pattern CRASHING_REQUEST = Pattern.compile("^GET (\\S+) -> 000", Pattern.MULTILINE);
    private static final Pattern LISTEN = Pattern.compile("(?m)^Listen 127\\.0\\.0\\.1:\\d+$");
    private static final int CURL_EMPTY_REPLY = 52;

    static Stream<String> cases() {
        return Stream.of("location-handler-prefork", "location-handler-event", "htaccess-inherited", "htaccess-parse");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theCrashingRequestIsAnsweredOnceTheFixIsApplied(String name) throws Exception {
        assumeTrue(Files.isExecutable(APACHE2) && Files.isExecutable(Path.of("/usr/bin/curl")) && Files.isExecutable(Path.of("/usr/bin/patch")),
                "needs apache2, curl and patch");
        assumeTrue("root".equals(System.getProperty("user.name")), "starts httpd with User www-data: needs root");
        Path caseDir = Cli.repo().resolve("fixtures/httpd").resolve(name);
        Matcher m = CRASHING_REQUEST.matcher(Files.readString(caseDir.resolve("requests.txt")));
        assertTrue(m.find(), "the case recorded a crashing request");
        String request = m.group(1);
        int port = freePort();
        assumeTrue(port > 0, "no free port in 18600-18619");

        Path copy = FixTrees.copy(caseDir.resolve("snapshot"));
        Path serverRoot = copy.resolve("tmp/faultline-httpd").resolve(name);
        try {
            // children run as www-data: the private dir must let them reach the copied htdocs
            Files.setPosixFilePermissions(copy.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Cli diff = Cli.run("analyze", "--fix-diff", "--root", copy.toString(), caseDir.resolve("f.txt").toString());
            assertEquals(0, diff.exit, diff.err);
            runnable(serverRoot, "/tmp/faultline-httpd/" + name, port);

            assertEquals(CURL_EMPTY_REPLY, requestOnce(serverRoot, port, request).exit(), "the recorded crash happens on the copy");
            FixTrees.Run patch = FixTrees.run(copy, diff.out, List.of("patch", "-p0", "--no-backup-if-mismatch"));
            assertEquals(0, patch.exit(), patch.out());
            FixTrees.Run fixed = requestOnce(serverRoot, port, request);
            assertEquals(0, fixed.exit(), "answered after the fix: " + fixed.out());
            assertNotEquals("000", fixed.out().strip());
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    /** Points the copy's configuration at itself and at {@code port}, with the runtime directories it names. */
    private static void runnable(Path serverRoot, String recordedRoot, int port) throws IOException {
        try (Stream<Path> s = Files.walk(serverRoot.resolve("conf"))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String t = Files.readString(f, StandardCharsets.ISO_8859_1).replace(recordedRoot, serverRoot.toString());
                Files.writeString(f, LISTEN.matcher(t).replaceAll("Listen 127.0.0.1:" + port), StandardCharsets.ISO_8859_1);
            }
        }
        Files.createDirectories(serverRoot.resolve("logs"));
        Path cores = Files.createDirectories(serverRoot.resolve("cores"));
        Files.setPosixFilePermissions(cores, PosixFilePermissions.fromString("rwxrwxrwx"));
        // the .htaccess files are read at request time from the copy: it must say the copy's paths too
        try (Stream<Path> s = Files.walk(serverRoot.resolve("htdocs"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().equals(".htaccess")).toList()) {
                Files.writeString(f, Files.readString(f, StandardCharsets.ISO_8859_1).replace(recordedRoot, serverRoot.toString()),
                        StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Starts the server, asks for {@code path} once (curl: its exit code, and the status it printed), stops it. */
    private static FixTrees.Run requestOnce(Path serverRoot, int port, String path) throws Exception {
        List<String> apache = List.of(APACHE2.toString(), "-d", serverRoot.toString(), "-f", serverRoot.resolve("conf/httpd.conf").toString(), "-k");
        Path pidFile = serverRoot.resolve("logs/httpd.pid");
        FixTrees.Run start = FixTrees.run(serverRoot, null, concat(apache, "start"));
        assertEquals(0, start.exit(), start.out());
        try {
            for (int i = 0; i < 100 && !Files.exists(pidFile); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(pidFile), "the server started: " + start.out());
            return FixTrees.run(serverRoot, null, List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                    "http://127.0.0.1:" + port + path));
        } finally {
            FixTrees.run(serverRoot, null, concat(apache, "stop"));
            for (int i = 0; i < 200 && Files.exists(pidFile); i++) {
                Thread.sleep(50);
            }
        }
    }

    private static List<String> concat(List<String> a, String last) {
        List<String> out = new java.util.ArrayList<>(a);
        out.add(last);
        return out;
    }

    private static int freePort() {
        for (int port = 18600; port <= 18619; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // the next one
            }
        }
        return -1;
    }
}
