package dev.faultline.cli;

import dev.faultline.analysis.Analyzer;
import dev.faultline.analysis.FileSource;
import dev.faultline.analysis.Incident;
import dev.faultline.report.JsonReport;
import dev.faultline.report.Report;
import dev.faultline.report.TextReport;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Name the config file and line behind each crash or HTTP 5xx in strace logs.")
public final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "TRACE",
            description = "strace output: plain, .gz, or - for stdin. For strace -ff pass every P.<pid> file. May be omitted with --error-log.")
    List<String> traces = new java.util.ArrayList<>();

    @Option(names = "--error-log", paramLabel = "FILE",
            description = "Apache's error log (repeatable; - for stdin; .gz/.zst): its entries are evidence, and alone they give verdicts")
    List<String> errorLogs = new java.util.ArrayList<>();

    @Option(names = "--no-auto-error-log", negatable = false,
            description = "do not read the server's own ErrorLog (found from its configuration) to join its entries to the trace's incidents")
    boolean noAutoErrorLog;

    @Option(names = "--tz", paramLabel = "ZONE", description = "the time zone of the error log's local times (default: this host's)")
    String tz;

    @Option(names = "--format", defaultValue = "text", description = "text (default) or json")
    String format;

    @Option(names = "--root", paramLabel = "DIR",
            description = "a copy of the server's files (paths in the trace are looked up under DIR) for finding a referrer's line when the trace cut the buffer")
    Path root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the report to FILE (atomically) instead of stdout")
    Path output;

    @Option(names = "--core", paramLabel = "CORE",
            description = "a core dump of a crash in the trace (repeatable): joined by pid; its backtrace's phase and culprit module become evidence")
    List<Path> cores = new java.util.ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "the server's main config file (default: from the traced command line, else /etc/apache2/apache2.conf)")
    String config;

    @Option(names = "--confirm",
            description = "settle a start-up crash between candidate lines by running apache2 -t on a private copy of the configuration (never the server's files)")
    boolean confirm;

    @Option(names = "--no-color", description = "no colour even on a terminal (NO_COLOR is honoured too)")
    boolean noColor;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError(ExitCodes.USAGE, "--format must be text or json, not " + format);
        }
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
        Report report = traces.isEmpty() ? logsOnly(logs, errorLogs, coreReports, root, config, confirm)
                : analyze(traces, root, coreReports, config, confirm, errorLogs.isEmpty() && !noAutoErrorLog);
        report.warnings.addAll(coreNotes);
        for (String h : logs.hints()) {
            if (!report.hints.contains(h)) {
                report.hints.add(h);
            }
        }
        if (!traces.isEmpty()) {
            report.incidents.addAll(logs.apply(report.incidents));
        }
        emit(render(report, format, noColor, output), output);
        for (String w : report.warnings) {
            System.err.println("faultline: warning: " + dev.faultline.report.Terminal.escape(w));
        }
        return ExitCodes.OK;
    }

    private static void readErrorLog(String log, java.time.ZoneId zone, dev.faultline.analysis.ErrorLogEvidence logs) {
        if (!log.equals("-")) {
            Path p = Path.of(log);
            if (Files.isDirectory(p)) {
                throw new UserError(ExitCodes.IS_DIRECTORY, "--error-log " + log + " is a directory");
            }
            if (!Files.exists(p)) {
                throw new UserError(ExitCodes.NOT_FOUND, "--error-log " + log + ": no such file");
            }
            if (!Files.isReadable(p)) {
                throw new UserError(ExitCodes.NO_PERMISSION, "--error-log " + log + ": permission denied");
            }
        }
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
            Path root, String config, boolean confirm) {
        List<Incident> fromLog = logs.apply(List.of());
        dev.faultline.analysis.Analyzer analyzer = new dev.faultline.analysis.Analyzer(new FileSource(root));
        cores.forEach(c -> analyzer.addCore(c.report(), c.httpd()));
        analyzer.httpd(ev -> dev.faultline.httpd.HttpdContexts.load(ev, config, root, confirm));
        fromLog.forEach(analyzer::addExternal);
        return new Report(names, new java.util.ArrayList<>(analyzer.finish()), new ParseStats());
    }

    static Report analyze(List<String> traces, Path root) throws Exception {
        return analyze(traces, root, List.of(), null, false, false);
    }

    /**
     * The server's own ErrorLog (server level, from its configuration), read under --root or live: its entries of the
     * traced processes join their incidents. A log faultline found itself adds no incident of its own.
     */
    private static void joinServersErrorLog(dev.faultline.httpd.HttpdContext ctx, Path root, Report report) {
        String server = ctx.errorLog();
        Path p = server == null ? null : new dev.faultline.httpd.config.ConfigFiles(root).locate(server);
        if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
            return;
        }
        dev.faultline.analysis.ErrorLogEvidence logs = new dev.faultline.analysis.ErrorLogEvidence(root);
        try (java.io.InputStream in = dev.faultline.httpd.errorlog.ErrorLogParser.open(p.toString())) {
            new dev.faultline.httpd.errorlog.ErrorLogParser(java.time.ZoneId.systemDefault()).parse(in, e -> logs.accept(server, e));
        } catch (java.io.IOException e) {
            report.warnings.add("the server's ErrorLog " + p + " could not be read: " + e.getMessage());
            return;
        }
        logs.joinOnly(report.incidents);
    }

    static Report analyze(List<String> traces, Path root, List<CoreCommand.Read> cores, String config, boolean confirm,
            boolean autoErrorLog) throws Exception {
        ParseStats stats;
        List<Incident> incidents;
        List<String> hints;
        dev.faultline.httpd.HttpdContext httpdContext;
        long dropped;
        List<String> names;
        List<dev.faultline.core.CoreReport> unmatched;
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
            }
            stats = set.stats();
            if (events == 0 && stats.unknownLines > 0) {
                throw new UserError(ExitCodes.NOT_A_TRACE, String.join(", ", traces) + ": no line of strace output (first unknown line: "
                        + stats.unknownSamples.get(0) + ")");
            }
            incidents = analyzer.finish();
            hints = analyzer.hints();
            httpdContext = analyzer.httpdContext();
            if (analyzer.contextFailure() != null) {
                hints.add(analyzer.contextFailure());
            }
            dropped = analyzer.droppedIncidents();
            unmatched = analyzer.unmatchedCores();
        }
        Report report = new Report(names, incidents, stats);
        report.hints.addAll(hints);
        if (autoErrorLog && httpdContext != null && !incidents.isEmpty()) {
            joinServersErrorLog(httpdContext, root, report);
        }
        report.droppedIncidents = dropped;
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

    /** JSON, or text with colour only on a terminal (never into a file, never with NO_COLOR or TERM=dumb). */
    static String render(Report report, String format, boolean noColor, Path output) throws IOException {
        if (format.equals("json")) {
            return JsonReport.render(report);
        }
        boolean color = !noColor && output == null && System.getenv("NO_COLOR") == null && System.console() != null
                && !"dumb".equals(System.getenv("TERM"));
        return new TextReport(color).render(report);
    }

    /** Writes to stdout, or to a temp file moved over FILE, so an interrupted run never leaves half a report. */
    static void emit(String text, Path output) {
        if (output == null) {
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            out.print(text);
            out.flush();
            return;
        }
        Path dir = output.toAbsolutePath().getParent();
        try {
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
