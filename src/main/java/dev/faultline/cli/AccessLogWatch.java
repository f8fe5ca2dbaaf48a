package dev.faultline.cli;

import dev.faultline.analysis.AccessLogImpact;
import dev.faultline.analysis.Incident;
import dev.faultline.httpd.accesslog.AccessLogEntry;
import dev.faultline.httpd.accesslog.AccessLogFormat;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows one of the attached server's access logs (a CustomLog file): every request is counted (the incidents'
 * impact), and a 5xx that the error log explains nowhere becomes an incident of its own and asks for a bounded full
 * trace, so that the next such answer comes with its history. Like the error-log watch it only reads a file.
 */
final class AccessLogWatch extends LogTail {
    /** An access-log line is written when the answer is sent, after any error-log entry of the request. */
    static final long GRACE_NANOS = 500_000_000L;
    /** An error-log incident this recent explains a 5xx (both logs are polled, each every {@link #POLL_MS}). */
    static final long EXPLAINED_WITHIN_NANOS = 3_000_000_000L;

    private record Pending(AccessLogEntry entry, long seenNanos) {
    }

    private final String source;
    private final AccessLogFormat format;
    private final ZoneId zone = ZoneId.systemDefault();
    private final java.util.function.LongPredicate errors;
    private final Consumer<String> escalate;
    private final AccessLogImpact impact;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final List<Incident> unexplained = new ArrayList<>();
    private volatile boolean reportUnexplained = true;

    /**
     * @param errors   whether an error-log watch found an incident within the given nanoseconds (which explains a 5xx)
     * @param escalate asks the tracer for a bounded full trace, with the reason
     */
    AccessLogWatch(Path log, String source, AccessLogFormat format, java.util.function.LongPredicate errors, Consumer<String> escalate,
            AccessLogImpact impact) {
        super(log);
        this.source = source;
        this.format = format;
        this.errors = errors;
        this.escalate = escalate;
        this.impact = impact;
    }

    /** Whether a 5xx the error log does not explain becomes an incident and asks for a bounded full trace (sentinel). */
    void reportUnexplained(boolean on) {
        this.reportUnexplained = on;
    }

    @Override
    boolean wanted(CharSequence buf, int start, int end) {
        if (mayHoldFailure(buf, start, end)) {
            return true;
        }
        // most lines are 200s: counted without a String or the format's regex, so a busy log costs little to follow
        synchronized (impact) {
            impact.countRequest();
        }
        return false;
    }

    @Override
    void line(long lineNo, String text) {
        AccessLogEntry e = format.match(lineNo, text, zone).orElse(null);
        if (e == null) {
            return;
        }
        synchronized (impact) {
            impact.accept(e);
        }
        if (reportUnexplained && e.status() >= 500 && e.status() <= 599) {
            pending.addLast(new Pending(e, System.nanoTime()));
        }
    }

    @Override
    void polled() {
        long now = System.nanoTime();
        while (!pending.isEmpty() && now - pending.peekFirst().seenNanos() >= GRACE_NANOS) {
            AccessLogEntry e = pending.removeFirst().entry();
            if (errors.test(EXPLAINED_WITHIN_NANOS)) {
                continue;
            }
            String what = "the requests of the next 30 s are traced in full, so the next one comes with its history";
            Incident inc = AccessLogImpact.unexplained(source, e, what);
            synchronized (this) {
                if (unexplained.size() < dev.faultline.Limits.LOG_INCIDENTS) {
                    unexplained.add(inc);
                }
            }
            System.err.println("faultline: " + dev.faultline.report.TextReport.summaryLine(inc, inc.verdict) + " (from the access log)");
            escalate.accept("HTTP " + e.status() + " for " + e.method() + " " + e.path() + " with no cause in the error log");
        }
    }

    /** Whether the line has a token that could be a failing status: three digits, 5xx or 403, alone between spaces. */
    static boolean mayHoldFailure(CharSequence line) {
        return mayHoldFailure(line, 0, line.length());
    }

    static boolean mayHoldFailure(CharSequence s, int start, int end) {
        for (int i = start; i + 4 <= end; i++) {
            if (s.charAt(i) != ' ') {
                continue;
            }
            int d = i + 1;
            char c = s.charAt(d);
            if ((c == '5' || c == '4') && (d + 3 == end || s.charAt(d + 3) == ' ')
                    && Character.isDigit(s.charAt(d + 1)) && Character.isDigit(s.charAt(d + 2))
                    && (c == '5' || s.charAt(d + 1) == '0' && s.charAt(d + 2) == '3')) {
                return true;
            }
        }
        return false;
    }

    synchronized List<Incident> incidents() {
        return new ArrayList<>(unexplained);
    }
}
