package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import dev.faultline.model.ThreadState;
import dev.faultline.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins an httpd request that got a 5xx to the FastCGI server (php-fpm) worker that served it, when both are in the
 * traces: the worker's failing open, its PHP message, and its reads become evidence of the httpd incident.
 *
 * <p>Each FastCGI request a worker reads (from its FCGI_BEGIN_REQUEST to the next one) is a window. An httpd
 * incident whose request connected to a socket is matched to a window on the same address by, in order of
 * certainty: the connection's two ends (-yy socket inodes or TCP 4-tuple), the same SCRIPT_FILENAME at an
 * overlapping time, an overlapping time alone, and, with no times in the traces, being the only failing window on
 * that address. Anything less certain is no link: the incident then gets a hint to trace the FastCGI server too.
 */
final class FastCgiLink {

    /** One FastCGI request as a worker served it. */
    static final class Window {
        final int pid;
        final int tid;
        final FileActivity begin;
        final ThreadState thread;
        List<FileActivity> activities;
        long endTimeNs = TraceEvent.NO_TIME;

        Window(int pid, ThreadState thread, FileActivity begin) {
            this.pid = pid;
            this.tid = thread.tid;
            this.thread = thread;
            this.begin = begin;
        }

        String script() {
            return begin.file == null ? null : begin.file.fastcgiScript;
        }
    }

    private final Map<Integer, Window> open = new HashMap<>();
    private final ArrayDeque<Window> failing = new ArrayDeque<>();
    private long lastTimeNs = TraceEvent.NO_TIME;

    /** Sees every activity; a worker's new FastCGI request closes its previous window. */
    void activity(ThreadState t, FileActivity a, long timeNs) {
        if (timeNs != TraceEvent.NO_TIME) {
            lastTimeNs = timeNs;
        }
        if (a == null || a.kind != FileActivity.Kind.FASTCGI_REQUEST) {
            return;
        }
        close(t.tid, a.seq);
        open.put(t.tid, new Window(t.process.tgid, t, a));
    }

    /** The thread is about to go: its window ends with it. */
    void exited(int tid) {
        close(tid, Long.MAX_VALUE);
    }

    private void close(int tid, long endSeq) {
        Window w = open.remove(tid);
        if (w == null) {
            return;
        }
        List<FileActivity> acts = new ArrayList<>();
        boolean failed = false;
        for (FileActivity a : w.thread.snapshot()) {
            if (a.seq > w.begin.seq && a.seq < endSeq) {
                acts.add(a);
                failed |= a.kind == FileActivity.Kind.OPEN_FAILED || a.kind == FileActivity.Kind.STAT_FAILED
                        || a.kind == FileActivity.Kind.ACCESS_FAILED || a.kind == FileActivity.Kind.WRITE_LOG;
            }
        }
        if (!failed) {
            return;
        }
        w.activities = acts;
        w.endTimeNs = lastTimeNs;
        failing.addLast(w);
        if (failing.size() > dev.faultline.Limits.FASTCGI_WINDOWS) {
            failing.removeFirst();
        }
    }

    /**
     * Links each HTTP error whose request connected to a FastCGI (or any) socket to the worker window that served
     * it, merging the worker's activities into the incident's window. A FastCGI request left unlinked keeps its
     * backend with no worker (see {@link #hint}).
     */
    void link(List<Incident> incidents) {
        for (Integer tid : new ArrayList<>(open.keySet())) {
            close(tid, Long.MAX_VALUE);
        }
        for (Incident inc : incidents) {
            if (inc.kind != Incident.Kind.HTTP_ERROR || inc.timeline == null || inc.fromErrorLog
                    || inc.backend != null && inc.backend.workerPid() > 0) { // linked already (a live early verdict)
                continue;
            }
            FileActivity connect = null;
            for (FileActivity a : inc.timeline) {
                if (a.kind == FileActivity.Kind.CONNECT && (inc.windowStartSeq < 0 || a.seq >= inc.windowStartSeq)) {
                    connect = a;
                }
            }
            if (connect == null || connect.file == null) {
                continue;
            }
            Match m = match(inc, connect);
            if (m == null) {
                if (connect.file.fastcgi) {
                    inc.backend = new Backend(connect.path, connect.file.fastcgiScript, 0, 0, null);
                }
                continue;
            }
            merge(inc, connect, m.window);
            inc.backend = new Backend(connect.path, m.window.script() != null ? m.window.script() : connect.file.fastcgiScript,
                    m.window.pid, m.window.tid, m.how);
            inc.notes.add("the request was served by FastCGI worker pid " + m.window.pid + (m.window.tid != m.window.pid ? " tid " + m.window.tid : "")
                    + " through " + connect.path + " (" + m.how + ", " + m.window.begin.source + ":" + m.window.begin.firstLine
                    + "): its activity is evidence of this incident");
        }
    }

    /** For a 5xx passed to a FastCGI server that is not in the traces and left unexplained: how to see it. */
    static String hint(Incident inc) {
        return "the request that got HTTP " + inc.status + " was passed to the FastCGI server at " + inc.backend.address()
                + " (a php-fpm pool, say), which is not in the trace; the failing open is in that process: trace it too and analyze "
                + "both traces: strace -f -tt -T -yy -s 1024 -o fpm.txt $(pgrep php-fpm | sed 's/^/-p /')";
    }

    /**
     * The FastCGI server side of an incident, for the report: the address httpd connected to, the SCRIPT_FILENAME
     * when a buffer showed it, and the worker that served it (pid 0 when its trace was not given) and how it was found.
     */
    public record Backend(String address, String script, int workerPid, int workerTid, String linkedBy) {
    }

    private record Match(Window window, String how) {
    }

    private Match match(Incident inc, FileActivity connect) {
        String address = connect.path;
        String[] ends = connect.file.ends;
        String script = connect.file.fastcgiScript;
        long from = connect.timeNs;
        List<Window> sameAddress = new ArrayList<>();
        for (Window w : failing) {
            String[] theirs = w.begin.file == null ? null : w.begin.file.ends;
            if (ends != null && theirs != null && ends[0].equals(theirs[1]) && ends[1].equals(theirs[0])) {
                return new Match(w, "the same connection: " + ends[0] + "->" + ends[1]);
            }
            // a worker attached live took its listening socket before the attach: its address is unknown, not other
            if (address.equals(w.begin.path) || w.begin.path == null) {
                sameAddress.add(w);
            }
        }
        boolean timed = from != TraceEvent.NO_TIME && !sameAddress.isEmpty()
                && sameAddress.stream().allMatch(w -> comparable(connect, w.begin));
        List<Window> inTime = new ArrayList<>();
        for (Window w : sameAddress) {
            long begin = w.begin.timeNs;
            if (timed && begin >= from && (inc.timeNs == TraceEvent.NO_TIME || begin <= inc.timeNs)) {
                inTime.add(w);
            }
        }
        if (timed) {
            List<Window> sameScript = new ArrayList<>();
            for (Window w : inTime) {
                if (script != null && script.equals(w.script())) {
                    sameScript.add(w);
                }
            }
            if (sameScript.size() == 1) {
                return new Match(sameScript.get(0), "SCRIPT_FILENAME " + script + " at the same time");
            }
            if (inTime.size() == 1) {
                return new Match(inTime.get(0), "the only failing FastCGI request between the connect and the answer");
            }
            return null;
        }
        // no times: only a single failing request on that socket (with the same script when both show it) will do
        if (sameAddress.size() == 1) {
            Window w = sameAddress.get(0);
            if (script == null || w.script() == null || script.equals(w.script())) {
                return new Match(w, "the only failing FastCGI request on that socket in the traces (they have no times)");
            }
        }
        return null;
    }

    /** Epoch times (-ttt) compare across traces; times of day (-t, -tt) and -r sums only within one trace. */
    private static boolean comparable(FileActivity a, FileActivity b) {
        if (a.timeNs == TraceEvent.NO_TIME || b.timeNs == TraceEvent.NO_TIME) {
            return false;
        }
        return a.source.equals(b.source) || a.timeNs >= EPOCH_NS && b.timeNs >= EPOCH_NS;
    }

    /** 1973 in ns since the epoch: a larger time is an epoch time, not a time of day or an -r sum. */
    private static final long EPOCH_NS = 100_000_000L * 1_000_000_000L;

    /** The worker's activities go into the incident's window right after the connect, before httpd's answer. */
    private static void merge(Incident inc, FileActivity connect, Window w) {
        List<FileActivity> merged = new ArrayList<>();
        for (FileActivity a : inc.timeline) {
            if (inc.windowStartSeq >= 0 && a.seq < inc.windowStartSeq) {
                continue;
            }
            merged.add(a);
            if (a == connect) {
                merged.addAll(w.activities);
            }
        }
        inc.timeline = merged;
        inc.windowStartSeq = -1;
    }
}
