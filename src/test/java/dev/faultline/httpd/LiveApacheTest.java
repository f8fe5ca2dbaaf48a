package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the live-capture harness itself: a real httpd whose children crash on the fixture requests. */
class LiveApacheTest {
    private static final Pattern CHILD_SEGV =
            Pattern.compile("AH0005[12]: child pid (\\d+) exit signal Segmentation fault \\(11\\)");

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() {
        Assumptions.assumeTrue(LiveApache.available(),
                "needs root, apache2, curl and native/build/mod_crashconf.so (make -C native with apxs)");
    }

    @Test
    void preforkChildCrashesWhileParsingHtaccess() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir, "prefork")) {
            assertEquals(200, httpd.curl("/"));
            if (Files.exists(Path.of("/usr/lib/apache2/modules")) && hasPhp()) {
                assertEquals(200, httpd.curl("/ok.php"));
                assertEquals("ok", httpd.get("/ok.php"));
            }
            crashesOneChild(httpd, "/crash/");
        }
    }

    @Test
    void eventWorkerCrashesInFixupsAfterHtaccess() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir, "event")) {
            assertEquals(200, httpd.curl("/"));
            crashesOneChild(httpd, "/crash-late/");
        }
    }

    private static void crashesOneChild(LiveApache httpd, String path) throws Exception {
        List<Integer> before = httpd.childPids();
        assertFalse(before.isEmpty(), "the parent has children");
        int status = httpd.curl(path);
        assertNotEquals(200, status, path + " must not succeed");
        assertTrue(status == -1 || status == 500, path + " gave " + status + ", expected a dropped connection or 500");
        assertTrue(httpd.awaitErrorLog(CHILD_SEGV.pattern(), 5000),
                "error.log reports the segfaulting child:\n" + httpd.errorLog());
        Matcher m = CHILD_SEGV.matcher(httpd.errorLog());
        assertTrue(m.find());
        int dead = Integer.parseInt(m.group(1));
        assertNotEquals(httpd.parentPid(), dead);
        assertTrue(before.contains(dead), "the crashed pid " + dead + " was a child " + before);
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(dead))), "crashed child is gone");
        assertTrue(Files.exists(Path.of("/proc", Integer.toString(httpd.parentPid()))), "the parent survives");
        assertEquals(200, httpd.curl("/"), "the server keeps serving after the crash");
    }

    private static boolean hasPhp() throws Exception {
        try (var s = Files.newDirectoryStream(Path.of("/usr/lib/apache2/modules"), "libphp*.so")) {
            return s.iterator().hasNext();
        }
    }
}
