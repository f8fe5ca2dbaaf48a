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
        return launch(List.of(), List.of(), System.getProperty("java.class.path"), workDir, workDir, env, args);
    }

    /** The same with extra JVM options for the faultline JVM (e.g. its own {@code -Djava.io.tmpdir}). */
    public static FaultlineProcess startWithJvmOptions(Path workDir, List<String> jvmOptions, String... args) throws IOException {
        return launch(List.of(), jvmOptions, System.getProperty("java.class.path"), workDir, workDir, List.of(), args);
    }

    /** The uid/gid of {@code nobody} on Debian. */
    public static final int NOBODY = 65534;
    private static Path sharedClassPath;

    /**
     * The real CLI as user nobody (setpriv, no capabilities, no supplementary groups), for the permission cases a
     * root CI run cannot otherwise provoke. nobody cannot read root's ~/.m2 or JUnit's 0700 temp directories, so
     * the class path is copied once into a world-readable directory, which is also nobody's cwd and JNA's tmpdir.
     */
    public static FaultlineProcess startAsNobody(Path outputDir, String... args) throws IOException {
        Path shared = sharedClassPath();
        return launch(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--inh-caps=-all", "--"),
                List.of("-Djna.tmpdir=" + shared.resolve("jna"), "-Duser.home=" + shared),
                Files.readString(shared.resolve("classpath")), shared, outputDir, List.of(), args);
    }

    /** {@code prefix java [flags] jvmProps -cp classPath Main args} in {@code cwd}; stdout/stderr to files in outputDir. */
    private static FaultlineProcess launch(List<String> prefix, List<String> jvmProps, String classPath, Path cwd,
            Path outputDir, List<String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmProps);
        cmd.addAll(List.of("-cp", classPath, "dev.faultline.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(outputDir, "faultline-", ".out");
        Path err = Files.createTempFile(outputDir, "faultline-", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return new FaultlineProcess(pb.start(), out, err);
    }

    private static synchronized Path sharedClassPath() throws IOException {
        if (sharedClassPath != null) {
            return sharedClassPath;
        }
        Path dir = Files.createTempDirectory("faultline-nobody-");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = dir.resolve("cp" + i++ + (Files.isDirectory(src) ? "" : ".jar"));
            copyTree(src, dst, f -> true);
            entries.add(dst.toString());
        }
        Files.createDirectories(dir.resolve("jna"));
        Files.writeString(dir.resolve("classpath"), String.join(java.io.File.pathSeparator, entries));
        try (var walk = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(
                        f.equals(dir.resolve("jna")) ? "rwxrwxrwx" : Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp directory is harmless
            }
        }));
        sharedClassPath = dir;
        return dir;
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
        copyTree(src, dst, f -> !f.getFileName().toString().equals("expected.properties"));
        Files.createDirectories(dst.resolve("logs"));
        return dst;
    }

    /** Copies a file, or a directory with everything below it, leaving out the files {@code keep} rejects. */
    private static void copyTree(Path src, Path dst, java.util.function.Predicate<Path> keep) throws IOException {
        try (var walk = Files.walk(src)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                Path t = dst.resolve(src.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else if (keep.test(f)) {
                    Files.copy(f, t);
                }
            }
        }
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
