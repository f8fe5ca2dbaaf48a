package dev.faultline.core;

import dev.faultline.Cli;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real cores of native/crashers/crashme, made by native/make-core.sh (kernel core via core_pattern, or gdb's
 * gcore when the pattern is a pipe), once per mode and run label, in one directory per test JVM.
 */
final class CrashCores {
    /** One crash: the core and what crashme said about itself just before crashing. */
    record Crash(String mode, Path core, int pid, int tid, Long addr, String func, String how) {
    }

    private static final Pattern LINE = Pattern.compile(
            "crashme: mode=(\\S+) pid=(\\d+) tid=(\\d+) addr=(\\S+) func=(\\S+)");
    private static final Map<String, Crash> MADE = new HashMap<>();
    private static Path root;

    private CrashCores() {
    }

    static synchronized Crash get(String mode) throws IOException, InterruptedException {
        return get(mode, "a");
    }

    /** The core of {@code mode}; a different {@code run} label makes a second, independent crash (another ASLR layout). */
    static synchronized Crash get(String mode, String run) throws IOException, InterruptedException {
        return get(mode, run, "auto");
    }

    /**
     * The core of {@code mode} made by {@code method} (make-core.sh's MAKE_CORE_METHOD: auto, kernel or gdb). gdb's
     * gcore lays a core out differently from the kernel (notes last, one NT_SIGINFO per thread), and it is what
     * make-core.sh falls back to when core_pattern is a pipe: tests ask for it by name so both layouts are read on
     * every machine, whatever its core_pattern.
     */
    static synchronized Crash get(String mode, String run, String method) throws IOException, InterruptedException {
        String key = mode + "/" + run + "/" + method;
        Crash c = MADE.get(key);
        if (c != null) {
            return c;
        }
        if (root == null) {
            root = Files.createTempDirectory("faultline-cores");
            root.toFile().deleteOnExit();
        }
        Path dir = root.resolve(mode + "-" + run + "-" + method);
        Files.createDirectories(dir);
        Path log = dir.resolve("make-core.log");
        ProcessBuilder pb = new ProcessBuilder("bash", Cli.repo().resolve("native/make-core.sh").toString(), mode,
                dir.toString());
        pb.environment().put("MAKE_CORE_METHOD", method);
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("make-core.sh " + mode + " did not finish in 120 s");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8).strip();
        if (p.exitValue() == 77) {
            org.junit.jupiter.api.Assumptions.abort("no way to make a core here: " + out);
        }
        if (p.exitValue() != 0) {
            throw new IOException("make-core.sh " + mode + " failed (exit " + p.exitValue() + "): " + out);
        }
        System.out.println("[core fixture] " + key + ": " + out);
        String stderr = Files.readString(dir.resolve("crashme.stderr"), StandardCharsets.ISO_8859_1);
        Matcher m = LINE.matcher(stderr);
        if (!m.find()) {
            throw new IOException("crashme " + mode + " printed no self-description: " + stderr);
        }
        Long addr = m.group(4).equals("-") ? null : Long.parseUnsignedLong(m.group(4).replaceFirst("^0x", ""), 16);
        c = new Crash(mode, dir.resolve("core"), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), addr,
                m.group(5), out);
        MADE.put(key, c);
        return c;
    }
}
