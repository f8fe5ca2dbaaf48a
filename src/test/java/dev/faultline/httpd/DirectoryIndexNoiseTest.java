package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PHP fatal in application code is class code, and httpd probing DirectoryIndex names in turn is normal: a PHP fatal behind `DirectoryIndex index.html index.php`
 * must not be blamed on the absent index.html ("a typo of .phtml"): .html is a registered extension, and a
 * DirectoryIndex name's absence is never a culprit.
 */
class DirectoryIndexNoiseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPhpFatalBehindDirectoryIndexProbingBlamesNoIndexFile() throws Exception {
        LiveApache.assumeTraceable(dir);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path trace = dir.resolve("t.txt");
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            Path app = httpd.dir().resolve("htdocs/app500");
            Files.createDirectories(app);
            Files.writeString(app.resolve(".htaccess"), "DirectoryIndex index.html index.php\n");
            Files.writeString(app.resolve("index.php"), "<?php\nno_such_function();\n");
            Assumptions.assumeTrue(httpd.curl("/ok.php") == 200, "mod_php is not loaded");
            List<Integer> all = new ArrayList<>(List.of(httpd.parentPid()));
            all.addAll(httpd.childPids());
            Process strace = LiveApache.strace(trace, all, "-f", "-tt", "-yy", "-s", "256");
            assertEquals(500, httpd.curl("/app500/"));
            Thread.sleep(300);
            LiveApache.stop(strace);
        }
        String t = Files.readString(trace);
        assumeProbed(t);
        Cli r = Cli.run("analyze", "--format", "json", trace.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertFalse(r.out.contains("phtml"), "no typo hint for .html: " + r.out);
        JsonNode incidents = JSON.readTree(r.out).get("incidents");
        assertEquals(1, incidents.size(), r.out);
        JsonNode v = incidents.get(0).get("verdict");
        // an undefined function is the application's bug: class code, the script named, no config culprit
        assertEquals("code", v.get("class").asText(), v.toString());
        assertTrue(v.get("culprit").isNull(), v.toString());
        assertTrue(v.get("reason").asText().contains("app500/index.php line 2"), v.toString());
        for (JsonNode inc : incidents) {
            JsonNode culprit = inc.get("verdict").get("culprit");
            assertTrue(culprit.isNull() || !culprit.get("path").asText().endsWith("index.html"), "index.html is no culprit: " + inc);
            for (JsonNode c : inc.get("verdict").get("candidates")) {
                assertFalse(c.get("path").asText().endsWith("/index.html"), "nor a candidate: " + c);
            }
        }
    }

    /** The point of the test: httpd did probe the absent index.html before index.php. */
    private static void assumeProbed(String trace) {
        assertTrue(trace.contains("app500/index.html") && trace.contains("ENOENT"), "httpd probed index.html: " + trace.length());
    }
}
