package dev.faultline.report;

import dev.faultline.trace.TraceEvent;
import java.time.Instant;

/**
 * Places a trace's times in real time. Epoch times (strace -ttt, and live captures) are that already; times of day
 * (-t, -tt) and -r sums are placed by when the trace's last line was written (the file's mtime), so a time
 * {@code ns} is {@code lastWritten - (lastNs - ns)}. Without a write time such times stay unplaced.
 *
 * @param lastNs      the trace's last time as it gives it, or {@link TraceEvent#NO_TIME}
 * @param lastWritten when that last line was written, or null when unknown (stdin, live)
 */
public record TraceClock(long lastNs, Instant lastWritten) {
    /** Places only epoch times: for live captures, and traces read from stdin. */
    public static final TraceClock EPOCH_ONLY = new TraceClock(TraceEvent.NO_TIME, null);

    /** A trace time at least this large is an epoch time (1973 onwards), not a time of day or a relative sum. */
    private static final long EPOCH_FROM_NS = 100_000_000L * 1_000_000_000L;

    public static boolean isEpoch(long ns) {
        return ns != TraceEvent.NO_TIME && ns >= EPOCH_FROM_NS;
    }

    /** The real instant of trace time {@code ns}, or null when it cannot be placed. */
    public Instant at(long ns) {
        if (ns == TraceEvent.NO_TIME) {
            return null;
        }
        if (isEpoch(ns)) {
            return Instant.ofEpochSecond(0, ns);
        }
        if (lastWritten == null || lastNs == TraceEvent.NO_TIME) {
            return null;
        }
        return lastWritten.minusNanos(lastNs - ns);
    }

    /** Zone offsets are whole quarter hours: what separates a local time of day from UTC. */
    private static final long QUARTER_HOUR_NS = 15L * 60 * 1_000_000_000L;
    private static final long DAY_NS = 86_400_000_000_000L;

    /**
     * A clock for a trace with times of day (-t/-tt, local time on the traced host) placed by an error-log entry
     * written at {@code logged} about the event traced at {@code traceNs}: the two are well under a minute apart,
     * so the difference between the log's instant and the time of day read as UTC, rounded to whole quarter hours,
     * is the host's zone offset (and the day). Exact to the trace's own precision, unlike a copied file's mtime.
     */
    public static TraceClock placedBy(long traceNs, Instant logged) {
        long midnight = Math.floorDiv(logged.getEpochSecond(), 86_400L) * DAY_NS;
        long loggedNs = logged.getEpochSecond() * 1_000_000_000L + logged.getNano();
        long offset = Math.round((double) (loggedNs - (midnight + Math.floorMod(traceNs, DAY_NS))) / QUARTER_HOUR_NS) * QUARTER_HOUR_NS;
        return new TraceClock(traceNs, Instant.ofEpochSecond(0, midnight + Math.floorMod(traceNs, DAY_NS) + offset));
    }
}
