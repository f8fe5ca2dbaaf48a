package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
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

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aServerInItsOwnMountNamespaceIsReadThroughProcPidRoot(boolean ownPids) throws Exception {
        CheckCorpusTest.assumeLiveApache();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare is not installed (util-linux)");
        Path dir = Files.createDirectories(tmp.resolve("srv"));
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // setsid: a prefork parent that stops signals its whole process group, which would otherwise be the test JVM's
        // ownPids: a pid namespace too (unshare forks; apache2 is pid 1 inside and writes that pid in its error log)
        List<String> cmd = new java.util.ArrayList<>(List.of("setsid", "unshare", "-m", "--propagation", "private"));
        if (ownPids) {
            cmd.addAll(List.of("-p", "-f", "--mount-proc"));
        }
        cmd.addAll(List.of(Cli.repo().resolve("native/apache/in-mount-namespace.sh").toString(), dir.toString(), Integer.toString(port)));
        Process ns = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.out").toFile()).start();
        long[] server = {ns.pid()};
        try {
            int p = port;
            FaultlineProcess.waitUntil(20, () -> status(p, "/") == 200, "the namespaced server answers");
            try (var listing = Files.list(dir)) {
                assertEquals(0, listing.count(), "from the host the server's directory is empty");
            }
            server[0] = ownPids ? onlyChild(ns.pid()) : ns.pid();
            FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "attach", Long.toString(server[0]), "--duration", "20",
                    "--format", "json", "-o", tmp.resolve("report.json").toString());
            FaultlineProcess.waitUntil(20, () -> fl.stderr().contains("attached to"), "attached");
            assertEquals(500, status(port, "/app/"));
            int exit = fl.waitFor(40);
            String report = Files.readString(tmp.resolve("report.json"));
            assertEquals(dev.faultline.cli.ExitCodes.CULPRIT_NAMED, exit, fl.stderr() + report);
            assertTrue(report.contains("/htdocs/app/.htaccess") && java.util.regex.Pattern.compile("\"line\"\\s*:\\s*3\\b").matcher(report).find(), report);
            assertTrue(fl.stderr().contains("its own mount namespace") && fl.stderr().contains("/proc/" + server[0] + "/root"),
                    fl.stderr());
            assertEquals(ownPids, fl.stderr().contains("is pid 1 in its own pid namespace"), fl.stderr());
        } finally {
            // SIGTERM to apache2 (unshare -f does not pass it on): the server stops, and its namespaces with it
            ProcessHandle.of(server[0]).ifPresent(ProcessHandle::destroy);
            ns.destroy();
            ns.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            ns.destroyForcibly();
        }
        FaultlineProcess.waitUntil(10, () -> ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine()
                .map(c -> c.contains(dir.toString())).orElse(false)), "no server of this test left running");
    }

    /** unshare -f's one child: the server, pid 1 in its namespace. */
    private static long onlyChild(long pid) throws Exception {
        dev.faultline.capture.proc.ProcFs proc = dev.faultline.capture.proc.ProcFs.system();
        FaultlineProcess.waitUntil(10, () -> !proc.children((int) pid).isEmpty(), "unshare's child");
        return proc.children((int) pid).get(0);
    }

    private static int status(int port, String path) {
        return dev.faultline.httpd.check.HttpProbe.get(port, "127.0.0.1", path, 5000).status();
    }
}
