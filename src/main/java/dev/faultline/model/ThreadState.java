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

    public void add(FileActivity a) {
        a.seq = seq++;
        a.owner = this;
        timeline.addLast(a);
        if (timeline.size() > dev.faultline.Limits.TIMELINE_ACTIVITIES) {
            timeline.removeFirst();
        }
        dropExpired();
    }

    /** Lets go of the oldest activities the trace-wide budget expired ({@link TraceModel}), keeping the floor. */
    void dropExpired() {
        while (timeline.size() > dev.faultline.Limits.TIMELINE_FLOOR && timeline.peekFirst().expired) {
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
