package dev.faultline.report;

import dev.faultline.analysis.Incident;
import dev.faultline.trace.ParseStats;
import java.util.ArrayList;
import java.util.List;

/** Everything an analysis produced, ready to render as text or JSON. */
public final class Report {
    public final List<String> traces;
    public final List<Incident> incidents;
    public final ParseStats stats;
    public final List<String> warnings = new ArrayList<>();
    /** What the evidence cannot show, each with the command that would show it (docs/json.md, hints). */
    public final List<String> hints = new ArrayList<>();
    public long droppedIncidents;
    /** False when only logs were read (analyze --error-log with no trace): there is no parse to tell of. */
    public boolean traced = true;
    /** What the access logs say of the window: requests, failures, the worst requests; null when none was read. */
    public dev.faultline.analysis.AccessLogImpact accessLog;
    /** The error logs read, given or the server's own (for saying what was examined). */
    public final List<String> errorLogs = new ArrayList<>();
    /** Places the trace's times in real time. */
    public TraceClock clock = TraceClock.EPOCH_ONLY;
    /** When this report was made: when faultline named its culprits. */
    public java.time.Instant generatedAt = java.time.Instant.now();
    /** The server's main config file and ServerRoot as the analysis read them (paths as the server names them), or null. */
    public String configFile;
    public String serverRoot;

    public Report(List<String> traces, List<Incident> incidents, ParseStats stats) {
        this.traces = traces;
        this.incidents = incidents;
        this.stats = stats;
    }
}
