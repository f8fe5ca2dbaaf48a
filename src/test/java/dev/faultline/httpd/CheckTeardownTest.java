package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.capture.FaultlineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check's server never outlives check: killed with SIGKILL mid-run (no handler runs: the kernel's
 * PTRACE_O_EXITKILL kills the server), or stopped with SIGTERM (the handler kills the server's process group and
 * removes the private copy). The server is caught mid-request: a CGI script that sleeps holds a probe open.
 */
class CheckTeardownTest {
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final Pattern COPY = Pattern.compile("(/tmp/faultline-check-[0-9]+)/root");

    @TempDir
    Path tmp;

    @Test
    void sigkillOfCheckMidRequestLeavesNoServer() throws Exception {
        FaultlineProcess p = startHeldCheck();
        String copy = waitForServer();
        p.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        p.process.waitFor();
        FaultlineProcess.waitUntil(5, () -> CheckCorpusTest.leftoverServers().isEmpty(), "the server gone after SIGKILL of check");
        // what only a handler could do is not done: the copy stays until /tmp is cleaned (said in docs/ci.md)
        assertTrue(copy.startsWith("/tmp/faultline-check-"));
    }

    @Test
    void sigtermOfCheckStopsTheServerAndRemovesTheCopy() throws Exception {
        FaultlineProcess p = startHeldCheck();
        String copy = waitForServer();
        p.process.destroy(); // SIGTERM, as Ctrl-C or a CI timeout sends
        int exit = p.waitFor(30);
        assertTrue(exit == 143 || exit == 130 || exit == 74 || exit == 73, "exit " + exit + "; " + p.stderr());
        assertTrue(CheckCorpusTest.leftoverServers().isEmpty(), "a server survived SIGTERM of check: " + CheckCorpusTest.leftoverServers());
        FaultlineProcess.waitUntil(5, () -> !Files.exists(Path.of(copy)), "the private copy removed after SIGTERM");
        assertFalse(Files.exists(Path.of(copy)));
    }

    /**
     * check stops its server as apache2 -k stop does, with SIGTERM to the parent alone: the event MPM then stops its
     * children its own way. A SIGTERM sent to every child (the process group) made an event child that was still
     * starting its threads die of SIGSEGV now and then, and check reported that crash as the configuration's.
     * Read from the server's own recording: every SIGTERM a child got came from the server's parent.
     */
    @Test
    void aCleanCheckStopsTheEventServerThroughItsParentAlone() throws Exception {
        CheckCorpusTest.assumeLiveApache();
        Assumptions.assumeTrue(Files.isRegularFile(MODULES.resolve("mod_mpm_event.so")), "apache2's event MPM is missing");
        Path root = site("event", "mpm_event", "StartServers 2", "LoadModule dir_module " + MODULES.resolve("mod_dir.so"));
        Files.writeString(root.resolve("htdocs/index.html"), "ok\n");
        Path kept = tmp.resolve("kept");
        FaultlineProcess p = FaultlineProcess.start(tmp, List.of(), "check", "--config", root.resolve("conf/httpd.conf").toString(),
                "--keep-recording", kept.toString());
        int exit = p.waitFor(120);
        assertTrue(exit == 0, "a healthy event server passes check: exit " + exit + "; " + p.stdout() + p.stderr());
        List<String> trace = Files.readAllLines(kept.resolve("server.strace"), java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.Set<String> serverPids = new java.util.HashSet<>();
        String parent = null;
        for (String l : trace) {
            Matcher m = LEADING_PID.matcher(l);
            if (m.find()) {
                serverPids.add(m.group(1));
                parent = parent == null ? m.group(1) : parent;
            }
        }
        for (String l : trace) {
            Matcher m = SIGTERM_FROM.matcher(l);
            if (m.find() && !m.group(1).equals(parent)) {
                assertTrue(serverPids.contains(m.group(2)), "a child got SIGTERM from outside the server (check?): " + l);
            }
            assertFalse(l.contains("killed by SIGSEGV"), "a server process died of SIGSEGV: " + l);
        }
        String leader = parent;
        assertTrue(trace.stream().anyMatch(l -> SIGTERM_FROM.matcher(l).find() && l.startsWith(leader + " ")),
                "the parent was stopped with SIGTERM");
    }

    private static final Pattern LEADING_PID = Pattern.compile("^(\\d+) ");
    private static final Pattern SIGTERM_FROM = Pattern.compile("^(\\d+) .*--- SIGTERM \\{.*si_pid=(\\d+)");

    /** check on a one-page server whose CGI script sleeps 60 s: the --url probe holds the server up. */
    private FaultlineProcess startHeldCheck() throws IOException {
        CheckCorpusTest.assumeLiveApache();
        Assumptions.assumeTrue(Files.isRegularFile(MODULES.resolve("mod_cgi.so")), "apache2's mod_cgi is missing");
        assertTrue(CheckCorpusTest.leftoverServers().isEmpty(), "another check's server is running: " + CheckCorpusTest.leftoverServers());
        Path root = site("site", "mpm_prefork", "StartServers 1", "LoadModule mime_module " + MODULES.resolve("mod_mime.so"),
                "LoadModule cgi_module " + MODULES.resolve("mod_cgi.so"), "<Directory \"" + tmp.resolve("site/htdocs") + "\">",
                "    Options +ExecCGI", "    AddHandler cgi-script .cgi", "</Directory>");
        Path cgi = root.resolve("htdocs/slow.cgi");
        Files.writeString(cgi, "#!/bin/sh\nsleep 60\necho 'Content-Type: text/plain'\necho\necho late\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        return FaultlineProcess.start(tmp, List.of(), "check", "--config", root.resolve("conf/httpd.conf").toString(),
                "--url", "/slow.cgi");
    }

    /** A one-directory server under tmp/NAME with the given MPM and extra lines; its htdocs reachable by www-data. */
    private Path site(String name, String mpm, String... extra) throws IOException {
        Path root = tmp.resolve(name);
        Files.createDirectories(root.resolve("conf"));
        Files.createDirectories(root.resolve("htdocs"));
        List<String> lines = new java.util.ArrayList<>(List.of(
                "ServerRoot \"" + root + "\"",
                "ServerName 127.0.0.1",
                "Listen 80",
                "PidFile logs/httpd.pid",
                "LoadModule " + mpm + "_module " + MODULES.resolve("mod_" + mpm + ".so"),
                "LoadModule authz_core_module " + MODULES.resolve("mod_authz_core.so"),
                "User www-data",
                "Group www-data",
                "ErrorLog logs/error.log",
                "DocumentRoot \"" + root.resolve("htdocs") + "\"",
                "<Directory \"" + root.resolve("htdocs") + "\">",
                "    Require all granted",
                "</Directory>"));
        lines.addAll(List.of(extra));
        lines.add("");
        Files.writeString(root.resolve("conf/httpd.conf"), String.join("\n", lines));
        for (Path d = root.resolve("htdocs"); d.startsWith(tmp.getParent()); d = d.getParent()) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return root;
    }

    /** Waits until the throwaway server runs, and returns its private copy's directory. */
    private static String waitForServer() throws Exception {
        String[] copy = {null};
        FaultlineProcess.waitUntil(30, () -> {
            for (String s : CheckCorpusTest.leftoverServers()) {
                Matcher m = COPY.matcher(s);
                if (m.find()) {
                    copy[0] = m.group(1);
                    return true;
                }
            }
            return false;
        }, "check's server running");
        Thread.sleep(1500); // into the slow request
        return copy[0];
    }
}
