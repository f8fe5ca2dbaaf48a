package dev.faultline.httpd.errorlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real apache2 writes the log: an .htaccess typo (500) and an unreadable .htaccess (403, AH00529). */
class RealApacheErrorLogTest {

    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final int PORT = 18611;

    @Test
    void typoAndUnreadableHtaccessAreNamedByTheRealLog() throws Exception {
        assumeTrue(Files.isExecutable(APACHE), "apache2 is not installed at " + APACHE);
        Path root = Files.createTempDirectory(Path.of("/tmp"), "errorlog-real-");
        Path typoDir = Files.createDirectories(root.resolve("htdocs/typo"));
        Path lockedDir = Files.createDirectories(root.resolve("htdocs/locked"));
        Files.writeString(typoDir.resolve(".htaccess"), "# app\nRewriteEngin On\n");
        Files.writeString(typoDir.resolve("index.html"), "hi\n");
        Files.writeString(lockedDir.resolve("index.html"), "hi\n");
        Path locked = Files.writeString(lockedDir.resolve(".htaccess"), "Options -Indexes\n");
        Path conf = Files.writeString(root.resolve("httpd.conf"), String.join("\n",
                "ServerRoot " + root,
                "LoadModule mpm_prefork_module " + MODULES.resolve("mod_mpm_prefork.so"),
                "LoadModule authz_core_module " + MODULES.resolve("mod_authz_core.so"),
                "Listen 127.0.0.1:" + PORT,
                "ServerName localhost",
                "PidFile " + root.resolve("httpd.pid"),
                "ErrorLog " + root.resolve("error.log"),
                "User nobody",
                "Group nogroup",
                "DocumentRoot " + root.resolve("htdocs"),
                "<Directory " + root.resolve("htdocs") + ">",
                "  AllowOverride All",
                "  Require all granted",
                "</Directory>",
                ""));
        // the server's children run as nobody, so the tree must be readable by them; the locked .htaccess not
        new ProcessBuilder("chmod", "-R", "a+rX", root.toString()).start().waitFor();
        new ProcessBuilder("chmod", "000", locked.toString()).start().waitFor();
        // setsid: prefork's shutdown sends SIGTERM to its whole process group, which would include this JVM
        Process server = new ProcessBuilder("setsid", APACHE.toString(), "-f", conf.toString(), "-DFOREGROUND")
                .redirectErrorStream(true).redirectOutput(root.resolve("stdout").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            int typoStatus = -1;
            int lockedStatus = -1;
            for (int attempt = 0; attempt < 50 && typoStatus < 0; attempt++) {
                try {
                    typoStatus = get(http, "/typo/");
                } catch (IOException notYetListening) {
                    Thread.sleep(100);
                }
            }
            assumeTrue(typoStatus > 0, "apache2 did not answer on port " + PORT);
            lockedStatus = get(http, "/locked/");
            assertEquals(500, typoStatus);
            assertEquals(403, lockedStatus);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        List<ErrorLogEntry> entries = new ArrayList<>();
        try (InputStream in = ErrorLogParser.open(root.resolve("error.log").toString())) {
            ErrorLogParser.Stats stats = new ErrorLogParser(ZoneId.systemDefault()).parse(in, entries::add);
            assertEquals(0, stats.unparsed, "every line apache2 wrote is parsed");
        }
        List<ErrorLogFinding> findings = entries.stream().map(ErrorLogFinding::of).flatMap(Optional::stream).toList();
        ErrorLogFinding typo = findings.stream().filter(f -> f.kind() == ErrorLogFinding.Kind.CONFIG)
                .findFirst().orElseThrow();
        assertEquals(typoDir.resolve(".htaccess").toString(), typo.file().orElseThrow());
        assertEquals("RewriteEngin", typo.directive().orElseThrow());
        ErrorLogFinding unreadable = findings.stream().filter(f -> f.kind() == ErrorLogFinding.Kind.PERMISSION)
                .findFirst().orElseThrow();
        assertEquals(locked.toString(), unreadable.file().orElseThrow());
        ErrorLogEntry ah00529 = entries.stream().filter(e -> e.ahCode().equals(Optional.of("AH00529")))
                .findFirst().orElseThrow();
        assertTrue(ah00529.pid() > 0 && ah00529.client().isPresent());
        new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
    }

    private static int get(HttpClient http, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
