package dev.faultline.analysis;

import dev.faultline.httpd.accesslog.AccessLogEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Apache's access log as the measure of an incident: how many requests it served in the window, how many got a 5xx
 * (or a 403), and for each incident how many answers of the same request failed the same way (its impact: one
 * broken page or the whole site), with the first and last time. The log says what failed, never why: it gives no
 * verdict. Memory stays bounded whatever the log's size.
 */
public final class AccessLogImpact {

    /** The span of time the entries are counted in; null ends are open. */
    public record Window(Instant from, Instant to) {
        boolean contains(Instant t) {
            return t == null ? from == null && to == null : (from == null || !t.isBefore(from)) && (to == null || !t.isAfter(to));
        }
    }

    /** One failing request's count: {@code errors} answers with a status of 500 or more (or 403), first and last. */
    public record Impact(String request, long errors, Map<Integer, Long> byStatus, Instant first, Instant last) {
    }

    private final Window window;
    private final List<String> sources = new ArrayList<>();
    private long requests;
    private long outside;
    private final Map<Integer, Long> failuresByStatus = new TreeMap<>();
    private final Map<String, Bucket> byRequest = new LinkedHashMap<>();
    private long untracked;

    private static final class Bucket {
        long errors;
        final Map<Integer, Long> byStatus = new TreeMap<>();
        Instant first;
        Instant last;
    }

    public AccessLogImpact(Window window) {
        this.window = window;
    }

    public void source(String name) {
        sources.add(name);
    }

    /** Counts one entry, when it falls in the window. */
    public void accept(AccessLogEntry e) {
        if (window != null && !window.contains(e.time())) {
            outside++;
            return;
        }
        requests++;
        if (!isFailure(e.status())) {
            return;
        }
        failuresByStatus.merge(e.status(), 1L, Long::sum);
        String key = key(e.method(), e.path());
        Bucket b = byRequest.get(key);
        if (b == null) {
            if (byRequest.size() >= dev.faultline.Limits.ACCESS_LOG_REQUESTS) {
                untracked++;
                return;
            }
            b = new Bucket();
            byRequest.put(key, b);
        }
        b.errors++;
        b.byStatus.merge(e.status(), 1L, Long::sum);
        if (e.time() != null) {
            b.first = b.first == null || e.time().isBefore(b.first) ? e.time() : b.first;
            b.last = b.last == null || e.time().isAfter(b.last) ? e.time() : b.last;
        }
    }

    /** Live: one more request in the window, known to be no failure without being parsed. */
    public void countRequest() {
        requests++;
    }

    /** A 5xx, or a 403 (which faultline explains when the server itself was refused a file). */
    static boolean isFailure(int status) {
        return status >= 500 && status <= 599 || status == 403;
    }

    private static String key(String method, String path) {
        return (method == null || method.isEmpty() ? "?" : method) + " " + (path == null ? "" : path);
    }

    /** Each HTTP error incident with a request line gets the count of the same request's failures. */
    public void apply(List<Incident> incidents) {
        for (Incident inc : incidents) {
            if (inc.kind != Incident.Kind.HTTP_ERROR || inc.requestLine == null) {
                continue;
            }
            String[] parts = inc.requestLine.split(" ");
            if (parts.length < 2) {
                continue;
            }
            String path = parts[1];
            int q = path.indexOf('?');
            String key = key(parts[0], q >= 0 ? path.substring(0, q) : path);
            Bucket b = byRequest.get(key);
            if (b != null) {
                inc.impact = new Impact(key, b.errors, Map.copyOf(b.byStatus), b.first, b.last);
            }
        }
    }

    public List<String> sources() {
        return sources;
    }

    public Window window() {
        return window;
    }

    public long requests() {
        return requests;
    }

    /** Entries left out because they fall outside the window. */
    public long outside() {
        return outside;
    }

    public Map<Integer, Long> failuresByStatus() {
        return failuresByStatus;
    }

    /** The failing requests, most failures first (at most {@code limit}). */
    public List<Impact> worst(int limit) {
        List<Impact> out = new ArrayList<>();
        byRequest.forEach((k, b) -> out.add(new Impact(k, b.errors, Map.copyOf(b.byStatus), b.first, b.last)));
        out.sort((a, b) -> Long.compare(b.errors(), a.errors()));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /**
     * Live: a 5xx the access log shows and the error log explains nowhere (an application's own 500, a backend's
     * 502/503): an incident with no verdict but its request, so that it is reported and counted, never lost.
     */
    public static Incident unexplained(String source, AccessLogEntry e, String what) {
        int pid = (int) Math.max(0, Math.min(Integer.MAX_VALUE, e.pid()));
        Incident inc = new Incident(Incident.Kind.HTTP_ERROR, pid, pid, source, e.line(),
                e.method() + " " + e.path() + " -> " + e.status());
        inc.status = e.status();
        inc.requestLine = e.method() + " " + e.path();
        inc.verdict = new Verdict(Verdict.Kind.UNKNOWN, 0.1, null, "no config file implicated: the access log shows HTTP " + e.status()
                + " for " + inc.requestLine + " and the error log names no cause; " + what, List.of());
        return inc;
    }

    /** Failing entries whose request was past {@link dev.faultline.Limits#ACCESS_LOG_REQUESTS} distinct ones: in the totals only. */
    public long untracked() {
        return untracked;
    }
}
