package dev.faultline.cli;

import dev.faultline.analysis.Analyzer;
import dev.faultline.analysis.FileSource;
import dev.faultline.analysis.Incident;
import dev.faultline.report.JsonReport;
import dev.faultline.report.Report;
import dev.faultline.report.TextReport;
import dev.faultline.report.TraceClock;
import dev.faultline.trace.ParseStats;
import dev.faultline.trace.TraceEvent;
import dev.faultline.trace.TraceSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Name the config file and line behind each crash or HTTP 5xx in strace logs.",
        description = {"Name the config file and line behind each crash or HTTP 5xx in strace logs, Apache error logs and core dumps.",
            "The server's own error and access logs are read too when its configuration names them."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline analyze trace.txt",
            "      Analyze an strace -f log.",
            "  faultline analyze --root /srv/copy --core core.1234 trace.txt",
            "      Use a copy of the server's files and a core dump.",
            "  faultline analyze --error-log /var/log/apache2/error.log",
            "      Give verdicts from the error log alone.",
            "  faultline analyze --format json -o report.json trace.txt",
            "      Write the JSON report to a file."})
public final class AnalyzeCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;


    @Parameters(arity = "0..*", paramLabel = "TRACE",
            description = "The strace logs: plain, .gz, or - for stdin; for strace -ff, every P.<pid> file. May be omitted with --error-log.")
    List<String> traces = new java.util.ArrayList<>();

    @Option(names = "--error-log", paramLabel = "FILE",
            description = "Apache's error log (repeatable; - for stdin; .gz/.zst): its entries are evidence, and alone they give verdicts.")
    List<String> errorLogs = new java.util.ArrayList<>();

    @Option(names = "--access-log", paramLabel = "FILE",
            description = "Apache's access log (repeatable; - for stdin; .gz/.zst): each incident's impact (its request's 5xx count) and the window's totals.")
    List<String> accessLogs = new java.util.ArrayList<>();

    @Option(names = "--no-auto-access-log", negatable = false,
            description = "Do not read the server's own access logs (its CustomLog lines) for the trace's window.")
    boolean noAutoAccessLog;

    @Option(names = "--no-auto-error-log", negatable = false,
            description = "Do not read the server's own ErrorLog (found from its configuration) to join its entries to the trace's incidents.")
    boolean noAutoErrorLog;

    @Option(names = "--tz", paramLabel = "ZONE", description = "The time zone of the error log's local times (default: this host's).")
    String tz;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "The report's format: " + dev.faultline.report.ReportFormat.DESCRIPTION + ".")
    String format;

    @Option(names = "--root", paramLabel = "DIR",
            description = "A copy of the server's files (paths in the trace are looked up under DIR) for finding a referrer's line when the trace cut the buffer.")
    Path root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE (atomically) instead of stdout.")
    Path output;

    @Option(names = "--core", paramLabel = "CORE",
            description = "A core dump of a crash in the trace (repeatable): joined by pid; its backtrace's phase and culprit module become evidence.")
    List<Path> cores = new java.util.ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "The server's main config file (default: from the traced command line, else /etc/apache2/apache2.conf).")
    String config;

    @Option(names = "--confirm",
            description = "Settle a start-up crash between candidate lines by running apache2 -t on a private copy of the configuration (never the server's files).")
    boolean confirm;

    @picocli.CommandLine.Mixin
    TextOptions text = new TextOptions();

    @Option(names = "--fix-format", paramLabel = "FORMAT",
            description = "Print only the fixes, as diff (for patch -p0 run from / or from --root), puppet (file_line) or ansible (lineinfile); exit 72 when there is none.")
    String fixFormat;

    @Option(names = "--fix-diff", description = "The same as --fix-format diff.")
    boolean fixDiff;

    @Override
    public Integer call() throws Exception {
        reportFormat(format);
        String fixes = fixDiff ? "diff" : fixFormat;
        FixOutput.checkFormat(fixes);
        Report report = report();
        if (fixes != null) {
            emit(FixOutput.render(report, fixes), output);
        } else {
            emit(render(report, format, text.style(output, verbosity.level())), output);
        }
        for (String w : report.warnings) {
            System.err.println("faultline: warning: " + dev.faultline.report.Terminal.escape(w));
        }
        if (fixes != null) {
            return report.incidents.stream().noneMatch(i -> i.fix != null) ? ExitCodes.NO_FIX : ExitCodes.OK;
        }
        return ExitCodes.of(report);
    }

    /** The analysis the options ask for, each incident with its fix hint (faultline fix and check run it too). */
    Report report() throws Exception {
        if (root != null && !Files.isDirectory(root)) {
            throw new UserError(ExitCodes.NOT_FOUND, "--root " + root + ": no such directory");
        }
        List<CoreCommand.Read> coreReports = new java.util.ArrayList<>();
        for (Path core : cores) {
            coreReports.add(CoreCommand.read(core, null, false, root));
        }
        if (traces.isEmpty() && errorLogs.isEmpty()) {
            throw new UserError(ExitCodes.USAGE, "give a TRACE, or --error-log FILE, or both");
        }
        java.time.ZoneId zone;
        try {
            zone = tz == null ? java.time.ZoneId.systemDefault() : java.time.ZoneId.of(tz);
        } catch (java.time.DateTimeException e) {
            throw new UserError(ExitCodes.USAGE, "--tz " + tz + ": no such time zone");
        }
        dev.faultline.analysis.ErrorLogEvidence logs = new dev.faultline.analysis.ErrorLogEvidence(root);
        for (String log : errorLogs) {
            readErrorLog(log, zone, logs);
        }
        List<String> coreNotes = new java.util.ArrayList<>();
        for (dev.faultline.analysis.ErrorLogEvidence.CoreHint h : logs.coreHints()) {
            CoreCommand.Read found = coreOf(h, root, coreNotes);
            if (found != null && coreReports.stream().noneMatch(c -> c.report().process().pid() == h.pid())) {
                coreReports.add(found);
            }
        }
        Report report = traces.isEmpty() ? logsOnly(logs, errorLogs, coreReports, root, config, confirm, ctx -> contextForLogs = ctx)
                : analyze(traces, root, coreReports, config, confirm, errorLogs.isEmpty() && !noAutoErrorLog, (w, ctx) -> {
                    traceWindow = w;
                    contextForLogs = ctx;
                });
        report.warnings.addAll(coreNotes);
        for (String h : logs.hints()) {
            if (!report.hints.contains(h)) {
                report.hints.add(h);
            }
        }
        if (!traces.isEmpty()) {
            report.incidents.addAll(logs.apply(report.incidents));
        }
        readAccessLogs(report, zone);
        errorLogs.forEach(l -> report.errorLogs.add(l.equals("-") ? "<stdin>" : l));
        FixOutput.attach(report, root, contextForLogs);
        return report;
    }

    /** The server's configuration as the analysis read it, or null. */
    dev.faultline.httpd.HttpdContext context() {
        return contextForLogs;
    }

    /** A log the user named must be a readable file (or - for stdin): else one line and its exit code. */
    private static void checkLogFile(String option, String file) {
        if (file.equals("-")) {
            return;
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            throw new UserError(ExitCodes.IS_DIRECTORY, option + " " + file + " is a directory");
        }
        if (!Files.exists(p)) {
            throw new UserError(ExitCodes.NOT_FOUND, option + " " + file + ": no such file");
        }
        if (!Files.isReadable(p)) {
            throw new UserError(ExitCodes.NO_PERMISSION, option + " " + file + ": permission denied");
        }
    }

    private static void readErrorLog(String log, java.time.ZoneId zone, dev.faultline.analysis.ErrorLogEvidence logs) {
        checkLogFile("--error-log", log);
        String name = log.equals("-") ? "<stdin>" : log;
        dev.faultline.httpd.errorlog.ErrorLogParser.Stats stats;
        try (java.io.InputStream in = dev.faultline.httpd.errorlog.ErrorLogParser.open(log)) {
            stats = new dev.faultline.httpd.errorlog.ErrorLogParser(zone).parse(in, e -> logs.accept(name, e));
        } catch (java.io.IOException e) {
            throw new UserError(ExitCodes.IO_ERROR, "--error-log " + log + ": " + e.getMessage());
        }
        if (stats.entries == 0 && stats.lines > 0) {
            // lines, and not one of them an httpd error-log entry: binary data, or some other file
            throw new UserError(ExitCodes.NOT_A_TRACE, "--error-log " + log + ": no line of an Apache error log (" + stats.lines
                    + " lines" + (stats.binary > 0 ? ", " + stats.binary + " of binary data" : "") + ")");
        }
    }

    /**
     * The access logs: the ones given, else the server's own (its CustomLog files) when the trace has times. Entries
     * are counted in the trace's window (from its first to its last timestamp, placed by the trace file's mtime,
     * a minute of slack each side); with no trace, the whole log.
     */
    private void readAccessLogs(Report report, java.time.ZoneId zone) {
        // a log the user names is counted whole unless the trace's times are epoch times (-ttt): a time of day placed
        // by a file's mtime is good enough to pick the server's own fresh log, not to cut one copied from elsewhere
        AccessWindow span = accessLogs.isEmpty() || traceWindow != null && traceWindow.epoch() ? traceWindow : null;
        List<String> files = new java.util.ArrayList<>(accessLogs);
        Map<String, dev.faultline.httpd.accesslog.AccessLogFormat> formats = new java.util.HashMap<>();
        dev.faultline.httpd.HttpdContext ctx = contextForLogs;
        if (ctx != null && ctx.config != null && !ctx.configGuessed) {
            for (dev.faultline.httpd.accesslog.CustomLogs.CustomLog l : dev.faultline.httpd.accesslog.CustomLogs.of(ctx.config).logs()) {
                if (l.piped() || !l.unreadable().isEmpty()) {
                    continue;
                }
                Path p = new dev.faultline.httpd.config.ConfigFiles(root).locate(l.target());
                if (p == null) {
                    continue;
                }
                formats.putIfAbsent(p.toString(), l.format());
                formats.putIfAbsent(l.target(), l.format());
                // the server's own logs hold other days too: read only for a trace whose window is known
                if (accessLogs.isEmpty() && !noAutoAccessLog && span != null && !report.incidents.isEmpty()
                        && Files.isRegularFile(p) && Files.isReadable(p)
                        && !files.contains(p.toString())) {
                    files.add(p.toString());
                }
            }
        }
        if (files.isEmpty()) {
            return;
        }
        dev.faultline.analysis.AccessLogImpact impact = new dev.faultline.analysis.AccessLogImpact(
                span == null ? null : new dev.faultline.analysis.AccessLogImpact.Window(span.from(), span.to()));
        for (String f : files) {
            checkLogFile("--access-log", f);
            // the format the configuration gives this file, else Debian's combined (the parser tries the others too)
            dev.faultline.httpd.accesslog.AccessLogFormat format = formats.getOrDefault(f,
                    dev.faultline.httpd.accesslog.AccessLogFormat.resolve("combined", dev.faultline.httpd.accesslog.AccessLogFormat.debianDefaults()));
            dev.faultline.httpd.accesslog.AccessLogParser.Stats st;
            try (java.io.InputStream in = dev.faultline.httpd.accesslog.AccessLogParser.open(f)) {
                st = new dev.faultline.httpd.accesslog.AccessLogParser(format, zone).parse(in, impact::accept);
            } catch (IOException e) {
                throw new UserError(ExitCodes.IO_ERROR, "--access-log " + f + ": " + e.getMessage());
            }
            if (st.entries == 0 && st.lines > 0) {
                throw new UserError(ExitCodes.NOT_A_TRACE, "--access-log " + f + ": no line of an Apache access log (" + st.lines + " lines"
                        + (st.binary > 0 ? ", " + st.binary + " of binary data" : "") + ")");
            }
            impact.source(f.equals("-") ? "<stdin>" : f);
        }
        impact.apply(report.incidents);
        report.accessLog = impact;
    }

    /**
     * The real time a trace spans. Epoch times (-ttt) are that; times of day (-t, -tt) and -r sums are placed by the
     * trace files' last modification, which is when strace wrote its last line. Null with no times or no file.
     */
    private static AccessWindow window(TraceClock clock, long firstNs, long lastNs) {
        java.time.Instant from = clock.at(firstNs);
        java.time.Instant to = clock.at(lastNs);
        if (from == null || to == null) {
            return null;
        }
        return new AccessWindow(from.minus(ACCESS_WINDOW_SLACK), to.plus(ACCESS_WINDOW_SLACK), TraceClock.isEpoch(firstNs));
    }

    /** The trace files' clock: their last time placed at their last modification (none for stdin). */
    private static TraceClock clock(List<String> traces, long lastNs) {
        java.time.Instant written = null;
        for (String t : traces) {
            if (t.equals("-")) {
                return TraceClock.EPOCH_ONLY;
            }
            try {
                java.time.Instant m = Files.getLastModifiedTime(Path.of(t)).toInstant();
                written = written == null || m.isAfter(written) ? m : written;
            } catch (IOException e) {
                return TraceClock.EPOCH_ONLY;
            }
        }
        return new TraceClock(lastNs, written);
    }

    /** The trace's span of real time, for reading the access logs: null when the trace has no times. */
    record AccessWindow(java.time.Instant from, java.time.Instant to, boolean epoch) {
    }

    private AccessWindow traceWindow;
    private dev.faultline.httpd.HttpdContext contextForLogs;

    /** Access-log windows get this much slack each side: a log's second-granular times, a file's mtime a bit late. */
    static final java.time.Duration ACCESS_WINDOW_SLACK = java.time.Duration.ofMinutes(1);

    /**
     * AH00051 says pid N dumped core, possibly in DIR: look there (and in systemd-coredump, core_pattern), and take the
     * core only when it is that pid's. Each outcome is said in a note.
     */
    private static CoreCommand.Read coreOf(dev.faultline.analysis.ErrorLogEvidence.CoreHint h, Path root, List<String> notes) {
        Path dir = root != null && h.dir().startsWith("/") ? root.resolve(h.dir().substring(1)) : Path.of(h.dir());
        try {
            CoreLocatorBridge.Found f = CoreLocatorBridge.find(h.pid(), List.of(dir));
            CoreCommand.Read r = CoreCommand.read(f.path(), null, false, root);
            if (r.report().process() == null || r.report().process().pid() != h.pid()) {
                notes.add(h.source() + ":" + h.line() + ": AH00051 names pid " + h.pid() + "; " + f.path() + " is another process's core, not used");
                return null;
            }
            if (h.time().isPresent()) {
                // the kernel writes the core as the child dies, and httpd logs AH00051 when it reaps it (within a second
                // or so): a core much older is of an earlier process that had the same pid
                java.time.Instant written = Files.getLastModifiedTime(f.path()).toInstant();
                java.time.Duration apart = java.time.Duration.between(written, h.time().get().toInstant()).abs();
                if (apart.compareTo(CORE_TIME_SLACK) > 0) {
                    notes.add(h.source() + ":" + h.line() + ": AH00051 names pid " + h.pid() + "; " + f.path() + " was written at " + written
                            + ", " + apart.toMinutes() + " min from the crash: an earlier process with the same pid, not used");
                    return null;
                }
            }
            notes.add(h.source() + ":" + h.line() + ": AH00051 led to the core of pid " + h.pid() + ": " + f.path() + " (" + f.how() + ")");
            return r;
        } catch (UserError | dev.faultline.core.CoreInputException | IOException e) {
            notes.add(h.source() + ":" + h.line() + ": AH00051 says pid " + h.pid() + " dumped core, possibly in " + h.dir()
                    + ", but no usable core was found: " + e.getMessage());
            return null;
        }
    }

    /**
     * How far a core's write time may be from its AH00051 entry: the log's time is local (--tz) and a big core takes
     * a while to write, so generous; pid reuse is hours or days apart, not minutes.
     */
    static final java.time.Duration CORE_TIME_SLACK = java.time.Duration.ofMinutes(10);

    /** The error log alone: its entries are the incidents; a crash's core (AH00051) is joined and analyzed. */
    private static Report logsOnly(dev.faultline.analysis.ErrorLogEvidence logs, List<String> names, List<CoreCommand.Read> cores,
            Path root, String config, boolean confirm, java.util.function.Consumer<dev.faultline.httpd.HttpdContext> seen) {
        List<Incident> fromLog = logs.apply(List.of());
        dev.faultline.analysis.Analyzer analyzer = new dev.faultline.analysis.Analyzer(new FileSource(root));
        cores.forEach(c -> analyzer.addCore(c.report(), c.httpd()));
        analyzer.httpd(ev -> dev.faultline.httpd.HttpdContexts.load(ev, config, root, confirm));
        fromLog.forEach(analyzer::addExternal);
        Report report = new Report(names, new java.util.ArrayList<>(analyzer.finish()), new ParseStats());
        report.traced = false;
        seen.accept(analyzer.httpdContext());
        return report;
    }

    static Report analyze(List<String> traces, Path root) throws Exception {
        return analyze(traces, root, List.of(), null, false, false);
    }

    /**
     * The server's own ErrorLogs (server level and each virtual host's, from its configuration), read under --root or
     * live: their entries of the traced processes join their incidents. A log faultline found itself adds no incident
     * of its own.
     */
    private static void joinServersErrorLog(dev.faultline.httpd.HttpdContext ctx, Path root, Report report) {
        dev.faultline.analysis.ErrorLogEvidence logs = new dev.faultline.analysis.ErrorLogEvidence(root);
        for (String server : ctx.errorLogs()) {
            Path p = new dev.faultline.httpd.config.ConfigFiles(root).locate(server);
            if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
                continue;
            }
            try (java.io.InputStream in = dev.faultline.httpd.errorlog.ErrorLogParser.open(p.toString())) {
                new dev.faultline.httpd.errorlog.ErrorLogParser(java.time.ZoneId.systemDefault()).parse(in, e -> logs.accept(server, e));
                report.errorLogs.add(server);
            } catch (java.io.IOException e) {
                report.warnings.add("the server's ErrorLog " + p + " could not be read: " + e.getMessage());
            }
        }
        logs.joinOnly(report.incidents);
    }

    static Report analyze(List<String> traces, Path root, List<CoreCommand.Read> cores, String config, boolean confirm,
            boolean autoErrorLog) throws Exception {
        return analyze(traces, root, cores, config, confirm, autoErrorLog, (w, ctx) -> { });
    }

    /** @param seen told the trace's window of real time (null when it has no times) and the server's configuration (or null) */
    static Report analyze(List<String> traces, Path root, List<CoreCommand.Read> cores, String config, boolean confirm,
            boolean autoErrorLog, java.util.function.BiConsumer<AccessWindow, dev.faultline.httpd.HttpdContext> seen) throws Exception {
        long firstNs = TraceEvent.NO_TIME;
        long lastNs = TraceEvent.NO_TIME;
        ParseStats stats;
        List<Incident> incidents;
        List<String> hints;
        dev.faultline.httpd.HttpdContext httpdContext;
        long dropped;
        List<String> names;
        List<dev.faultline.core.CoreReport> unmatched;
        String memoryNote;
        try (TraceSet set = new TraceSet(traces)) {
            names = set.sourceNames();
            Analyzer analyzer = new Analyzer(new FileSource(root));
            cores.forEach(c -> analyzer.addCore(c.report(), c.httpd()));
            analyzer.httpd(ev -> dev.faultline.httpd.HttpdContexts.load(ev, config, root, confirm));
            TraceEvent e;
            long events = 0;
            while ((e = set.next()) != null) {
                analyzer.accept(e);
                events++;
                if (e.timeNs != TraceEvent.NO_TIME) {
                    firstNs = firstNs == TraceEvent.NO_TIME ? e.timeNs : Math.min(firstNs, e.timeNs);
                    lastNs = Math.max(lastNs, e.timeNs);
                }
            }
            stats = set.stats();
            StraceContent.require(traces, events, stats);
            incidents = analyzer.finish();
            hints = analyzer.hints();
            httpdContext = analyzer.httpdContext();
            if (analyzer.contextFailure() != null) {
                hints.add(analyzer.contextFailure());
            }
            dropped = analyzer.droppedIncidents();
            unmatched = analyzer.unmatchedCores();
            memoryNote = analyzer.memoryNote();
        }
        TraceClock clock = clock(traces, lastNs);
        seen.accept(window(clock, firstNs, lastNs), httpdContext);
        Report report = new Report(names, incidents, stats);
        report.clock = clock;
        report.configFile = mainConfig(httpdContext);
        report.hints.addAll(hints);
        if (autoErrorLog && httpdContext != null && !httpdContext.configGuessed && !incidents.isEmpty()) {
            joinServersErrorLog(httpdContext, root, report);
        }
        report.droppedIncidents = dropped;
        if (memoryNote != null) {
            report.warnings.add(memoryNote);
        }
        if (stats.truncatedLastLine > 0) {
            report.warnings.add("the trace ends mid-line (line " + stats.truncatedLastLine + " has no newline): it was cut; analyzed up to "
                    + (stats.truncatedLastLineKept ? "and including" : "but not including") + " that line");
        }
        for (String cut : stats.cutCompressedSources) {
            report.warnings.add(cut + ": the gzip stream ends early: the file was cut; analyzed the lines before the cut");
        }
        for (dev.faultline.core.CoreReport c : unmatched) {
            report.warnings.add("the core " + c.file() + " (pid " + c.process().pid() + (c.signal() == null ? "" : ", " + c.signal().name())
                    + ") matches no crash in the trace (a mismatch: another pid, or another signal): not used");
        }
        if (stats.unknownLines > 0) {
            report.warnings.add(stats.unknownLines + " line(s) were not understood and were skipped; first: " + stats.unknownSamples.get(0));
        }
        if (stats.oversizedLines > 0) {
            report.warnings.add(stats.oversizedLines + " line(s) longer than 1 MiB were cut to 1 MiB");
        }
        return report;
    }

    /** The server's main config file as the analysis read it; null when none was, or it was only guessed. */
    static String mainConfig(dev.faultline.httpd.HttpdContext ctx) {
        return ctx == null || ctx.config == null || ctx.configGuessed ? null : ctx.config.mainFile();
    }

    /** The --format value checked: one of {@link dev.faultline.report.ReportFormat}, else a usage error. */
    static dev.faultline.report.ReportFormat reportFormat(String format) {
        return dev.faultline.report.ReportFormat.of(format).orElseThrow(() -> new UserError(ExitCodes.USAGE,
                "--format must be " + dev.faultline.report.ReportFormat.choices() + ", not " + format));
    }

    /** JSON, a Markdown postmortem draft, or text in the given style (TextOptions decides colour, width and detail). */
    static String render(Report report, String format, dev.faultline.report.TextStyle style) throws IOException {
        switch (reportFormat(format)) {
            case JSON:
                return JsonReport.render(report);
            case MARKDOWN:
                return dev.faultline.report.MarkdownReport.render(report);
            default:
                break;
        }
        return new TextReport(style).render(report);
    }

    /** Writes to stdout, or to a temp file moved over FILE, so an interrupted run never leaves half a report; a device or fifo is written directly. */
    static void emit(String text, Path output) {
        if (output == null) {
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            out.print(text);
            out.flush();
            return;
        }
        Path dir = output.toAbsolutePath().getParent();
        try {
            if (OutputTarget.writeInPlace(output)) {
                // -o /dev/null, a fifo, /dev/stdout: write into it; a rename would replace the device itself
                Files.writeString(output, text, StandardCharsets.UTF_8);
                return;
            }
            Path tmp = Files.createTempFile(dir, ".faultline-", ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot write " + output + ": " + e.getMessage());
        }
    }
}
