package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a trace cannot show is said, with the command that would show it. */
class TraceHintsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The classic dead end: strace -p of httpd's parent alone, while a child crashes. */
    @Test
    void aTraceOfTheParentAloneSaysHowToTraceTheChildren() throws Exception {
        LiveApache.assumeTraceable(dir);
        Path trace = dir.resolve("parent.txt");
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork")) {
            Process strace = LiveApache.strace(trace, List.of(httpd.parentPid()), "-tt");
            httpd.curl("/index.html");
            httpd.curl("/crash-late/");
            Thread.sleep(1500); // the parent reaps the crashed child in its once-a-second loop
            LiveApache.stop(strace);
        }
        Cli r = Cli.run("analyze", "--format", "json", trace.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode root = JSON.readTree(r.out);
        assertEquals(0, root.get("incidents").size(), "the parent never serves a request: " + r.out);
        String hints = root.get("hints").toString();
        assertTrue(hints.contains("only one process") && hints.contains("strace -f") && hints.contains("pgrep apache2"), hints);
        Cli text = Cli.run("analyze", trace.toString());
        assertTrue(text.out.contains("hint: only one process"), text.out);
    }

    /** strace -p of an event child without -f: its main thread only waits on its pipe while other threads serve. */
    @Test
    void aTraceOfAnEventChildsMainThreadAloneSaysToTraceEveryThread() throws Exception {
        LiveApache.assumeTraceable(dir);
        Path trace = dir.resolve("main-thread.txt");
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "event")) {
            int child = httpd.childPids().get(0);
            Process strace = LiveApache.strace(trace, List.of(child), "-tt");
            for (int i = 0; i < 4; i++) {
                assertEquals(500, httpd.curl("/typo/"));
            }
            LiveApache.stop(strace);
        }
        JsonNode root = JSON.readTree(Cli.run("analyze", "--format", "json", trace.toString()).out);
        assertEquals(0, root.get("incidents").size(), "the main thread answers no request: " + root);
        String hints = root.get("hints").toString();
        assertTrue(hints.contains("only one thread") && hints.contains("strace -f"), hints);
    }

    /** AH00052: the child died without a core; the hint gives the line that lets the next one dump. */
    @Test
    void aChildThatCouldNotDumpGetsTheCoreDumpDirectoryLine() throws Exception {
        Path f = Cli.repo().resolve("fixtures/apache/php-stack-overflow/f_tt_T_yy_s1024.txt");
        String hints = JSON.readTree(Cli.run("analyze", "--format", "json", f.toString()).out).get("hints").toString();
        assertTrue(hints.contains("AH00052") && hints.contains("CoreDumpDirectory"), hints);
        Path log = Cli.repo().resolve("fixtures/apache/php-stack-overflow/error.log");
        String fromLog = JSON.readTree(Cli.run("analyze", "--format", "json", "--error-log", log.toString()).out).get("hints").toString();
        assertTrue(fromLog.contains("CoreDumpDirectory"), fromLog);
    }

    @Test
    void errorLogWritesCutByAShortDashSAreSaid() throws Exception {
        Path f = Cli.repo().resolve("fixtures/apache/htaccess-typo/f_o.txt");
        Cli r = Cli.run("analyze", "--format", "json", f.toString());
        String hints = JSON.readTree(r.out).get("hints").toString();
        assertTrue(hints.contains("were cut at 32 bytes") && hints.contains("-s 1024"), hints);
        Cli whole = Cli.run("analyze", "--format", "json", Cli.repo().resolve("fixtures/apache/htaccess-typo/f_tt_T_yy_s1024.txt").toString());
        assertEquals(0, JSON.readTree(whole.out).get("hints").size(), "a complete trace gets no hint: " + whole.out);
    }
}
