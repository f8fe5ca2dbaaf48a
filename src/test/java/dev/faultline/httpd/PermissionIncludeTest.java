package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PHP require of a file the server user may not read: class permission, the file, and the includer's line. */
class PermissionIncludeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void anUnreadableIncludeIsPermissionWithItsIncluderLine() throws Exception {
        LiveApache.assumeTraceable(dir);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path trace = dir.resolve("t.txt");
        Path secret;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            Assumptions.assumeTrue(httpd.curl("/ok.php") == 200, "mod_php is not loaded");
            Path app = httpd.dir().resolve("htdocs/perm");
            Files.createDirectories(app);
            secret = app.resolve("secret.php");
            Files.writeString(secret, "<?php\n$db_password = 'x';\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
            Files.writeString(app.resolve("index.php"), "<?php\n// settings\nrequire __DIR__ . '/secret.php';\necho 'ok';\n");
            List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-tt", "-yy", "-s", "1024", "-o", trace.toString()));
            for (int p : httpd.childPids()) {
                cmd.addAll(List.of("-p", Integer.toString(p)));
            }
            Process strace = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            FaultlineProcess.waitUntil(10, () -> httpd.childPids().stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0), "strace attached");
            assertEquals(500, httpd.curl("/perm/index.php"));
            Thread.sleep(300);
            strace.destroy();
            assertTrue(strace.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(Files.readString(trace).contains("EACCES"), "the child was denied the file");
        Cli r = Cli.run("analyze", "--format", "json", trace.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode incidents = JSON.readTree(r.out).get("incidents");
        assertEquals(1, incidents.size(), r.out);
        JsonNode v = incidents.get(0).get("verdict");
        assertEquals("permission", v.get("class").asText(), v.toString());
        assertEquals(secret.toString(), v.get("culprit").get("path").asText(), v.toString());
        assertTrue(v.get("culprit").get("includer").asText().endsWith("perm/index.php:3"), v.toString());
    }
}
