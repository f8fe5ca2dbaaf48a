package dev.faultline.report;

import dev.faultline.analysis.AccessLogImpact;
import dev.faultline.analysis.Candidate;
import dev.faultline.analysis.Evidence;
import dev.faultline.analysis.Incident;
import dev.faultline.analysis.Verdict;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report as a postmortem draft in Markdown (CommonMark with GFM tables; docs/postmortem.md): Issue Summary
 * with its impact, Timeline, Root Cause and Resolution (one per distinct culprit, with an evidence table quoting
 * each line where it was read), and Corrective and Preventative Measures. Every untrusted string goes through
 * {@link Markdown}: secrets masked, nothing can break a table or inject markup. A number faultline does not know
 * is said to be unknown, never 0; a crash with no config culprit says so and names none.
 */
public final class MarkdownReport {
    /** Where an unknown count comes from: said next to it, so nobody reads it as zero. */
    static final String NO_ACCESS_LOG = "unknown (no access log given)";
    /** The main config when the analysis did not find the server's own: Debian's. */
    static final String DEFAULT_CONFIG = "/etc/apache2/apache2.conf";

    private final Report r;
    private final StringBuilder sb = new StringBuilder();
    /** The incidents grouped by root cause (same culprit, or the same no-culprit signature), in report order. */
    private final List<RootCauses.Cause> causes;

    /** Places the trace's times: see {@link #clock()}. */
    private final TraceClock clock;
    /** How times of day were placed on a date, said in the timeline; null for epoch times. */
    private String clockNote;

    private MarkdownReport(Report r) {
        this.r = r;
        this.clock = clock();
        this.causes = RootCauses.of(r.incidents);
    }

    /**
     * Times of day (-t/-tt) are placed on a date by an error-log entry about the same incident when there is one
     * (exact), else by the trace file's modification time (as the report's clock does: wrong for a copied file).
     */
    private TraceClock clock() {
        for (int i = 0; i < r.incidents.size(); i++) {
            Incident inc = r.incidents.get(i);
            if (inc.fromErrorLog || inc.timeNs == dev.faultline.trace.TraceEvent.NO_TIME || TraceClock.isEpoch(inc.timeNs)) {
                continue;
            }
            Instant logged = inc.errorLogTime;
            for (Incident o : r.incidents) {
                // the error log's own record of the same crash (AH00051 names the pid)
                if (logged == null && o.fromErrorLog && o.kind == inc.kind && o.pid == inc.pid) {
                    logged = o.errorLogTime;
                }
            }
            if (logged != null) {
                clockNote = "The trace gives times of day; they are placed on the date and zone by the error log's entry about incident "
                        + (i + 1) + ".";
                return TraceClock.placedBy(inc.timeNs, logged);
            }
        }
        for (Incident inc : r.incidents) {
            if (!inc.fromErrorLog && inc.timeNs != dev.faultline.trace.TraceEvent.NO_TIME && !TraceClock.isEpoch(inc.timeNs)
                    && r.clock.at(inc.timeNs) != null) {
                clockNote = "The trace gives times of day; they are placed by the trace file's modification time, "
                        + "which is wrong for a copied file (give the error log to place them exactly).";
                break;
            }
        }
        return r.clock;
    }

    public static String render(Report r) {
        return new MarkdownReport(r).render();
    }

    private String render() {
        sb.append("# Postmortem draft: ").append(title()).append("\n\n");
        sb.append("Drafted by faultline at ").append(time(r.generatedAt))
                .append(" from the files listed under *What was examined*. All times are UTC (ISO-8601). ")
                .append("Check every statement before sharing.\n\n");
        summary();
        timeline();
        rootCauses();
        measures();
        // one newline at the end, none doubled (markdownlint MD012/MD047)
        while (sb.length() > 1 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 2) == '\n') {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    private int causeOf(int incident) {
        for (int c = 0; c < causes.size(); c++) {
            if (causes.get(c).incidents().contains(incident)) {
                return c;
            }
        }
        return -1;
    }

    // --- title and summary ---------------------------------------------------------------------------------------

    private String title() {
        if (r.incidents.isEmpty()) {
            return "no incident found";
        }
        List<String> what = new ArrayList<>();
        Set<String> signals = new LinkedHashSet<>();
        Set<Integer> statuses = new LinkedHashSet<>();
        for (Incident inc : r.incidents) {
            if (inc.kind == Incident.Kind.CRASH) {
                signals.add(inc.signal == null ? "a fatal signal" : inc.signal);
            } else {
                statuses.add(inc.status);
            }
        }
        if (!signals.isEmpty()) {
            what.add(capitalized(server()) + " crashed (" + Markdown.text(String.join(", ", signals)) + ")");
        }
        if (!statuses.isEmpty()) {
            what.add((signals.isEmpty() ? capitalized(server()) + " answered HTTP " : "answered HTTP ") + join(statuses.stream().map(String::valueOf).toList()));
        }
        List<String> culprits = culprits();
        return String.join(" and ", what) + (culprits.isEmpty() ? ", no config culprit named" : ": " + String.join(", ", culprits));
    }

    /** "Apache httpd" when the evidence shows it was (its configuration, or httpd knowledge in a verdict). */
    private boolean httpd() {
        boolean httpd = r.configFile != null;
        for (Incident inc : r.incidents) {
            httpd |= inc.httpdFacts != null || inc.verdict != null && (inc.verdict.phase != null || inc.verdict.module != null)
                    || inc.fromErrorLog;
        }
        return httpd;
    }

    private String server() {
        return httpd() ? "Apache httpd" : "the traced program";
    }

    /** Each distinct culprit as {@code file:line}, quoted. */
    private List<String> culprits() {
        List<String> out = new ArrayList<>();
        for (RootCauses.Cause c : causes) {
            Verdict v = c.lead().verdict;
            if (v != null && v.culprit != null) {
                out.add(Markdown.code(location(v.culprit), false));
            }
        }
        return out;
    }

    private void summary() {
        sb.append("## Issue Summary\n\n");
        if (r.incidents.isEmpty()) {
            sb.append("faultline found no crash and no HTTP 5xx answer in what it examined (below). ")
                    .append("If users saw errors, the failure is outside this capture: trace longer or attach to every child ")
                    .append("(`faultline attach`), and give the server's error and access logs.\n\n");
        } else {
            Instant from = firstFailure();
            sb.append(from == null ? "At a time the evidence does not give, " : "Starting at " + time(from) + ", ")
                    .append(summarySentence()).append("\n\n");
        }
        impact();
        if (!r.incidents.isEmpty()) {
            incidentTable();
        }
        examined();
    }

    private String summarySentence() {
        long crashes = crashPids().size();
        long errors = r.incidents.stream().filter(i -> i.kind == Incident.Kind.HTTP_ERROR).count();
        List<String> parts = new ArrayList<>();
        if (crashes > 0) {
            parts.add(server() + " had " + crashes + (httpd() ? " child crash" : " crash") + (crashes == 1 ? "" : "es"));
        }
        if (errors > 0) {
            parts.add((parts.isEmpty() ? server() + " answered " : "answered ") + errors + " distinct failing request"
                    + (errors == 1 ? "" : "s") + " with an error");
        }
        String causesText;
        long named = causes.stream().filter(c -> c.lead().verdict != null && c.lead().verdict.culprit != null).count();
        if (named == 0) {
            causesText = "faultline names no config culprit for " + (crashes + errors == 1 ? "it" : "them") + " (see Root Cause).";
        } else {
            causesText = "faultline traces " + (crashes + errors == 1 ? "it" : "them") + " to " + String.join(", ", culprits())
                    + (named < causes.size() ? " (some incidents have no config culprit)" : "") + ".";
        }
        return String.join(" and ", parts) + ". " + causesText;
    }

    /** Distinct pids of the crashes (the trace's and the error log's record of them are one crash). */
    private Set<Integer> crashPids() {
        Set<Integer> pids = new LinkedHashSet<>();
        for (Incident inc : r.incidents) {
            if (inc.kind == Incident.Kind.CRASH) {
                pids.add(inc.pid);
            }
        }
        return pids;
    }

    private void impact() {
        sb.append("### Impact\n\n");
        AccessLogImpact a = r.accessLog;
        long crashes = crashPids().size();
        if (a == null) {
            sb.append("- Requests in the window: ").append(NO_ACCESS_LOG).append('\n');
            sb.append("- HTTP 5xx answers: ").append(NO_ACCESS_LOG).append('\n');
        } else {
            long requests = a.requests();
            long fivexx = 0;
            long forbidden = 0;
            for (Map.Entry<Integer, Long> e : a.failuresByStatus().entrySet()) {
                if (e.getKey() >= 500) {
                    fivexx += e.getValue();
                } else {
                    forbidden += e.getValue();
                }
            }
            sb.append("- Requests in the window: ").append(requests).append(" (access log")
                    .append(a.window() == null ? ", whole file" : ", " + time(a.window().from()) + " to " + time(a.window().to()))
                    .append(a.outside() > 0 ? "; " + a.outside() + (a.outside() == 1 ? " entry" : " entries") + " outside the window not counted" : "").append(")\n");
            sb.append("- HTTP 5xx answers: ").append(fivexx).append(share(fivexx, requests))
                    .append(fivexx > 0 ? ": " + byStatus(a.failuresByStatus(), true) : "").append('\n');
            if (forbidden > 0) {
                sb.append("- HTTP 403 answers: ").append(forbidden).append(share(forbidden, requests)).append('\n');
            }
            if (windowMissesIncidents()) {
                // the window came from the trace file's mtime; a copied file moves it away from the incidents
                sb.append("- Caution: the access log was counted in a window that does not hold the first incident (")
                        .append(time(firstFailure())).append("): its counts miss the incidents. Give `--access-log` to count the whole file.\n");
            }
            if (a.untracked() > 0) {
                sb.append("- Failing entries counted in the totals only (too many distinct requests): ").append(a.untracked()).append('\n');
            }
        }
        if (!r.traced) {
            sb.append("- Crashes: ").append(crashes > 0 ? crashes + " reported by the error log" : "none reported by the error log")
                    .append(" (no trace given)\n");
        } else {
            sb.append("- Crashes: ").append(crashes).append(" (trace")
                    .append(a != null && crashes > 0 && !windowMissesIncidents() ? "; a crashed request never reaches the access log, so it comes on top of the requests above: "
                            + crashes + " of " + (a.requests() + crashes) + " requests" + percent(crashes, a.requests() + crashes) : "")
                    .append(")\n");
        }
        if (r.droppedIncidents > 0) {
            sb.append("- Incidents seen but not analyzed (over the limit): ").append(r.droppedIncidents).append('\n');
        }
        if (a != null) {
            List<AccessLogImpact.Impact> worst = a.worst(5);
            if (!worst.isEmpty()) {
                sb.append("- Most failing requests:\n");
                for (AccessLogImpact.Impact i : worst) {
                    sb.append("  - ").append(Markdown.code(i.request(), false)).append(": ").append(i.errors()).append(" (")
                            .append(byStatus(i.byStatus(), false)).append(i.first() == null ? "" : ", " + time(i.first()) + " to " + time(i.last()))
                            .append(")\n");
                }
            }
        }
        sb.append('\n');
    }

    /** The access log was counted in a window (placed by the trace file's mtime) that does not hold the first incident. */
    private boolean windowMissesIncidents() {
        AccessLogImpact a = r.accessLog;
        Instant first = firstFailure();
        return a != null && a.window() != null && first != null && (a.window().from() != null && first.isBefore(a.window().from())
                || a.window().to() != null && first.isAfter(a.window().to()));
    }

    private static String share(long part, long whole) {
        return whole <= 0 ? "" : String.format(Locale.ROOT, " (%.2f%% of requests)", 100.0 * part / whole);
    }

    private static String percent(long part, long whole) {
        return whole <= 0 ? "" : String.format(Locale.ROOT, " (%.2f%%)", 100.0 * part / whole);
    }

    private static String byStatus(Map<Integer, Long> by, boolean only5xx) {
        List<String> out = new ArrayList<>();
        new java.util.TreeMap<>(by).forEach((k, v) -> {
            if (!only5xx || k >= 500) {
                out.add(v + " × " + k);
            }
        });
        return String.join(", ", out);
    }

    private void incidentTable() {
        sb.append("### Incidents\n\n");
        sb.append("| # | What | Time (UTC) | pid/tid | Request | Where seen | Root cause |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < r.incidents.size(); i++) {
            Incident inc = r.incidents.get(i);
            Instant t = timeOf(inc);
            sb.append("| ").append(i + 1)
                    .append(" | ").append(what(inc))
                    .append(" | ").append(t == null ? "unknown" : time(t))
                    .append(" | ").append(inc.pid).append('/').append(inc.tid)
                    .append(" | ").append(inc.requestLine == null ? "unknown" : Markdown.code(inc.requestLine, true))
                    .append(" | ").append(Markdown.code(inc.source + ":" + inc.line, true))
                    .append(" | ").append(causeOf(i) + 1)
                    .append(" |\n");
        }
        sb.append('\n');
    }

    private static String what(Incident inc) {
        if (inc.kind == Incident.Kind.CRASH) {
            return "crash " + Markdown.text(inc.signal == null ? "" : inc.signal) + (inc.fromErrorLog ? " (error log)" : "");
        }
        return "HTTP " + inc.status + (inc.fromErrorLog ? " (error log)" : "");
    }

    private void examined() {
        sb.append("### What was examined\n\n");
        if (r.traced) {
            sb.append("- Traces: ").append(list(r.traces)).append(" (").append(r.stats.lines).append(" lines, ").append(r.stats.syscalls)
                    .append(" calls, ").append(r.stats.signals).append(" signals, ").append(r.stats.unknownLines).append(" not understood)\n");
        } else {
            sb.append("- Traces: none\n");
        }
        sb.append("- Error logs: ").append(r.errorLogs.isEmpty() ? "none" : list(r.errorLogs)).append('\n');
        sb.append("- Access logs: ").append(r.accessLog == null ? "none" : list(r.accessLog.sources())).append('\n');
        List<String> cores = new ArrayList<>();
        for (Incident inc : r.incidents) {
            if (inc.core != null) {
                cores.add(inc.core.file());
            }
        }
        sb.append("- Core dumps: ").append(cores.isEmpty() ? "none" : list(cores)).append('\n');
        sb.append("- Server configuration: ").append(r.configFile == null ? "not identified" : Markdown.code(r.configFile, false)).append("\n\n");
    }

    private static String list(List<String> items) {
        List<String> out = new ArrayList<>();
        for (String s : items) {
            out.add(Markdown.code(s, false));
        }
        return String.join(", ", out);
    }

    // --- timeline ------------------------------------------------------------------------------------------------

    /** One timeline entry; a null time sorts last and is said to be unknown. */
    private record Event(Instant at, String what) {
    }

    private void timeline() {
        sb.append("## Timeline\n\n");
        if (clockNote != null) {
            sb.append(clockNote).append("\n\n");
        }
        List<Event> events = new ArrayList<>();
        firstOf(events, Incident.Kind.CRASH, "first crash");
        firstOf(events, Incident.Kind.HTTP_ERROR, "first HTTP error answer");
        Instant firstAnchor = null;
        Instant lastAnchor = null;
        for (Incident inc : r.incidents) {
            Instant t = traceTime(inc);
            firstAnchor = t != null && (firstAnchor == null || t.isBefore(firstAnchor)) ? t : firstAnchor;
            lastAnchor = t != null && (lastAnchor == null || t.isAfter(lastAnchor)) ? t : lastAnchor;
        }
        if (r.accessLog != null) {
            AccessLogImpact.Impact firstLogged = null;
            for (AccessLogImpact.Impact i : r.accessLog.worst(Integer.MAX_VALUE)) {
                if (i.first() != null && (firstLogged == null || i.first().isBefore(firstLogged.first()))) {
                    firstLogged = i;
                }
            }
            if (firstLogged != null) {
                events.add(new Event(firstLogged.first(), "first failing answer in the access log: " + Markdown.code(firstLogged.request(), false)
                        + " (" + byStatus(firstLogged.byStatus(), false) + " in the window)"));
            }
        }
        int logged = -1;
        for (int i = 0; i < r.incidents.size(); i++) {
            Instant t = r.incidents.get(i).errorLogTime;
            if (t != null && (logged < 0 || t.isBefore(r.incidents.get(logged).errorLogTime))) {
                logged = i;
            }
        }
        if (logged >= 0) {
            Incident inc = r.incidents.get(logged);
            events.add(new Event(inc.errorLogTime, "first error-log entry about incident " + (logged + 1)
                    + (inc.fromErrorLog ? ": " + Markdown.code(inc.text, false) + " (" + Markdown.code(inc.source + ":" + inc.line, false) + ")" : "")));
        } else if (!r.incidents.isEmpty()) {
            events.add(new Event(null, r.errorLogs.isEmpty() ? "first error-log entry: unknown (no error log given)"
                    : "first error-log entry: none with a time names these incidents"));
        }
        if (lastAnchor != null && lastAnchor.isAfter(firstAnchor)) {
            events.add(new Event(lastAnchor, "last incident in the trace"));
        }
        List<String> culprits = culprits();
        events.add(new Event(r.generatedAt, r.incidents.isEmpty() ? "faultline analysis: no incident found (this draft)"
                : culprits.isEmpty() ? "faultline analysis: no config culprit named (this draft)"
                : "faultline named the culprit" + (culprits.size() > 1 ? "s " : " ") + String.join(", ", culprits) + " (this draft)"));
        events.sort(Comparator.comparing(Event::at, Comparator.nullsLast(Comparator.naturalOrder())));
        for (Event e : events) {
            sb.append("- ").append(e.at() == null ? "time unknown" : "**" + time(e.at()) + "**").append(": ").append(e.what()).append('\n');
        }
        sb.append('\n');
    }

    /** The first traced incident of a kind, with its time (or unknown, and why). */
    private void firstOf(List<Event> events, Incident.Kind kind, String label) {
        int best = -1;
        Instant bestAt = null;
        for (int i = 0; i < r.incidents.size(); i++) {
            Incident inc = r.incidents.get(i);
            if (inc.kind != kind || inc.fromErrorLog) {
                continue;
            }
            Instant t = traceTime(inc);
            if (best < 0 || t != null && (bestAt == null || t.isBefore(bestAt))) {
                best = i;
                bestAt = t;
            }
        }
        if (best < 0) {
            return;
        }
        Incident inc = r.incidents.get(best);
        String what = label + " (incident " + (best + 1) + "): " + (kind == Incident.Kind.CRASH
                ? "pid " + inc.pid + " " + Markdown.text(inc.outcome != null ? inc.outcome : "got " + inc.signal)
                : "HTTP " + inc.status + (inc.requestLine == null ? "" : " to " + Markdown.code(inc.requestLine, false)))
                + " at " + Markdown.code(inc.source + ":" + inc.line, false)
                + (bestAt == null ? " (the trace has no usable timestamps: record with strace -tt or -ttt)" : "");
        events.add(new Event(bestAt, what));
    }

    private Instant traceTime(Incident inc) {
        return inc.fromErrorLog ? null : clock.at(inc.timeNs);
    }

    private Instant timeOf(Incident inc) {
        Instant t = traceTime(inc);
        return t != null ? t : inc.errorLogTime;
    }

    private Instant firstFailure() {
        Instant first = null;
        for (Incident inc : r.incidents) {
            Instant t = timeOf(inc);
            first = t != null && (first == null || t.isBefore(first)) ? t : first;
        }
        return first;
    }

    static String time(Instant t) {
        return t == null ? "unknown" : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    // --- root cause and resolution -------------------------------------------------------------------------------

    private void rootCauses() {
        sb.append("## Root Cause and Resolution\n\n");
        if (r.incidents.isEmpty()) {
            sb.append("No incident, so no root cause: nothing in the examined files crashed or answered a 5xx.\n\n");
            return;
        }
        for (int c = 0; c < causes.size(); c++) {
            rootCause(c + 1, causes.get(c));
        }
    }

    private void rootCause(int n, RootCauses.Cause cause) {
        Incident inc = cause.lead();
        Verdict v = inc.verdict;
        Candidate culprit = v == null ? null : v.culprit;
        sb.append("### Root cause ").append(n).append(": ")
                .append(culprit != null ? Markdown.code(location(culprit), false) : "no config culprit").append("\n\n");
        sb.append("- Incidents: ").append(join(cause.incidents().stream().map(i -> String.valueOf(i + 1)).toList()))
                .append(cause.incidents().size() > 1 ? " (one cause: the same " + (culprit != null ? "culprit" : "signature") + ")" : "").append('\n');
        if (v == null) {
            sb.append("- Verdict: none\n\n");
            return;
        }
        sb.append("- Verdict: ").append(v.kind.label()).append(String.format(Locale.ROOT, " (confidence %.2f)", v.confidence)).append('\n');
        if (culprit != null) {
            sb.append("- File and line: ").append(Markdown.code(location(culprit), false)).append('\n');
            String directive = v.directive != null ? v.directive : culprit.directive;
            if (directive != null) {
                sb.append("- Directive: ").append(Markdown.code(directive, false)).append('\n');
            }
            if (culprit.names != null) {
                sb.append("- Names the missing file: ").append(Markdown.code(culprit.names, false)).append('\n');
            }
            if (culprit.includer != null) {
                sb.append("- Needed by: ").append(Markdown.code(culprit.includer, false)).append('\n');
            }
        }
        if (v.module != null) {
            sb.append("- Module: ").append(Markdown.code(v.module, false))
                    .append(v.function != null ? " (function " + Markdown.code(v.function, false) + ")" : "").append('\n');
        }
        if (v.phase != null) {
            sb.append("- Phase: ").append(Markdown.text(v.phase.label)).append('\n');
        }
        if (culprit != null) {
            sb.append("- Why: ").append(Markdown.text(v.reason)).append("\n\n");
        } else {
            // never invent a culprit: say plainly there is none, and what the evidence does say
            sb.append("- No config culprit: ").append(Markdown.text(v.reason)).append("\n\n");
        }
        evidenceTable(n, cause);
        sb.append("#### Resolution of root cause ").append(n).append("\n\n");
        if (culprit != null) {
            fixHint(culprit, v, cause.lead().fix);
        } else {
            sb.append("No config line to change. ");
            sb.append(v.kind == Verdict.Kind.CODE
                    ? "The fault is in code, not configuration: take the quoted evidence to the code's owners.\n\n"
                    : "Capture more of the next occurrence (see the measures below) before changing anything.\n\n");
        }
    }

    /** The evidence quoted where it was read: the anchor, the culprit's lines, then the lines joined to the incident. */
    private void evidenceTable(int n, RootCauses.Cause cause) {
        record Row(String location, String quote, String shows) {
        }
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int index : cause.incidents()) {
            Incident inc = r.incidents.get(index);
            String at = inc.source + ":" + inc.line;
            if (seen.add(at)) {
                rows.add(new Row(at, inc.text, "incident " + (index + 1) + ": " + (inc.kind == Incident.Kind.CRASH ? "the crash" : "the error answer")));
            }
        }
        Incident inc = cause.lead();
        Verdict v = inc.verdict;
        if (v != null && v.culprit != null) {
            for (Evidence e : v.culprit.evidence) {
                for (Evidence.LogLine l : e.log) {
                    if (seen.add(l.source + ":" + l.line)) {
                        rows.add(new Row(l.source + ":" + l.line, l.text, Markdown.text(e.reason)));
                    }
                }
            }
        }
        for (int index : cause.incidents()) {
            for (Evidence.LogLine l : r.incidents.get(index).related) {
                if (seen.add(l.source + ":" + l.line)) {
                    rows.add(new Row(l.source + ":" + l.line, l.text, "joined to incident " + (index + 1)));
                }
            }
        }
        sb.append("#### Evidence for root cause ").append(n).append("\n\n");
        sb.append("| Location | Quoted line | What it shows |\n");
        sb.append("| --- | --- | --- |\n");
        for (Row row : rows) {
            sb.append("| ").append(Markdown.code(row.location(), true)).append(" | ").append(Markdown.code(row.quote(), true))
                    .append(" | ").append(row.shows()).append(" |\n");
        }
        sb.append('\n');
    }

    private void fixHint(Candidate culprit, Verdict v, dev.faultline.httpd.fix.FixHint fix) {
        sb.append("Change ").append(Markdown.code(location(culprit), false)).append(", then check the configuration ")
                .append("(`apache2ctl -t`) and reload (`apache2ctl graceful`).\n\n");
        if (fix == null) {
            // no exact fix: the evidence only says what was meant, or why
            sb.append(renderFixHint(fixHintText(culprit, v)));
            return;
        }
        sb.append(renderFixHint(fix.explanation()));
        String diff = fix.isEdit() ? FixDiff.render(fix) : null;
        if (diff != null) {
            sb.append("The change, for `patch -p0` run from `/` (or from the `--root` copy):\n\n")
                    .append(Markdown.block("diff", diff.strip())).append('\n');
        } else if (!fix.isEdit()) {
            sb.append("The change:\n\n").append(Markdown.block("sh", fix.shellCommand())).append('\n');
        }
        String puppet = PuppetFileLine.render(fix);
        if (puppet != null) {
            sb.append("The same change as a Puppet resource (the tool of the original postmortem):\n\n")
                    .append(Markdown.block("puppet", puppet.strip())).append('\n');
        }
    }

    /**
     * The fix hint's text when no exact fix is known: the evidence that says what was meant ("did you mean"), else
     * the verdict's reason. {@link #renderFixHint} renders whatever it gives.
     */
    static String fixHintText(Candidate culprit, Verdict v) {
        for (Evidence e : culprit.evidence) {
            if (e.reason != null && e.reason.contains("did you mean")) {
                return e.reason;
            }
        }
        return v.reason;
    }

    /**
     * The one rendering step for a fix hint, whatever gives it: one line becomes a sentence, several lines (a diff,
     * a corrected block) a fenced block. Untrusted either way: escaped and redacted like every quote.
     */
    static String renderFixHint(String hint) {
        if (hint == null || hint.isBlank()) {
            return "";
        }
        String h = hint.strip();
        if (h.contains("\n")) {
            boolean diff = h.startsWith("---") || h.startsWith("@@") || h.startsWith("diff ");
            return "Fix hint:\n\n" + Markdown.block(diff ? "diff" : "text", h) + "\n";
        }
        return "Fix hint: " + Markdown.text(h) + "\n\n";
    }

    private static String location(Candidate c) {
        return c.path + (c.line != null ? ":" + c.line : "");
    }

    // --- measures ------------------------------------------------------------------------------------------------

    private void measures() {
        sb.append("## Corrective and Preventative Measures\n\n");
        int n = 1;
        for (int c = 0; c < causes.size(); c++) {
            Verdict v = causes.get(c).lead().verdict;
            if (v != null && v.culprit != null) {
                sb.append(n++).append(". Fix root cause ").append(c + 1).append(": correct or remove ")
                        .append(v.directive != null ? Markdown.code(v.directive, false) + " at " : "the line ")
                        .append(Markdown.code(location(v.culprit), false)).append(", and roll the change out by the usual configuration management (Puppet, Ansible, ...) so every server gets it.\n");
            } else {
                sb.append(n++).append(". Root cause ").append(c + 1).append(" has no config culprit: capture the next occurrence in full ")
                        .append("(`faultline attach` with `CoreDumpDirectory` set, so a core is written too).\n");
            }
        }
        String config = r.configFile != null ? r.configFile : DEFAULT_CONFIG;
        sb.append(n++).append(". Config checks in CI: check the configuration before it reaches a server")
                .append(r.configFile == null ? " (the main config was not identified from the evidence; Debian's is shown)" : "")
                .append(". Add this line to the pipeline (docs/ci.md):\n\n");
        sb.append(indent(Markdown.block("sh", "faultline check --config " + shellQuote(config) + " --format junit"), "   ")).append('\n');
        sb.append(n++).append(". Routine audits: review the directives of modules not shipped with httpd (`apache2ctl -t -D DUMP_MODULES`) ")
                .append("and every `.htaccess` that `AllowOverride` lets change the server.\n");
        sb.append(n++).append(". Better monitoring: alert on `AH00051`/`AH00052` (a child died) in the error log and on the share of 5xx in the access log, ")
                .append("and keep `CoreDumpDirectory` set so the next crash leaves a core.\n");
        if (!r.hints.isEmpty()) {
            sb.append(n).append(". What the evidence could not show, and how to get it:\n");
            for (String h : r.hints) {
                sb.append("   - ").append(Markdown.text(h)).append('\n');
            }
        }
        sb.append('\n');
        if (!r.warnings.isEmpty()) {
            sb.append("### Caveats\n\n");
            for (String w : r.warnings) {
                sb.append("- ").append(Markdown.text(w)).append('\n');
            }
            sb.append('\n');
        }
    }

    private static String indent(String block, String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : block.split("\n")) {
            out.append(prefix).append(line).append('\n');
        }
        return out.toString();
    }

    /** A word the shell reads as itself: quoted when it holds anything but safe characters. */
    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String join(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
