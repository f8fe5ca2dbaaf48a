package dev.faultline.httpd;

import dev.faultline.capture.FaultlineProcess;

import dev.faultline.Cli;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Apache httpd for tests, on 127.0.0.1 only: a thin wrapper around {@code native/apache/live-apache.sh}
 * (see there for the config and the crash fixtures {@code /crash/} and {@code /crash-late/}). Not a test itself.
 *
 * <pre>{@code
 * Assumptions.assumeTrue(LiveApache.available(), "needs root, apache2, curl and native/build/mod_crashconf.so");
 * try (LiveApache httpd = LiveApache.start(tempDir, "prefork")) { ... }
 * }</pre>
 */
public final class LiveApache implements AutoCloseable {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final int PORT_MIN = 18200;
    private static final int PORT_MAX = 18299;

    private final Path dir;
    private final int port;
    private final int parentPid;

    private LiveApache(Path dir, int port, int parentPid) {
        this.dir = dir;
        this.port = port;
        this.parentPid = parentPid;
    }

    /** True when a live server can be started here: root, apache2, curl and the built mod_crashconf. */
    public static boolean available() {
        return isRoot() && Files.isExecutable(APACHE) && Files.isRegularFile(crashconf()) && onPath("curl");
    }

    /**
     * For tests that trace a live server: skips unless it can run here and ptrace is allowed, and opens the
     * JUnit temp dir (mode 0700) so the www-data children reach htdocs below it.
     */
    public static void assumeTraceable(Path tempDir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(available() && dev.faultline.capture.FaultlineProcess.ptraceAllowed(),
                "needs root, apache2, curl and native/build/mod_crashconf.so (make -C native with apxs)");
        Files.setPosixFilePermissions(tempDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Starts a server in {@code dir} (created if needed) with MPM "prefork" or "event", on a free port. */
    public static LiveApache start(Path dir, String mpm) throws IOException, InterruptedException {
        return start(dir, mpm, false);
    }

    /** The same; with {@code cores}, crashed children dump core into {@code dir/cores} (LIVE_APACHE_CORES=1). */
    public static LiveApache start(Path dir, String mpm, boolean cores) throws IOException, InterruptedException {
        return start(dir, mpm, cores, PORT_MIN, PORT_MAX);
    }

    /** The same, on a free port in {@code portMin..portMax} (test classes that may run beside others get their own range). */
    public static LiveApache start(Path dir, String mpm, boolean cores, int portMin, int portMax)
            throws IOException, InterruptedException {
        return start(dir, mpm, cores ? Map.of("LIVE_APACHE_CORES", "1") : Map.of(), portMin, portMax);
    }

    /**
     * Starts the real strace on {@code pids} ({@code -p} each) with {@code flags}, writing {@code out}, and returns once
     * every pid shows it as its tracer. Skips the test when strace is not installed.
     */
    public static Process strace(Path out, List<Integer> pids, String... flags) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        List<String> cmd = new java.util.ArrayList<>(List.of("strace"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-o", out.toString()));
        for (int p : pids) {
            cmd.addAll(List.of("-p", Integer.toString(p)));
        }
        Process strace = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        dev.faultline.capture.FaultlineProcess.waitUntil(10,
                () -> pids.stream().allMatch(p -> dev.faultline.capture.FaultlineProcess.tracerPid(p) > 0), "strace attached");
        return strace;
    }

    /** Stops a strace started by {@link #strace}: it detaches and finishes its output. */
    public static void stop(Process strace) throws InterruptedException {
        strace.destroy();
        org.junit.jupiter.api.Assertions.assertTrue(strace.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "strace stopped");
    }

    /** True when php-fpm is installed (the FastCGI tests need it). */
    public static boolean fpmAvailable() {
        try (var s = Files.list(Path.of("/usr/sbin"))) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("php-fpm"));
        } catch (IOException e) {
            return false;
        }
    }

    /** An event server with a php-fpm pool behind htdocs/fpm/ (LIVE_APACHE_FPM=1 in live-apache.sh). */
    public static LiveApache startWithFpm(Path dir, int portMin, int portMax) throws IOException, InterruptedException {
        return start(dir, "event", Map.of("LIVE_APACHE_FPM", "1"), portMin, portMax);
    }

    private static LiveApache start(Path dir, String mpm, Map<String, String> env, int portMin, int portMax)
            throws IOException, InterruptedException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs);
        int range = portMax - portMin + 1;
        int first = ThreadLocalRandom.current().nextInt(range);
        String lastError = "no free port in " + portMin + "-" + portMax;
        int attempts = 0;
        for (int i = 0; i < range && attempts < 5; i++) {
            int port = portMin + (first + i) % range;
            if (!portFree(port)) {
                continue;
            }
            attempts++; // another process may take the port between the probe and apache2's bind
            Result r = script(env, "start", abs.toString(), Integer.toString(port), mpm);
            if (r.exit == 0) {
                return new LiveApache(abs, port, Integer.parseInt(r.out.strip()));
            }
            lastError = r.err.strip();
            if (!lastError.contains("in use")) {
                break;
            }
        }
        throw new IOException("live-apache.sh start failed: " + lastError);
    }

    /** The first file named core* in {@code dir} once its size settles (the kernel may still be writing it). */
    public static Path awaitCore(Path dir) throws Exception {
        Path[] found = new Path[1];
        FaultlineProcess.waitUntil(20, () -> {
            try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
                found[0] = s.filter(p -> p.getFileName().toString().startsWith("core")).findFirst().orElse(null);
            }
            if (found[0] == null) {
                return false;
            }
            long a = java.nio.file.Files.size(found[0]);
            Thread.sleep(200);
            return a > 0 && a == java.nio.file.Files.size(found[0]);
        }, "a core in " + dir);
        return found[0];
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public int parentPid() {
        return parentPid;
    }

    /** The parent and its current children: every process a tracer of this server attaches to. */
    public List<Integer> serverPids() {
        List<Integer> pids = new ArrayList<>();
        pids.add(parentPid);
        pids.addAll(childPids());
        return pids;
    }

    /** The parent's current children (every thread's {@code /proc/<pid>/task/<tid>/children}), sorted. */
    public List<Integer> childPids() {
        try {
            return dev.faultline.capture.proc.ProcFs.system().children(parentPid);
        } catch (IOException parentGone) {
            return List.of();
        }
    }

    /** GET {@code path} with the curl binary ({@code --max-time 5}); the HTTP status, or -1 when none (000). */
    public int curl(String path) throws IOException, InterruptedException {
        return fetch(path).status;
    }

    /** GET {@code path}; the response body ("" when the connection dropped). */
    public String get(String path) throws IOException, InterruptedException {
        return fetch(path).body;
    }

    public String errorLog() {
        try {
            return Files.readString(dir.resolve("logs/error.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until the error log matches {@code regex} (find). The parent notices a dead child in its
     * once-a-second maintenance loop, so its AH00051/AH00052 line comes up to about a second after the crash.
     */
    public boolean awaitErrorLog(String regex, long timeoutMillis) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (p.matcher(errorLog()).find()) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 15 s) and waits until every process is gone. */
    @Override
    public void close() {
        try {
            Result r = script("stop", dir.toString());
            if (r.exit != 0) {
                throw new IllegalStateException("live-apache.sh stop failed: " + r.err.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping apache2", e);
        }
    }

    // ------------------------------------------------------------------------------------------------

    private Response fetch(String path) throws IOException, InterruptedException {
        // The status goes after a marker at the end of stdout, so one call gives both body and status.
        String marker = "\n@@faultline-status@@";
        Process p = new ProcessBuilder("curl", "-s", "--noproxy", "*", "--max-time", "5",
                "-w", marker + "%{http_code}", "http://127.0.0.1:" + port + path)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish: " + path);
        }
        int at = out.lastIndexOf(marker);
        if (at < 0) {
            throw new IOException("unexpected curl output for " + path + ": " + out);
        }
        int status = Integer.parseInt(out.substring(at + marker.length()).strip());
        return new Response(status == 0 ? -1 : status, out.substring(0, at));
    }

    private record Response(int status, String body) {
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result script(String... args) throws IOException, InterruptedException {
        return script(Map.of(), args);
    }

    private static Result script(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(Cli.repo().resolve("native/apache/live-apache.sh").toString());
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("live-apache", ".err");
        try {
            // stderr to a file: no second reader thread, and no pipe the daemon could hold open
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(40, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("live-apache.sh " + String.join(" ", args) + " did not finish in 40 s");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static Path crashconf() {
        return Cli.repo().resolve("native/build/mod_crashconf.so");
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
