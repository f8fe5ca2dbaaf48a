package dev.faultline.cli;

import dev.faultline.analysis.ErrorLogEvidence;
import dev.faultline.analysis.Incident;
import dev.faultline.httpd.errorlog.ErrorLogEntry;
import dev.faultline.httpd.errorlog.ErrorLogParser;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Follows the attached server's error log, so that a sentinel attach sees a 500 or 403 without tracing a syscall:
 * each new entry that names its cause is an incident the moment it is written.
 */
final class ErrorLogWatch extends LogTail {
    private final String source;
    private final ErrorLogEvidence evidence;
    private final ErrorLogParser parser = new ErrorLogParser(ZoneId.systemDefault());
    private volatile IntConsumer onIncident = n -> { };
    private volatile boolean announce = true;
    private final List<Incident> incidents = new ArrayList<>();
    /** When (System.nanoTime) the last incident was found: an access-log 5xx just after it is that one. */
    private volatile long lastIncidentNanos = Long.MIN_VALUE;

    ErrorLogWatch(Path log, String source, ErrorLogEvidence evidence) {
        super(log);
        this.source = source;
        this.evidence = evidence;
    }

    /** Whether each incident is said on stderr the moment it is found (not when the trace says it already). */
    void announce(boolean on) {
        this.announce = on;
    }

    /** Called with the count of incidents so far, each time one is found. */
    void onIncident(IntConsumer c) {
        this.onIncident = c;
    }

    synchronized List<Incident> incidents() {
        return new ArrayList<>(incidents);
    }

    /** Whether an incident was found within {@code nanos} before now. */
    boolean explainedWithin(long nanos) {
        long last = lastIncidentNanos;
        return last != Long.MIN_VALUE && System.nanoTime() - last <= nanos;
    }

    @Override
    void line(long lineNo, String line) {
        ErrorLogEntry e = parser.parseLine(lineNo, line).orElse(null);
        Incident inc = e == null ? null : evidence.incidentFor(source, e);
        if (inc != null) {
            lastIncidentNanos = System.nanoTime();
            if (announce) {
                System.err.println("faultline: " + dev.faultline.report.TextReport.summaryLine(inc, inc.verdict) + " (from the error log)");
            }
            int n;
            synchronized (this) {
                incidents.add(inc);
                n = incidents.size();
            }
            onIncident.accept(n);
        }
    }
}
