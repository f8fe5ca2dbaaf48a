package dev.faultline.cli;

import dev.faultline.capture.Tracer;
import dev.faultline.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by attach and run (a picocli mixin). */
final class LiveOptions {
    @Option(names = "--mode", paramLabel = "MODE",
            description = "sentinel: stop only on signals, forks and exec (near-zero cost); full: trace every syscall")
    String mode;

    @Option(names = "-s", paramLabel = "SIZE", defaultValue = "256",
            description = "bytes of each read/write buffer to keep (default ${DEFAULT-VALUE}; strace's -s)")
    int stringCap;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "also write an strace-compatible log (-f -tt -T -y format) to FILE")
    Path straceLog;

    @Option(names = "--report", paramLabel = "FILE", description = "write the report to FILE (atomically) instead of stdout")
    Path report;

    @Option(names = "--format", defaultValue = "text", description = dev.faultline.report.ReportFormat.DESCRIPTION)
    String format;

    @Option(names = {"--max-incidents", "--max-crashes"}, paramLabel = "N",
            description = "stop after N incidents (--max-crashes is the old name; attach: 2 when the first crash names no config file, else 1; run: when the command exits)")
    Integer maxCrashes;

    @Option(names = "--enable-core", description = "raise the crashing process's RLIMIT_CORE (prlimit) so the kernel writes a core")
    boolean enableCore;

    @Option(names = "--no-redact", description = "keep secrets (passwords, tokens, Authorization headers) in logged buffers")
    boolean noRedact;

    @Option(names = "--root", paramLabel = "DIR", description = "a copy of the server's files to read instead of the live ones")
    Path root;

    @picocli.CommandLine.Mixin
    TextOptions text = new TextOptions();

    Tracer.Options tracerOptions(Tracer.Mode defaultMode, int defaultMaxCrashes) {
        AnalyzeCommand.reportFormat(format);
        if (stringCap < 0 || stringCap > 1 << 20) {
            throw new UserError(ExitCodes.USAGE, "-s must be between 0 and 1048576, not " + stringCap);
        }
        Tracer.Options o = new Tracer.Options();
        if (mode == null) {
            o.mode = defaultMode;
        } else if (mode.equals("sentinel") || mode.equals("full")) {
            o.mode = mode.equals("full") ? Tracer.Mode.FULL : Tracer.Mode.SENTINEL;
        } else {
            throw new UserError(ExitCodes.USAGE, "--mode must be sentinel or full, not " + mode);
        }
        o.maxCrashes = maxCrashes != null ? maxCrashes : defaultMaxCrashes;
        if (o.maxCrashes < 0) {
            throw new UserError(ExitCodes.USAGE, "--max-incidents must be 0 (no limit) or more");
        }
        o.stringCap = stringCap;
        o.recordAll = straceLog != null;
        // a crashed httpd's own memory names its request and the directive it ran (read while it is held)
        o.atCrashStop = dev.faultline.httpd.HttpdLiveReader.INSTANCE;
        o.enableCore = enableCore;
        if (root != null && !Files.isDirectory(root)) {
            throw new UserError(ExitCodes.NOT_FOUND, "--root " + root + ": no such directory");
        }
        if (straceLog != null) {
            // fail before attaching, not after the crash was seen
            Path dir = straceLog.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot write " + straceLog + ": its directory is missing or not writable");
            }
        }
        return o;
    }

    /**
     * Prints the report of a live run and {@code lastLine} (on stderr, unless null or the tracer failed), then lets
     * a pending Ctrl-C/SIGTERM halt the JVM; an error inside the tracer becomes exit code 1 after the report.
     */
    void report(LiveRun.Outcome out, String lastLine) throws IOException {
        try {
            print(out.report);
            if (lastLine != null && out.tracerFailure == null) {
                System.err.println(lastLine);
            }
        } finally {
            out.printed.countDown();
        }
        if (out.tracerFailure != null) {
            throw new UserError(ExitCodes.INTERNAL, "internal error in the tracer (" + out.tracerFailure.getMessage()
                    + "); every traced process was detached and left running");
        }
    }

    private void print(Report r) throws IOException {
        AnalyzeCommand.emit(AnalyzeCommand.render(r, format, text.style(report)), report);
        for (String w : r.warnings) {
            System.err.println("faultline: note: " + dev.faultline.report.Terminal.escape(w));
        }
    }
}
