package dev.faultline.report;

import dev.faultline.trace.TraceEvent;
import java.io.IOException;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** One CSV row per event, through Commons CSV (which quotes commas, quotes and newlines in trace text). */
public final class EventsCsv {
    public static final String[] HEADER = {"source", "line", "start_line", "tid", "time_ns", "kind", "name",
        "args", "result", "errno", "result_path", "signal", "si_code", "si_addr", "exit_code", "core_dumped",
        "incomplete", "stack_frames"};

    private final CSVPrinter printer;

    public EventsCsv(Appendable out) throws IOException {
        this.printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).setRecordSeparator("\n").build());
    }

    public void write(TraceEvent e) throws IOException {
        Map<String, String> si = e.kind == TraceEvent.Kind.SIGNAL ? e.siginfo() : null;
        printer.printRecord(
                e.source,
                e.lineNo,
                e.startLineNo,
                e.tid,
                e.timeNs == TraceEvent.NO_TIME ? "" : Long.toString(e.timeNs),
                e.kind.name().toLowerCase(),
                e.kind == TraceEvent.Kind.SYSCALL || e.kind == TraceEvent.Kind.STRACE_MESSAGE ? e.name : "",
                e.argText() == null ? "" : e.argText(),
                e.kind == TraceEvent.Kind.SYSCALL ? (e.result == TraceEvent.NO_RESULT ? "?" : Long.toString(e.result)) : "",
                e.errno == null ? "" : e.errno,
                e.resultPath == null ? "" : e.resultPath,
                e.signalName() == null ? "" : e.signalName(),
                si == null ? "" : si.getOrDefault("si_code", ""),
                si == null ? "" : si.getOrDefault("si_addr", ""),
                e.kind == TraceEvent.Kind.EXITED ? Integer.toString(e.exitCode) : "",
                e.kind == TraceEvent.Kind.KILLED ? Boolean.toString(e.coreDumped) : "",
                e.incomplete ? "true" : "",
                e.stack.size());
    }

    public void flush() throws IOException {
        printer.flush();
    }
}
