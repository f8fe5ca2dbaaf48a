package dev.faultline.trace;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

/**
 * Renders events as strace text: the strace-log output of {@code attach}/{@code run} ({@code -f -tt -T -y} form, which
 * strace tools and faultline's own parser read), and the evidence line of a live event. {@link StraceParser} reads it
 * back to the same events (the round-trip test holds it to that).
 */
public final class StraceWriter {
    /** How times are written. */
    public enum Clock {
        /** strace -tt: local HH:MM:SS.micros, from epoch times (a live capture). */
        LOCAL,
        /** Lossless: HH:MM:SS.nanos for times of day (-t, -tt, -r), epoch seconds.nanos for epoch times. */
        EXACT
    }

    /** Epoch times are at least this (1973); smaller ones are times of day or since the start. */
    private static final long EPOCH_FLOOR_NS = 100_000_000L * 1_000_000_000L;

    private final Clock clock;
    private final ZoneId zone;
    private final StringBuilder sb = new StringBuilder(256);
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedHms;

    public StraceWriter(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    private static final ThreadLocal<StraceWriter> EVIDENCE = ThreadLocal.withInitial(
            () -> new StraceWriter(Clock.LOCAL, ZoneId.systemDefault()));

    /** The evidence line of an event that has no text of its own (a live event). */
    static String line(TraceEvent e) {
        return EVIDENCE.get().render(e);
    }

    /** The event's line(s), without the final newline. */
    public String render(TraceEvent e) {
        sb.setLength(0);
        if (e.kind == TraceEvent.Kind.STRACE_MESSAGE) {
            sb.append("strace: Process ").append(e.otherPid).append(' ').append(e.name);
            return sb.toString();
        }
        if (e.tid > 0) {
            sb.append(e.tid).append(' ');
        }
        if (e.timeNs != TraceEvent.NO_TIME) {
            time(e.timeNs);
            sb.append(' ');
        }
        switch (e.kind) {
            case SYSCALL:
                call(e);
                break;
            case SIGNAL:
                signal(e);
                break;
            case EXITED:
                sb.append("+++ exited with ").append(e.exitCode).append(" +++");
                break;
            case KILLED:
                sb.append("+++ killed by ").append(e.signalName()).append(e.coreDumped ? " (core dumped)" : "").append(" +++");
                break;
            case SUPERSEDED:
                sb.append("+++ superseded by execve in pid ").append(e.otherPid).append(" +++");
                break;
            default:
                break;
        }
        for (String frame : e.stack) {
            sb.append("\n > ").append(frame);
        }
        return sb.toString();
    }

    /** Writes the event as its line(s) and a newline. */
    public void write(TraceEvent e, Appendable out) throws IOException {
        out.append(render(e)).append('\n');
    }

    private void call(TraceEvent e) {
        if (e.orphanResume) {
            // attached mid-call: only the end is known, as strace printed it
            sb.append("<... ").append(e.name).append(" resumed>");
            String a = e.argText();
            if (a != null && !a.isEmpty()) {
                sb.append(a);
            }
            sb.append(')');
        } else {
            sb.append(e.name).append('(');
            String a = e.argText();
            if (a != null) {
                sb.append(a);
            }
            if (e.incomplete && e.resultText == null) {
                // the call's end will never come (detach, exec, death): strace's marker for a call it gave up on, which
                // a parser takes as final where it stands, not as half of a pair
                sb.append(a == null || a.isEmpty() ? "" : " ").append("<detached ...>");
                return;
            }
            sb.append(')');
        }
        sb.append(" = ").append(e.resultText != null ? e.resultText : e.result == TraceEvent.NO_RESULT ? "?" : Long.toString(e.result));
        if (e.injected) {
            sb.append(" (INJECTED)");
        }
        if (e.durationNs >= 0) {
            long us = e.durationNs / 1000;
            sb.append(" <").append(us / 1_000_000).append('.');
            sb.append(Long.toString(us % 1_000_000 + 1_000_000L), 1, 7).append('>');
        }
    }

    private void signal(TraceEvent e) {
        String name = e.signalName();
        if (e.stopped) {
            sb.append("--- stopped by ").append(name).append(" ---");
            return;
        }
        sb.append("--- ").append(name).append(" {");
        boolean first = true;
        for (Map.Entry<String, String> kv : e.siginfo().entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(kv.getKey()).append('=').append(kv.getValue());
        }
        sb.append("} ---");
    }

    private void time(long ns) {
        if (clock == Clock.EXACT) {
            long second = Math.floorDiv(ns, 1_000_000_000L);
            long frac = Math.floorMod(ns, 1_000_000_000L);
            if (ns >= EPOCH_FLOOR_NS) {
                sb.append(second);
            } else {
                hms(second);
            }
            sb.append('.').append(Long.toString(frac + 1_000_000_000L), 1, 10);
            return;
        }
        long second = Math.floorDiv(ns, 1_000_000_000L);
        if (second != cachedSecond) {
            int len = sb.length();
            if (ns >= EPOCH_FLOOR_NS) {
                LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(second), zone);
                hms(t.toSecondOfDay());
            } else {
                hms(second);
            }
            cachedHms = sb.substring(len);
            sb.setLength(len);
            cachedSecond = second;
        }
        sb.append(cachedHms).append('.');
        sb.append(Long.toString(Math.floorMod(ns, 1_000_000_000L) / 1000 + 1_000_000L), 1, 7);
    }

    /** HH:MM:SS of a second of the day (hours past 23 when a -t trace crossed midnight). */
    private void hms(long secondOfDay) {
        long h = secondOfDay / 3600;
        long m = secondOfDay / 60 % 60;
        long s = secondOfDay % 60;
        two(h);
        sb.append(':');
        two(m);
        sb.append(':');
        two(s);
    }

    private void two(long v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }
}
