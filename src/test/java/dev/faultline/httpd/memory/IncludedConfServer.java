package dev.faultline.httpd.memory;

import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal real httpd config in a temp dir whose main file Includes {@code conf/extra.conf} (the test's lines),
 * with mod_crashconf loaded and cores allowed: for start-up crashes ({@code apache2 -t}) and server-level culprits
 * that live-apache.sh's fixed config cannot hold. Loopback only, ports 18350-18399.
 */
final class IncludedConfServer implements AutoCloseable {
    private static final String APACHE = "/usr/sbin/apache2";
    private static final String MODULES = "/usr/lib/apache2/modules";
    private static final int PORT_MIN = 18350;
    private static final int PORT_MAX = 18399;

    final Path dir;
    final Path conf;
    final Path extra;
    final int port;

    private IncludedConfServer(Path dir, int port, String extraText) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.conf = this.dir.resolve("conf/httpd.conf");
        this.extra = this.dir.resolve("conf/extra.conf");
        this.port = port;
        for (String sub : List.of("conf", "logs", "cores", "htdocs/late", "cwd")) {
            Files.createDirectories(this.dir.resolve(sub));
        }
        Files.writeString(this.dir.resolve("htdocs/late/index.html"), "late\n");
        String d = this.dir.toString();
        Files.writeString(conf, String.join("\n",
                "# faultline httpd-memory test server: loopback only",
                "ServerRoot \"" + d + "\"",
                "ServerName 127.0.0.1",
                "Listen 127.0.0.1:" + port,
                "PidFile \"" + d + "/logs/httpd.pid\"",
                "DefaultRuntimeDir \"" + d + "/logs\"",
                "Mutex file:" + d + "/logs default",
                "ErrorLog \"" + d + "/logs/error.log\"",
                "CoreDumpDirectory \"" + d + "/cores\"",
                "LoadModule mpm_prefork_module " + MODULES + "/mod_mpm_prefork.so",
                "StartServers 1",
                "MinSpareServers 1",
                "MaxSpareServers 2",
                "LoadModule authz_core_module " + MODULES + "/mod_authz_core.so",
                "LoadModule crashconf_module " + crashconf(),
                "User www-data",
                "Group www-data",
                "DocumentRoot \"" + d + "/htdocs\"",
                "<Directory \"" + d + "/htdocs\">",
                "    Require all granted",
                "</Directory>",
                "Include conf/extra.conf",
                ""));
        Files.writeString(extra, extraText);
        for (Path p : List.of(this.dir, this.dir.resolve("htdocs"), this.dir.resolve("htdocs/late"), this.dir.resolve("htdocs/late/index.html"))) {
            p.toFile().setReadable(true, false);
            p.toFile().setExecutable(true, false);
        }
        this.dir.resolve("cores").toFile().setWritable(true, false);
        this.dir.resolve("cores").toFile().setExecutable(true, false);
    }

    static Path crashconf() {
        return Cli.repo().resolve("native/build/mod_crashconf.so");
    }

    static IncludedConfServer write(Path dir, String extraText) throws IOException {
        for (int port = PORT_MIN; port <= PORT_MAX; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return new IncludedConfServer(dir, port, extraText);
            } catch (IOException taken) {
                // next port
            }
        }
        throw new IOException("no free port in " + PORT_MIN + "-" + PORT_MAX);
    }

    /** Runs {@code apache2 ARGS -f conf -d dir} with cores allowed, cwd = dir/cwd (core_pattern "core" is relative). */
    int apache2(String... args) throws Exception {
        String cmd = "ulimit -c unlimited; exec " + APACHE + " " + String.join(" ", args) + " -f \"$0\" -d \"$1\"";
        Process p = new ProcessBuilder("bash", "-c", cmd, conf.toString(), dir.toString())
                .directory(dir.resolve("cwd").toFile())
                .redirectOutput(dir.resolve("logs/apache2.out").toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("apache2 " + String.join(" ", args) + " did not finish");
        }
        return p.exitValue();
    }

    String output() throws IOException {
        return Files.readString(dir.resolve("logs/apache2.out"), StandardCharsets.UTF_8);
    }

    int parentPid() throws Exception {
        Path pidFile = dir.resolve("logs/httpd.pid");
        FaultlineProcess.waitUntil(10, () -> Files.isRegularFile(pidFile) && !Files.readString(pidFile).isBlank(), "httpd.pid");
        return Integer.parseInt(Files.readString(pidFile).strip());
    }

    /** Stops a started server (SIGTERM to the parent) and waits until the parent is gone. */
    @Override
    public void close() throws Exception {
        Path pidFile = dir.resolve("logs/httpd.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        int pid = Integer.parseInt(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        FaultlineProcess.waitUntil(15, () -> ProcessHandle.of(pid).isEmpty(), "apache2 " + pid + " gone");
    }
}
