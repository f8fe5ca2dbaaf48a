package dev.faultline.httpd.memory;

import dev.faultline.Cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.capture.FaultlineProcess;
import dev.faultline.httpd.LiveApache;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * faultline attach on a real prefork httpd whose child crashes in a .htaccess: at the signal stop the capture
 * reads the running directive from the child's memory, and both report formats show it.
 */
class AttachDirectiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The tracer holds the crashed thread while it reads; this is the budget the note's figure must stay in. */
    private static final double MAX_READ_MS = 250;

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
    }

    @Test
    void theReportNamesTheDirectiveBeingRunFromTheCrashedChildsMemory() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", false,
                HtaccessCoreTest.PORT_MIN, HtaccessCoreTest.PORT_MAX)) {
            String htaccess = httpd.dir().resolve("htdocs/crash/.htaccess").toString();

            JsonNode incident = JSON.readTree(crashWhileAttached(httpd, "json")).get("incidents").get(0);
            JsonNode capture = incident.get("capture");
            JsonNode top = incident.get("verdict").get("candidates").get(0);
            assertEquals(htaccess, top.get("path").asText(), incident.get("verdict").toString());
            assertTrue(top.get("evidence").toString().contains("directive-being-run"), top.toString());
            assertEquals(3, incident.get("verdict").get("culprit").get("line").asInt(), "httpd's memory gives the line");
            JsonNode d = capture.get("config_directive");
            assertEquals("CrashConfParse", d.get("name").asText(), capture.toString());
            assertEquals("statc", d.get("args").asText());
            assertEquals(htaccess, d.get("file").asText());
            assertEquals(3, d.get("line").asInt());
            assertEquals("mod_crashconf.c", d.get("module").asText());
            assertEquals("mod_crashconf.c", capture.get("crash_module").asText());
            assertTrue(readMillis(capture.get("notes").toString()) < MAX_READ_MS, capture.get("notes").toString());

            String text = crashWhileAttached(httpd, "text");
            System.out.println(text); // the report as the on-call engineer reads it, with the measured read time
            String answer = text.lines().findFirst().orElse("");
            assertTrue(answer.matches("CRASH SIG\\w+ in .* ← .*\\.htaccess:3 .*\\[config, \\d+ %\\].*"), "the answer on line 1: " + text);
            assertTrue(text.contains("CrashConfParse statc"), text);
        }
    }

    /** Event MPM: a worker thread, not the one that accepted, crashes; its stack is a thread stack, not [stack]. */
    @Test
    void anEventWorkerThreadsDirectiveIsReadFromItsOwnStack() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "event", false,
                HtaccessCoreTest.PORT_MIN, HtaccessCoreTest.PORT_MAX)) {
            JsonNode inc = JSON.readTree(crashWhileAttached(httpd, "json")).get("incidents").get(0);
            JsonNode capture = inc.get("capture");
            assertTrue(capture.get("threads").size() > 1, "a threaded child: " + capture.get("threads"));
            JsonNode d = capture.get("config_directive");
            assertEquals(httpd.dir().resolve("htdocs/crash/.htaccess") + ":3",
                    d.get("file").asText() + ":" + d.get("line").asInt(), capture.toString());
            assertEquals("CrashConfParse", d.get("name").asText());
        }
    }

    /**
     * A graceful reload whose new line crashes the parent while it runs the directives: the classic silent
     * case (the error log ends at AH00171, the trace shows every file read before the crash). httpd's memory
     * names the line.
     */
    @Test
    void aParentCrashDuringAGracefulReloadNamesTheNewLine() throws Exception {
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", false,
                HtaccessCoreTest.PORT_MIN, HtaccessCoreTest.PORT_MAX)) {
            Path conf = httpd.dir().resolve("conf/httpd.conf");
            int line = java.nio.file.Files.readAllLines(conf).size() + 1;
            java.nio.file.Files.writeString(conf, "CrashConfParse statc\n", java.nio.file.StandardOpenOption.APPEND);
            FaultlineProcess fl = FaultlineProcess.start(httpd.dir().getParent(), List.of(), "attach", "--format", "json",
                    "--max-crashes", "1", Integer.toString(httpd.parentPid()));
            FaultlineProcess.waitUntil(20, () -> FaultlineProcess.tracerPid(httpd.parentPid()) > 0, "httpd traced");
            FaultlineProcess.signal("USR1", httpd.parentPid()); // apache2ctl graceful
            assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
            JsonNode incident = JSON.readTree(fl.stdout()).get("incidents").get(0);
            assertEquals(httpd.parentPid(), incident.get("pid").asInt(), "the parent crashed");
            JsonNode d = incident.get("capture").get("config_directive");
            assertEquals(conf + ":" + line, d.get("file").asText() + ":" + d.get("line").asInt(), incident.get("capture").toString());
            JsonNode culprit = incident.get("verdict").get("culprit");
            assertEquals(conf.toString(), culprit.get("path").asText(), incident.get("verdict").toString());
            assertEquals(line, culprit.get("line").asInt());
        }
    }

    private static String crashWhileAttached(LiveApache httpd, String format) throws Exception {
        FaultlineProcess.waitUntil(20, () -> httpd.curl("/") == 200, "a child serves");
        FaultlineProcess fl = FaultlineProcess.start(httpd.dir().getParent(), List.of(), "attach", "--format", format,
                "--max-crashes", "1", Integer.toString(httpd.parentPid()));
        FaultlineProcess.waitUntil(20, () -> !httpd.childPids().isEmpty()
                && httpd.childPids().stream().allMatch(p -> FaultlineProcess.tracerPid(p) > 0)
                && FaultlineProcess.tracerPid(httpd.parentPid()) > 0, "httpd traced");
        httpd.curl("/crash/"); // crash/.htaccess line 3: CrashConfParse statc
        assertTrue(Cli.analyzed(fl.waitFor(30)), fl.stderr());
        return fl.stdout();
    }

    private static double readMillis(String notes) {
        Matcher m = Pattern.compile("httpd memory read in ([0-9.]+) ms").matcher(notes);
        assertTrue(m.find(), notes);
        return Double.parseDouble(m.group(1));
    }
}
