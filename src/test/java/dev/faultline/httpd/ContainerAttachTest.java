package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts that are not the lab (issue #10): attach to an httpd in its own mount namespace, as in a container. Its
 * config, .htaccess and error log exist only inside (native/apache/in-mount-namespace.sh mounts a tmpfs there); on
 * the host the directory is empty. The attach must follow the error log and name the .htaccess line through
 * /proc/PID/root, and say that it did.
 */
class ContainerAttachTest {
    @TempDir
    Path tmp;

    @Test
    void aServerInItsOwnMountNamespaceIsReadThroughProcPidRoot() throws Exception {
        CheckCorpusTest.assumeLiveApache();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare is not installed (util-linux)");
        Path dir = Files.createDirectories(tmp.resolve("srv"));
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // setsid: a prefork parent that stops signals its whole process group, which would otherwise be the test JVM's
        Process ns = new ProcessBuilder("setsid", "unshare", "-m", "--propagation", "private",
                Cli.repo().resolve("native/apache/in-mount-namespace.sh").toString(), dir.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.out").toFile()).start();
        try {
            int p = port;
            FaultlineProcess.waitUntil(20, () -> status(p, "/") == 200, "the namespaced server answers");
            try (var listing = Files.list(dir)) {
                assertEquals(0, listing.count(), "from the host the server's directory is empty");
            }
            FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", Long.toString(ns.pid()), "--duration", "20",
                    "--format", "json", "-o", tmp.resolve("report.json").toString());
            FaultlineProcess.waitUntil(20, () -> fl.stderr().contains("attached to"), "attached");
            assertEquals(500, status(port, "/app/"));
            int exit = fl.waitFor(40);
            String report = Files.readString(tmp.resolve("report.json"));
            assertEquals(dev.faultline.cli.ExitCodes.CULPRIT_NAMED, exit, fl.stderr() + report);
            assertTrue(report.contains("/htdocs/app/.htaccess") && java.util.regex.Pattern.compile("\"line\"\\s*:\\s*3\\b").matcher(report).find(), report);
            assertTrue(fl.stderr().contains("its own mount namespace") && fl.stderr().contains("/proc/" + ns.pid() + "/root"),
                    fl.stderr());
        } finally {
            ns.destroy(); // SIGTERM: apache2 (exec'd by the script) stops, and its mount namespace with it
            ns.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            ns.destroyForcibly();
        }
    }

    private static int status(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            return c.getResponseCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
