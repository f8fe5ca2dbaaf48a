package dev.faultline.cli;

import dev.faultline.report.EventsCsv;
import dev.faultline.report.Terminal;
import dev.faultline.trace.ParseStats;
import dev.faultline.trace.TraceEvent;
import dev.faultline.trace.TraceSet;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "events", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Parse strace logs into events and report what was not understood.",
        description = {"Parse strace logs into events (one per joined call, signal or exit) and report what was not understood."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline events trace.txt > events.csv",
            "      Write the events as CSV.",
            "  faultline events --format none trace.txt",
            "      Print only the summary of what was parsed."})
public final class EventsCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;


    @Parameters(arity = "1..*", paramLabel = "TRACE", description = "Strace output file(s): plain, .gz, or - for stdin; strace -ff files as P.<pid>.")
    List<String> traces;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "The output's format: csv (default), or none for the summary alone.")
    String format;

    @Option(names = "--quiet", description = "No summary on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("csv") && !format.equals("none")) {
            throw new UserError(ExitCodes.USAGE, "--format must be csv or none, not " + format);
        }
        ParseStats stats;
        // stdout is flushed, never closed: the JVM (or a test harness) owns it
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        try (TraceSet set = new TraceSet(traces)) {
            EventsCsv csv = format.equals("csv") ? new EventsCsv(out) : null;
            TraceEvent e;
            long events = 0;
            while ((e = set.next()) != null) {
                events++;
                if (csv != null) {
                    csv.write(e);
                }
            }
            if (csv != null) {
                csv.flush();
            }
            out.flush();
            stats = set.stats();
            StraceContent.require(traces, events, stats);
        }
        if (!quiet) {
            printSummary(System.err, stats);
        }
        return ExitCodes.OK;
    }

    static void printSummary(PrintStream err, ParseStats s) {
        PrintWriter w = new PrintWriter(err, true);
        w.printf("faultline: %d lines: %d calls (%d joined from unfinished/resumed, %d orphan resumes, %d bare continuations),"
                        + " %d signals, %d exits, %d strace messages, %d stack frames, %d summary lines, %d hex dump lines;"
                        + " %d unknown lines%n",
                s.lines, s.syscalls, s.resumed - s.orphanResumes, s.orphanResumes, s.bareContinuations, s.signals,
                s.exits, s.straceMessages, s.stackFrames, s.summaryLines, s.hexDumpLines, s.unknownLines);
        for (String u : s.unknownSamples) {
            w.println("faultline: unknown line " + Terminal.escape(u));
        }
        if (s.truncatedLastLine > 0) {
            w.println("faultline: warning: the last line (" + s.truncatedLastLine + ") has no newline: the trace was cut"
                    + (s.truncatedLastLineKept ? "; it was still complete enough to use" : "; it was skipped"));
        }
    }
}
