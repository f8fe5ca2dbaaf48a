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
            description = "The tracing mode: sentinel stops the server only on signals, forks and exec (near-zero cost); full traces every syscall.")
    String mode;

    @Option(names = "-s", paramLabel = "SIZE", defaultValue = "256",
            description = "Keep SIZE bytes of each read/write buffer, as strace's -s does (default ${DEFAULT-VALUE}).")
    int stringCap;

    @Option(names = "--strace-log", paramLabel = "FILE",
            description = "Also write an strace-compatible log (strace -f -tt -T -y format) to FILE.")
    Path straceLog;

    @Option(names = {"-o", "--output", "--report"}, paramLabel = "FILE",
            description = "Write the report to FILE (atomically) instead of stdout, as analyze -o does (--report is the old name).")
    Path report;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "The report's format: " + dev.faultline.report.ReportFormat.DESCRIPTION + ".")
    String format;

    /** --max-incidents N: set by attach and run, whose help says each one's default (null: that default). */
    Integer maxCrashes;

    @Option(names = "--enable-core", description = "Raise the crashing process's RLIMIT_CORE (prlimit) so that the kernel writes a core.")
    boolean enableCore;

    @Option(names = "--no-redact", description = "Keep secrets (passwords, tokens, Authorization headers) in logged buffers.")
    boolean noRedact;

    @Option(names = "--root", paramLabel = "DIR", description = "Read the server's files from DIR, a copy of them, instead of the live ones.")
    Path root;

    @picocli.CommandLine.Mixin
    TextOptions text = new TextOptions();

    /** A file name that says "strace log": whoever wrote {@code -o live.strace} may expect the -o of strace. */
    private static final java.util.regex.Pattern STRACE_LOG_NAME =
            java.util.regex.Pattern.compile("(?i).*trace.*|.*\\.log");

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
        noteOldOutputMeaning();
        // fail before attaching, not after the crash was seen
        for (Path file : new Path[] {straceLog, report}) {
            Path dir = file == null ? null : file.toAbsolutePath().getParent();
            if (file != null && (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir))) {
                throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot write " + file + ": its directory is missing or not writable");
            }
        }
        return o;
    }

    /**
     * -o used to be the strace log here (as in strace), and is the report now as in every other command: a name that
     * looks like a trace log gets a one-line note, so a script written for the old meaning is noticed, not silently changed.
     */
    private void noteOldOutputMeaning() {
        if (report != null && straceLog == null && report.getFileName() != null
                && STRACE_LOG_NAME.matcher(report.getFileName().toString()).matches()) {
            System.err.println("faultline: note: -o/--output " + dev.faultline.report.Terminal.escape(report.toString())
                    + " gets the report; for an strace log give --strace-log FILE");
        }
    }

    /**
     * Prints the report of a live run (in text, with -v's detail level {@code verbosity}) and {@code lastLine} (on stderr, unless null or the tracer failed), then lets
     * a pending Ctrl-C/SIGTERM halt the JVM; an error inside the tracer becomes exit code 1 after the report.
     */
    void report(LiveRun.Outcome out, String lastLine, int verbosity) throws IOException {
        try {
            print(out.report, verbosity);
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

    private void print(Report r, int verbosity) throws IOException {
        AnalyzeCommand.emit(AnalyzeCommand.render(r, format, text.style(report, verbosity)), report);
        for (String w : r.warnings) {
            System.err.println("faultline: note: " + dev.faultline.report.Terminal.escape(w));
        }
    }
}
