package dev.faultline.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Installs the built target/faultline_*.deb into a scratch root with the real dpkg (--root, maintainer scripts run
 * outside a chroot with DPKG_ROOT set) and runs what it installed: the launcher, the man pages through man(1), the
 * bash completion in a real bash, and the watch unit's script against a real traced process. Runs in mvn verify's
 * integration-test phase, after jdeb built the package (the pom's execution deb-install).
 */
class DebPackageTest {
    private static final Path REPO = Cli.repo();

    @TempDir
    static Path scratch;

    static Path root;

    @BeforeAll
    static void install() throws Exception {
        assumeTrue(Boolean.getBoolean("faultline.debInstallPhase"),
                "runs in mvn verify after the .deb is built (the pom's execution deb-install), not before package");
        Optional<Path> deb = newestDeb();
        assumeTrue(deb.isPresent(), "no target/faultline_*.deb: build it with mvn package (without -DskipDeb)");
        assumeTrue(onPath("dpkg"), "dpkg is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg --root needs root (file owners)");
        root = scratch.resolve("root");
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        // --force-depends: the scratch root's dpkg database has no Java package; the host's Java is used
        Result r = run(Map.of(), "dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends",
                "--log=/dev/null", "-i", deb.get().toString());
        assertEquals(0, r.exit, "dpkg -i failed:\n" + r.out + r.err);
    }

    static Optional<Path> newestDeb() throws IOException {
        try (Stream<Path> files = Files.list(REPO.resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("faultline_.*_all\\.deb"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** faultline and each subcommand, from the same picocli model the man pages are generated from. */
    static List<String> manPageNames() {
        List<String> names = new ArrayList<>(List.of("faultline"));
        new CommandLine(new Main()).getSubcommands().keySet().forEach(s -> names.add("faultline-" + s));
        return names;
    }

    @Test
    void installsTheLayoutOfTheIssue() {
        assertTrue(Files.isExecutable(root.resolve("usr/bin/faultline")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/faultline/faultline.jar")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/bash-completion/completions/faultline")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/zsh/vendor-completions/_faultline")));
        assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/faultline-watch@.service")));
        assertTrue(Files.isExecutable(root.resolve("usr/share/faultline/watch")));
        for (String page : manPageNames()) {
            assertTrue(Files.isRegularFile(root.resolve("usr/share/man/man1/" + page + ".1.gz")), page + "(1) is missing");
        }
    }

    @Test
    void launcherRunsTheInstalledJarWithTheArchivePostinstMade() throws Exception {
        Result version = run(Map.of(), launcher(), "--version");
        assertEquals(0, version.exit, version.err);
        assertTrue(version.out.startsWith("faultline "), version.out);
        assertEquals("", version.err);

        try (Stream<Path> archives = Files.list(root.resolve("var/cache/faultline"))) {
            assertEquals(1, archives.filter(p -> p.toString().endsWith(".jsa")).count(), "postinst made no AppCDS archive");
        }
        // the application's classes come from the archive (HotSpot names its source "shared objects file (top)")
        Result loaded = run(Map.of("FAULTLINE_JAVA_OPTS", "-Xlog:class+load"), launcher(), "--version");
        assertTrue(loaded.out.lines().anyMatch(l -> l.contains("dev.faultline.cli.Main source: shared objects file (top)")),
                "Main was not loaded from the AppCDS archive");
    }

    @Test
    void aRuntimeWithoutASystemArchiveGetsOneInTheUsersCache() throws Exception {
        // the installed files without /var/cache/faultline: as for a runtime postinst never saw
        Path usr = Files.createDirectories(scratch.resolve("nocache/usr"));
        Files.createDirectories(usr.resolve("bin"));
        Files.copy(root.resolve("usr/bin/faultline"), usr.resolve("bin/faultline"));
        Files.createDirectories(usr.resolve("share"));
        Files.createSymbolicLink(usr.resolve("share/faultline"), root.resolve("usr/share/faultline"));
        Path cache = scratch.resolve("cache-home");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        String launcher = usr.resolve("bin/faultline").toString();

        assertEquals(0, run(env, launcher, "--version").exit);
        Path archive = null;
        for (int i = 0; i < 600 && archive == null; i++) { // made in the background, by a demo run
            Thread.sleep(100);
            try (Stream<Path> files = Files.exists(cache.resolve("faultline")) ? Files.list(cache.resolve("faultline")) : Stream.empty()) {
                archive = files.filter(p -> p.getFileName().toString().matches("faultline-.*\\.jsa")).findFirst().orElse(null);
            }
        }
        assertTrue(archive != null, "no per-user archive in " + cache);
        Map<String, String> logging = Map.of("XDG_CACHE_HOME", cache.toString(), "FAULTLINE_JAVA_OPTS", "-Xlog:class+load");
        assertTrue(run(logging, launcher, "--version").out.lines()
                .anyMatch(l -> l.contains("dev.faultline.cli.Main source: shared objects file (top)")),
                "the per-user archive is not used");
        assertFalse(Files.exists(scratch.resolve("nocache/var")), "something was written beside the installed files");
    }

    @Test
    void installedDemoAndAnalyzeWork() throws Exception {
        Result demo = run(Map.of(), launcher(), "demo");
        assertEquals(0, demo.exit, demo.out + demo.err);
        assertTrue(demo.out.contains("SIGSEGV"), demo.out);

        Path trace = root.resolve("usr/share/faultline/fixtures/config-open/f_tt_T.txt");
        Result json = run(Map.of(), launcher(), "analyze", "--format", "json", trace.toString());
        JsonNode report = new ObjectMapper().readTree(json.out);
        assertTrue(report.path("incidents").size() > 0, json.out);
    }

    @Test
    void launcherSaysWhatToInstallWithoutJava17() throws Exception {
        Path jvms = Files.createDirectories(scratch.resolve("jvm"));
        // a Java 11 home: its release file is all the launcher reads
        Path old = Files.createDirectories(jvms.resolve("java-11-openjdk-amd64/bin"));
        Files.writeString(old.getParent().resolve("release"), "JAVA_VERSION=\"11.0.22\"\n");
        Path oldJava = old.resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\nexit 0\n");
        oldJava.toFile().setExecutable(true);
        Result r = run(Map.of("FAULTLINE_JVM_DIR", jvms.toString(), "PATH", toolsWithoutJava().toString(),
                "JAVA_HOME", ""), launcher(), "--version");
        assertEquals(127, r.exit, r.err);
        assertTrue(r.err.contains("apt-get install openjdk-17-jre-headless"), r.err);
        assertTrue(r.err.contains("too old: " + jvms.resolve("java-11-openjdk-amd64") + " (Java 11)"), r.err);
    }

    @Test
    void launcherWithoutItsJarExits126() throws Exception {
        Path bin = Files.createDirectories(scratch.resolve("broken/usr/bin"));
        Files.copy(root.resolve("usr/bin/faultline"), bin.resolve("faultline"));
        Result r = run(Map.of(), bin.resolve("faultline").toString(), "--version");
        assertEquals(126, r.exit, r.err);
        assertTrue(r.err.contains("reinstall"), r.err);
    }

    @Test
    void manPagesRender() throws Exception {
        assumeTrue(onPath("man"), "man (man-db) is not installed");
        for (String page : manPageNames()) {
            Result r = run(Map.of("MANWIDTH", "100", "MANPAGER", "cat", "LANG", "C.UTF-8"), "man", "-l",
                    root.resolve("usr/share/man/man1/" + page + ".1.gz").toString());
            assertEquals(0, r.exit, r.err);
            assertTrue(r.out.contains("NAME") && r.out.contains("SYNOPSIS"), r.out);
            assertTrue(r.out.contains(page.replace("faultline-", "faultline ")), page + ":\n" + r.out);
        }
    }

    @Test
    void bashCompletesSubcommandsAndOptions() throws Exception {
        assumeTrue(onPath("bash"), "bash is not installed");
        String script = root.resolve("usr/share/bash-completion/completions/faultline").toString();
        Result spec = run(Map.of(), "bash", "-c", "source '" + script + "'; complete -p faultline");
        assertTrue(spec.out.contains("-F _complete_faultline"), spec.out + spec.err);

        assertEquals(List.of("analyze", "attach"), complete(script, "faultline a"));
        assertEquals(List.of("--pidfile"), complete(script, "faultline attach --pidf"));
    }

    /** What bash offers at the end of LINE: COMP_WORDS/COMP_CWORD as readline would set them, then the function. */
    private static List<String> complete(String script, String line) throws Exception {
        String program = "source '" + script + "'\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
                + "read -r -a COMP_WORDS <<< \"$COMP_LINE\"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "_complete_faultline faultline \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\" | sort\n";
        Result r = run(Map.of(), "bash", "-c", program);
        assertEquals(0, r.exit, r.err);
        return r.out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The installed watch script on a pidfile, its stdout and stderr read line by line into a queue. */
    private static final class Watch implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader;

        Watch(Path pidfile, Map<String, String> env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(root.resolve("usr/share/faultline/watch").toString(), pidfile.toString())
                    .redirectErrorStream(true);
            pb.environment().putAll(env);
            pb.environment().put("HOME", scratch.resolve("home").toString());
            process = pb.start();
            process.getOutputStream().close();
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = in.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            });
            reader.start();
        }

        Optional<String> next(java.util.function.Predicate<String> match, int seconds) throws InterruptedException {
            return waitFor(lines, match, seconds);
        }

        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM: the watch stops its attach and exits
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the watch did not stop on SIGTERM");
            reader.join(5000);
        }
    }

    /** A stand-in server: a real process, its pid in a pidfile as httpd writes it. */
    private static Process server(Path pidfile) throws IOException {
        Process server = new ProcessBuilder("sleep", "300").start();
        Files.writeString(pidfile, server.pid() + "\n");
        return server;
    }

    @Test
    void watchWritesOneJsonLinePerVerdict() throws Exception {
        Path pidfile = scratch.resolve("verdict.pid");
        Process server = server(pidfile);
        try (Watch watch = new Watch(pidfile, Map.of())) {
            assertTrue(watch.next(l -> l.contains("attached to " + server.pid()), 60).isPresent(),
                    "the watch never attached: " + watch.lines);
            // a real fatal signal, delivered while faultline holds the process
            run(Map.of(), "kill", "-SEGV", Long.toString(server.pid()));
            Optional<String> json = watch.next(l -> l.startsWith("{"), 90);
            assertTrue(json.isPresent(), "no JSON line: " + watch.lines);
            JsonNode report = new ObjectMapper().readTree(json.get());
            assertTrue(report.path("incidents").size() > 0, json.get());
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void watchHandsTheServerOverOnSigusr1AndTakesItBack() throws Exception {
        assumeTrue(onPath("strace"), "strace is not installed");
        Path pidfile = scratch.resolve("handover.pid");
        Process server = server(pidfile);
        Path straceLog = scratch.resolve("handover-strace.txt");
        try (Watch watch = new Watch(pidfile, Map.of("FAULTLINE_WATCH_POLL", "0.2"))) {
            String attached = "attached to " + server.pid();
            assertTrue(watch.next(l -> l.contains(attached), 60).isPresent(), "the watch never attached: " + watch.lines);
            assertTrue(tracerOf(server.pid()) != 0, "the watch's attach does not hold the process");
            run(Map.of(), "kill", "-USR1", Long.toString(watch.process.pid()));
            assertTrue(watch.next(l -> l.contains("for another tracer"), 30).isPresent(), "no hand-over: " + watch.lines);
            // strace now gets the process; the watch waits while strace holds it, and attaches again once it is gone
            Process strace = new ProcessBuilder("strace", "-p", Long.toString(server.pid()), "-o", straceLog.toString())
                    .redirectErrorStream(true).start();
            try {
                assertTrue(waitUntilTraced(server.pid(), strace.pid(), 20), "strace could not attach after the hand-over");
                assertFalse(watch.next(l -> l.contains(attached), 2).isPresent(), "the watch attached while strace held it");
            } finally {
                strace.destroy(); // strace detaches on SIGTERM
                strace.waitFor(10, TimeUnit.SECONDS);
            }
            assertTrue(watch.next(l -> l.contains(attached), 60).isPresent(), "the watch did not take it back: " + watch.lines);
        } finally {
            server.destroyForcibly();
        }
    }

    /** The pid tracing PID (0: none), from /proc/PID/status. */
    private static long tracerOf(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("TracerPid:")) {
                return Long.parseLong(l.substring(10).strip());
            }
        }
        return 0;
    }

    /** Whether TRACER traces PID within SECONDS. */
    private static boolean waitUntilTraced(long pid, long tracer, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (tracerOf(pid) == tracer) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static Optional<String> waitFor(BlockingQueue<String> lines, java.util.function.Predicate<String> match,
            int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            String l = lines.poll(left, TimeUnit.NANOSECONDS);
            if (l != null && match.test(l)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    private static String launcher() {
        return root.resolve("usr/bin/faultline").toString();
    }

    /** A PATH directory with the tools the launcher uses, and no java. */
    private static Path toolsWithoutJava() throws IOException {
        Path bin = scratch.resolve("tools");
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            for (String tool : List.of("bash", "readlink", "sed", "tr", "mkdir", "rm", "mv", "chmod", "nice")) {
                Path real = Path.of("/usr/bin", tool);
                Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
            }
        }
        return bin;
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    record Result(int exit, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v.isEmpty()) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        // the per-user AppCDS fallback is not what these tests look at; keep it out of the user's ~/.cache
        pb.environment().put("HOME", scratch.resolve("home").toString());
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
