package dev.faultline.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One thread and a bounded timeline of what it did with files: at most {@link dev.faultline.Limits#TIMELINE_ACTIVITIES},
 * and fewer when the whole trace holds more than {@link dev.faultline.Limits#TRACE_ACTIVITIES} (the oldest expire first).
 */
public final class ThreadState {

    public final int tid;
    public ProcessState process;
    private final ArrayDeque<FileActivity> timeline = new ArrayDeque<>();
    private long seq;
    /** seq of the last HTTP request read from a socket by this thread: the start of the request window. */
    public long requestStartSeq = -1;
    public String requestLine;
    public long requestLineNo;
    /** The stream showed this thread being created (a clone/fork line), so its process is known, not guessed. */
    public boolean bornInTrace;

    public ThreadState(int tid, ProcessState process) {
        this.tid = tid;
        this.process = process;
    }

    /** Activities with a seq below this have left the trace-wide budget ({@link TraceModel}): kept only for the floor. */
    private long expiredBefore;

    public void add(FileActivity a) {
        a.seq = seq++;
        timeline.addLast(a);
        while (timeline.size() > cap) {
            timeline.removeFirst();
        }
        dropExpired();
    }

    /** Activities kept at most: {@link dev.faultline.Limits#LEAN_TIMELINE_ACTIVITIES} once the heap is near its limit. */
    private int cap = dev.faultline.Limits.TIMELINE_ACTIVITIES;

    /** Keeps at most the last {@code max} activities from now on (the heap is near its limit). */
    void shrink(int max) {
        cap = Math.min(cap, max);
        while (timeline.size() > cap) {
            timeline.removeFirst();
        }
    }

    /** The activity numbered {@code activitySeq} has left the trace-wide budget: it and the older ones may go. */
    void expire(long activitySeq) {
        expiredBefore = Math.max(expiredBefore, activitySeq + 1);
        dropExpired();
    }

    /**
     * Lets go of expired activities, keeping the floor. Seqs in the timeline are consecutive (a merged read adds none),
     * so the front's seq is known without touching the front: an old object, far from the cache.
     */
    private void dropExpired() {
        while (timeline.size() > dev.faultline.Limits.TIMELINE_FLOOR && seq - timeline.size() < expiredBefore) {
            timeline.removeFirst();
        }
    }

    public FileActivity last() {
        return timeline.peekLast();
    }

    public List<FileActivity> snapshot() {
        return new ArrayList<>(timeline);
    }
}
