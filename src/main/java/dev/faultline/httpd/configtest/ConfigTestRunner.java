package dev.faultline.httpd.configtest;

import dev.faultline.linux.LinuxNames;
import dev.faultline.capture.LiveRecord;
import dev.faultline.capture.Tracer;
import dev.faultline.capture.WaitStatus;
import dev.faultline.capture.jna.NativeCallException;
import dev.faultline.capture.jna.Ptrace;
import dev.faultline.capture.proc.ProcFs;
import dev.faultline.model.CrashCapture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code apache2 ... -t} under faultline's tracer (sentinel mode: it stops only on signals, forks and exec),
 * with Debian's envvars sourced first as apache2ctl does (without it, ${APACHE_RUN_DIR} is undefined: AH00111).
 * A {@code /bin/sh} wrapper sources the file and then execs apache2 in the same process, with its output
 * redirected to a file, so the traced pid is apache2 itself and its messages can be read back.
 */
public final class ConfigTestRunner {
    private static final String WRAPPER = "if [ -r \"$1\" ]; then . \"$1\"; fi; out=$2; shift 2; exec \"$@\" >\"$out\" 2>&1";
    private static final long TIMEOUT_MS = dev.faultline.Limits.CONFIGTEST_MILLIS;
    private static final int MAX_OUTPUT = dev.faultline.Limits.CONFIGTEST_OUTPUT_BYTES;

    private final Path envvars;
    private final Path outputFile;
    private int runs;

    /** @param envvars sourced when readable (may be null); @param outputFile where apache2's output goes */
    public ConfigTestRunner(Path envvars, Path outputFile) {
        this.envvars = envvars;
        this.outputFile = outputFile;
    }

    public int runs() {
        return runs;
    }

    /** The full command line: the wrapper, then {@code apache2Command} (binary and arguments, -t included). */
    public List<String> command(List<String> apache2Command) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "sh",
                envvars == null ? "/nonexistent" : envvars.toString(), outputFile.toString()));
        cmd.addAll(apache2Command);
        return cmd;
    }

    /** Runs once under the tracer. */
    public ConfigTestResult traced(List<String> apache2Command) throws IOException {
        runs++;
        Files.deleteIfExists(outputFile);
        Tracer.Options opt = new Tracer.Options();
        opt.mode = Tracer.Mode.SENTINEL;
        opt.escalate = false;
        opt.maxCrashes = 0; // follow until apache2 exits: the exit status is part of the answer
        List<CrashCapture> crashes = new ArrayList<>();
        Tracer tracer = Tracer.launch(command(apache2Command), opt, ProcFs.system(), batch -> {
            for (LiveRecord r : batch) {
                if (r instanceof LiveRecord.Crash) {
                    crashes.add(((LiveRecord.Crash) r).capture);
                }
            }
        });
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TIMEOUT_MS);
                tracer.requestStop("apache2 -t ran longer than " + TIMEOUT_MS / 1000 + " s");
                killQuietly(tracer.launchedPid());
            } catch (InterruptedException ignored) {
                // finished in time
            }
        }, "faultline-configtest-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            tracer.run();
        } finally {
            watchdog.interrupt();
        }
        try {
            tracer.started().get();
        } catch (ExecutionException | InterruptedException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot run apache2 under the tracer: " + cause.getMessage(), cause);
        }
        if (tracer.failure() != null) {
            throw new IOException("the tracer failed: " + tracer.failure().getMessage(), tracer.failure());
        }
        int status = tracer.launchedStatus();
        String output = readOutput();
        if (status == -1) {
            return new ConfigTestResult(ConfigTestResult.Outcome.FAILED, -1, null, null,
                    output + "\n(" + tracer.stopReason() + ")");
        }
        if (WaitStatus.signaled(status)) {
            int sig = WaitStatus.termSig(status);
            String name = LinuxNames.signal(sig);
            if (dev.faultline.linux.CrashSignals.isFault(sig)) {
                return new ConfigTestResult(ConfigTestResult.Outcome.CRASHED, 128 + sig, name, firstFault(crashes), output);
            }
            return new ConfigTestResult(ConfigTestResult.Outcome.FAILED, 128 + sig, name, null, output);
        }
        int code = WaitStatus.exitCode(status);
        return new ConfigTestResult(code == 0 ? ConfigTestResult.Outcome.OK : ConfigTestResult.Outcome.FAILED, code,
                null, null, output);
    }

    /** Runs untraced, for {@code -D DUMP_INCLUDES}: returns the output (the list is printed even when it crashes). */
    public String plain(List<String> apache2Command) throws IOException {
        runs++;
        Files.deleteIfExists(outputFile);
        Process p = new ProcessBuilder(command(apache2Command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return readOutput();
    }

    /** The kernel's fault, not the re-raise of Apache's own handler (sig_coredump kills itself with SI_USER). */
    private static CrashCapture firstFault(List<CrashCapture> crashes) {
        for (CrashCapture c : crashes) {
            if (c.kernelGenerated) {
                return c;
            }
        }
        return crashes.isEmpty() ? null : crashes.get(0);
    }

    private String readOutput() throws IOException {
        if (!Files.isRegularFile(outputFile)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(outputFile)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    private static void killQuietly(int pid) {
        if (pid > 0) {
            try {
                Ptrace.kill(pid, LinuxNames.SIGKILL);
            } catch (NativeCallException ignored) {
                // already gone
            }
        }
    }
}
