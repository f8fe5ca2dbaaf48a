package dev.faultline.analysis;

import dev.faultline.model.CrashCapture;
import dev.faultline.model.FileActivity;
import dev.faultline.model.OpenFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the engine explains: a crash (first kernel-generated fatal signal) or an HTTP 5xx written to a socket. */
public final class Incident {
    public enum Kind { CRASH, HTTP_ERROR;

        public String label() {
            return this == CRASH ? "crash" : "http_error";
        }
    }

    public final Kind kind;
    /** The process (tgid); it can change once, when a -p trace shows late which process the thread was in. */
    public int pid;
    public final int tid;
    public final String source;
    public final long line;
    public final String text;
    public String signal;
    public Map<String, String> siginfo;
    public int status;
    /** "killed by SIGSEGV (core dumped)", "exited", or null when the trace does not say. */
    public String outcome;
    public boolean survived;
    /** Born of an error-log entry (analyze --error-log), not of the trace: source/line are the log's. */
    public boolean fromErrorLog;
    public boolean stackOverflowHint;
    public String requestLine;
    /** The anchor's time as the trace gives it, or TraceEvent.NO_TIME. */
    public long timeNs = dev.faultline.trace.TraceEvent.NO_TIME;
    /** When the error log first spoke of this incident (its earliest joined entry with a time), or null. */
    public java.time.Instant errorLogTime;
    /** From the access log: how many answers of the same request failed in the window, and when. */
    public AccessLogImpact.Impact impact;
    /** The FastCGI server this request was passed to, and the worker that served it when its trace was given. */
    public FastCgiLink.Backend backend;
    public final List<String> notes = new ArrayList<>();
    /** Threads the trace never showed being created that died with this crash (see Analyzer#sameDeath). */
    final List<Integer> burstThreads = new ArrayList<>();
    public final List<Evidence.LogLine> related = new ArrayList<>();
    public List<String> stack = List.of();
    /** Live crash metadata from the signal-delivery-stop (faultline attach/run), or null for a log analysis. */
    public CrashCapture capture;
    /** The core dump of this crash (analyze --core), joined by pid. */
    public dev.faultline.core.CoreReport core;

    // snapshot at the anchor
    /** The crashing process's role: its exec'd argv, the last control signal it got, whether it forked. */
    List<String> execArgv;
    String controlSignal;
    long controlSignalLine;
    boolean forked;
    List<FileActivity> timeline;
    /** The last file activities of the thread before the anchor, kept for the text report's -vv (the timeline itself is released). */
    public List<Evidence.LogLine> timelineTail = List.of();
    long windowStartSeq;
    Map<Integer, OpenFile> openFiles;
    String cwd;

    public Verdict verdict;
    /** The exact fix for the verdict (analysis.FixHints), or null: none is known, or the evidence is too weak. */
    public dev.faultline.httpd.fix.FixHint fix;
    /** What httpd's memory (the core, or the live process) says about this crash; null when not read. */
    public dev.faultline.httpd.HttpdCrashFacts httpdFacts;

    Incident(Kind kind, int pid, int tid, String source, long line, String text) {
        this.kind = kind;
        this.pid = pid;
        this.tid = tid;
        this.source = source;
        this.line = line;
        this.text = dev.faultline.trace.Redactor.redact(text); // the anchor line is quoted in every report
    }

    /** Keeps the earliest error-log time seen for this incident. */
    void loggedAt(java.time.Instant t) {
        if (t != null && (errorLogTime == null || t.isBefore(errorLogTime))) {
            errorLogTime = t;
        }
    }

    void relate(String source, long line, String text) {
        if (related.size() < 8) {
            related.add(new Evidence.LogLine(source, line, text));
        }
    }
}
