package dev.faultline.capture;

import dev.faultline.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real CLI in a JVM of its own, for live tracing: a tracer must not share the JVM whose ProcessBuilder reaper
 * owns the fixture processes, and Ctrl-C/SIGTERM tests need a process to signal.
 */
public final class FaultlineProcess {
    public final Process process;
    final Path out;
    final Path err;

    private FaultlineProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    public static FaultlineProcess start(Path workDir, List<String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.faultline.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "faultline-", ".out");
        Path err = Files.createTempFile(workDir, "faultline-", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return new FaultlineProcess(pb.start(), out, err);
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("faultline did not finish within " + seconds + " s; stderr: " + stderr());
        }
        return process.exitValue();
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static Path nativeBin(String name) {
        return Cli.repo().resolve("native/build").resolve(name);
    }

    /** A fresh copy of native/cases/CASE (without expected.properties) with an empty logs/ directory. */
    static Path caseTree(Path parent, String name) throws IOException {
        Path src = Cli.repo().resolve("native/cases").resolve(name);
        Path dst = parent.resolve(name);
        try (var walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals("expected.properties")) {
                    Files.copy(p, t);
                }
            }
        }
        Files.createDirectories(dst.resolve("logs"));
        return dst;
    }

    /** TracerPid from /proc/PID/status, or -1 if the process is gone. */
    public static int tracerPid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("TracerPid:")) {
                    return Integer.parseInt(line.substring(10).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The state letter from /proc/PID/stat (R, S, T, t, Z...), or '?' if gone. */
    public static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    /** A condition polled by {@link #waitUntil}. */
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code c} every 20 ms for up to {@code seconds}; fails naming {@code what}. */
    public static void waitUntil(int seconds, Condition c, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (c.holds()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting until " + what);
    }

    /** kill -SIG PID, through the kill binary. */
    public static void signal(String sig, long pid) throws Exception {
        if (new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor() != 0) {
            throw new AssertionError("kill -" + sig + " " + pid + " failed");
        }
    }

    /** ptrace works here: root, or Yama off. */
    public static boolean ptraceAllowed() {
        Path scope = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        try {
            return !Files.exists(scope) || Files.readString(scope).trim().equals("0")
                    || "root".equals(System.getProperty("user.name"));
        } catch (IOException e) {
            return false;
        }
    }
}
