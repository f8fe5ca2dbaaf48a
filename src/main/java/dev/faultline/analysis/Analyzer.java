package dev.faultline.analysis;

import dev.faultline.linux.CrashSignals;
import dev.faultline.linux.LinuxNames;
import dev.faultline.linux.SiCode;

import dev.faultline.model.CrashCapture;
import dev.faultline.model.FileActivity;
import dev.faultline.model.ThreadState;
import dev.faultline.model.TraceModel;
import dev.faultline.trace.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the anchors in a stream of events (crashes and HTTP 5xx answers), snapshots the anchoring thread's
 * file activity at that moment, and at the end ranks the files with {@link Scorer}.
 */
public final class Analyzer {
    /** Incidents kept in full; a crash loop or a 500 storm beyond this is counted, not stored. */

    private final TraceModel model = new TraceModel();
    private final List<Incident> incidents = new ArrayList<>();
    private final Map<Integer, Incident> crashByProcess = new HashMap<>();
    private final Map<Integer, Incident> killedWithoutSignal = new HashMap<>();
    private final Scorer scorer;
    /** httpd requests passed to php-fpm, joined to the worker that served them when its trace is given too. */
    private final FastCgiLink fastcgi = new FastCgiLink();
    private final List<String> fastcgiHints = new ArrayList<>();
    private final List<CrashCapture> captures = new ArrayList<>();
    private long droppedIncidents;
    /** The crash whose process is dying now, and the line and time of its latest death sign: see {@link #sameDeath}. */
    private Incident dying;
    private String dyingSource;
    private long dyingLine;
    private long dyingTimeNs = TraceEvent.NO_TIME;
    /** Lines (same file) or time within which threads killed by the same signal are one process dying. */
    private static final long DEATH_BURST_LINES = 64;
    private static final long DEATH_BURST_NS = 250_000_000L;
    /** Threads placed in a crashed process only because they died with it: the parent's SIGCHLD names the real tgid. */
    private final Map<Integer, Incident> joinedByDeath = new HashMap<>();

    /** tid → tgid for threads that predate the stream (live attach); null for log analysis. */
    private java.util.function.IntUnaryOperator threadGroups;

    /** Builds the Apache knowledge at the end, from the server's argv as the trace showed it (null when not seen). */
    private java.util.function.Function<dev.faultline.httpd.ServerEvidence, dev.faultline.httpd.HttpdContext> httpdContexts;
    private List<String> serverArgv;
    /** For the hints: one task only (strace -p without -f), and whether the trace began with an exec (a launch). */
    private int firstTid = Integer.MIN_VALUE;
    private boolean manyTasks;
    private boolean execSeen;
    /** For the hints: whether any task took a connection or read a request, and error-log writes strace cut. */
    private boolean connectionsSeen;
    private boolean requestSeen;
    /** httpd's "child pid N exit signal S" without "possible coredump": the child could not dump a core. */
    public static final String NO_CORE_CODE = "AH00052";
    /** The hint for children that died without a core: the line that lets them dump one. */
    public static final String CORE_HINT = "httpd's children died without a core (AH00052): after setuid they may not dump one unless"
            + " CoreDumpDirectory is set; add `CoreDumpDirectory /var/cache/apache2/cores` (a directory the server user can write)"
            + " and `ulimit -c unlimited` where httpd starts, then `faultline core --pid PID` reads the next crash's core";
    private long noCoreCrashes;
    /** wait4(..., WNOHANG) calls: a server parent's maintenance loop (httpd's, once a second). */
    private long reapPolls;
    private long cutLogWrites;
    private int shortestCut = Integer.MAX_VALUE;
    /** The first configuration file the trace shows being read: httpd reads its main file first. */
    private String serverConfigHint;
    /** The trace shows Apache (an httpd exec, an .htaccess, a file under an apache2/httpd directory). */
    private boolean httpdSeen;

    public Analyzer(FileSource files) {
        this.scorer = new Scorer(files);
    }

    /** Live capture: the tracer knows which process each pre-existing thread belongs to; the text stream does not. */
    public void threadGroups(java.util.function.IntUnaryOperator tgidOfTid) {
        this.threadGroups = tgidOfTid;
    }

    /**
     * An incident born outside the trace (an error-log entry). It is joined to cores like a traced one, and when a
     * core joins it, the verdict is decided again from the core's evidence.
     */
    public void addExternal(Incident inc) {
        if (inc.timeline == null) {
            inc.timeline = List.of();
            inc.openFiles = new HashMap<>();
            inc.windowStartSeq = -1;
        }
        if (incidents.size() < dev.faultline.Limits.INCIDENTS) {
            incidents.add(inc);
        }
    }

    /** Lets the verdicts use Apache's structure: the factory gets the traced server's argv (or null) at the end. */
    public void httpd(java.util.function.Function<dev.faultline.httpd.ServerEvidence, dev.faultline.httpd.HttpdContext> contexts) {
        this.httpdContexts = contexts;
    }

    public void accept(TraceEvent e) {
        if (threadGroups != null) {
            int g = threadGroups.applyAsInt(e.tid);
            if (g > 0) {
                model.placeThread(e.tid, g);
            }
        }
        ThreadState before = model.existing(e.tid);
        int tgid = before != null ? before.process.tgid : e.tid;
        switch (e.kind) {
            case SIGNAL:
                signal(e, tgid);
                model.apply(e);
                return;
            case KILLED:
                fastcgi.exited(e.tid);
                killed(e, tgid);
                model.apply(e);
                return;
            case EXITED:
                fastcgi.exited(e.tid);
                if (e.tid == tgid) {
                    Incident inc = crashByProcess.get(tgid);
                    if (inc != null && inc.outcome == null) {
                        inc.outcome = "exited with " + e.exitCode;
                        inc.survived = true;
                    }
                }
                model.apply(e);
                return;
            default:
                break;
        }
        if (firstTid == Integer.MIN_VALUE) {
            firstTid = e.tid;
        } else if (e.tid != firstTid) {
            manyTasks = true;
        }
        FileActivity a = model.apply(e);
        if (e.kind != TraceEvent.Kind.SYSCALL) {
            return;
        }
        if (e.name.startsWith("execve")) {
            execSeen = true;
        }
        if (a != null) {
            fastcgi.activity(model.existing(e.tid), a, e.timeNs);
        }
        if (threadGroups == null && e.name.equals("getpid") && e.result > 0 && e.result != e.tid) {
            regroup(e.tid, (int) e.result, "its getpid() returned " + e.result + " (line " + e.lineNo + ")");
        }
        if (e.result > 0 && !e.failed() && (e.name.equals("clone") || e.name.equals("clone3") || e.name.equals("fork")
                || e.name.equals("vfork"))) {
            // a new process under a pid that crashed before: a long capture reused the pid
            forgetDeadCrash((int) e.result);
        } else if (e.name.equals("execve") && e.result == 0) {
            ThreadState after = model.existing(e.tid);
            if (serverArgv == null && after != null && dev.faultline.httpd.HttpdExecutable.isServer(after.process.execArgv)) {
                serverArgv = after.process.execArgv;
                httpdSeen = true;
            }
            Incident old = crashByProcess.get(tgid);
            if (old != null && old.outcome != null && old.outcome.startsWith("killed")) {
                forgetDeadCrash(tgid); // the pid came back to life (reused, or traces concatenated)
            }
        }
        afterSyscall(e, a);
    }

    /**
     * A thread turned out to belong to process {@code tgid} (see {@link TraceModel#joinProcess}): a crash filed under
     * the thread's own id moves to the process, so that one process dying is one incident, not one per thread.
     */
    private void regroup(int tid, int tgid, String why) {
        if (!model.joinProcess(tid, tgid)) {
            return;
        }
        Incident mine = crashByProcess.remove(tid);
        Incident theirs = crashByProcess.get(tgid);
        if (mine != null) {
            if (theirs == null) {
                mine.pid = tgid;
                mine.notes.add("thread " + tid + " is in process " + tgid + ": " + why);
                crashByProcess.put(tgid, mine);
            } else {
                // two anchors for one process: keep the earlier one, the other is a consequence
                Incident later = mine.line > theirs.line && mine.source.equals(theirs.source) ? mine : theirs;
                Incident kept = later == mine ? theirs : mine;
                incidents.remove(later);
                kept.pid = tgid;
                kept.notes.add("thread " + later.tid + " also got " + later.signal + " (line " + later.line + "); it is in process " + tgid + ": " + why);
                crashByProcess.put(tgid, kept);
            }
        }
        Incident fallback = killedWithoutSignal.remove(tid);
        if (fallback != null && !killedWithoutSignal.containsKey(tgid) && crashByProcess.get(tgid) == null) {
            fallback.pid = tgid;
            killedWithoutSignal.put(tgid, fallback);
        }
    }

    /** True when {@code e} (a thread killed by a fatal signal) is part of the death of {@link #dying}'s process. */
    private boolean sameDeath(TraceEvent e) {
        if (dying == null || !java.util.Objects.equals(e.signalName(), dying.signal)) {
            return false;
        }
        if (e.timeNs != TraceEvent.NO_TIME && dyingTimeNs != TraceEvent.NO_TIME) {
            return Math.abs(e.timeNs - dyingTimeNs) <= DEATH_BURST_NS;
        }
        return e.source.equals(dyingSource) && e.lineNo - dyingLine <= DEATH_BURST_LINES;
    }

    private void markDying(Incident inc, TraceEvent e) {
        dying = inc;
        dyingSource = e.source;
        dyingLine = e.lineNo;
        if (e.timeNs != TraceEvent.NO_TIME) {
            dyingTimeNs = e.timeNs;
        }
    }

    private void forgetDeadCrash(int pid) {
        crashByProcess.remove(pid);
        Incident stale = killedWithoutSignal.remove(pid);
        if (stale != null && incidents.size() < dev.faultline.Limits.INCIDENTS) {
            incidents.add(stale);
        }
    }

    private void afterSyscall(TraceEvent e, FileActivity a) {
        if (e.name.startsWith("accept") || e.name.equals("epoll_wait") && e.result > 0) {
            connectionsSeen = true;
        }
        ThreadState ts = model.existing(e.tid);
        if (!requestSeen && ts != null && ts.requestLine != null) {
            requestSeen = true;
        }
        if (e.name.equals("wait4") && e.argText() != null && e.argText().contains("WNOHANG")) {
            reapPolls++;
        }
        if (a != null && a.kind == FileActivity.Kind.WRITE_LOG && a.data != null && a.data.contains(NO_CORE_CODE)) {
            noCoreCrashes++;
        }
        if (a != null && a.kind == FileActivity.Kind.WRITE_LOG && e.arg(1) != null && dev.faultline.trace.CString.isTruncated(e.arg(1))) {
            cutLogWrites++;
            shortestCut = Math.min(shortestCut, dev.faultline.trace.CString.decode(e.arg(1)).length());
        }
        if (!httpdSeen && a != null && a.path != null && (dev.faultline.httpd.HttpdExecutable.isHttpdPath(a.path)
                || a.kind == FileActivity.Kind.READ && a.file != null && a.file.pathClass == dev.faultline.model.PathClass.CONFIG
                        && dev.faultline.httpd.HttpdExecutable.isHttpdConfigText(a.file.partialContent()))) {
            httpdSeen = true;
        }
        if (serverConfigHint == null && a != null && a.kind == FileActivity.Kind.READ && a.file != null
                && a.file.pathClass == dev.faultline.model.PathClass.CONFIG && a.path.startsWith("/") && !a.path.endsWith("/.htaccess")) {
            serverConfigHint = a.path;
        }
        if (a != null && a.kind == FileActivity.Kind.WRITE_SOCKET && (a.httpStatus >= 500
                || a.httpStatus == 403 && deniedAccess(model.thread(e.tid)))) {
            ThreadState t = model.thread(e.tid);
            Incident inc = newIncident(Incident.Kind.HTTP_ERROR, t, e);
            if (inc != null) {
                inc.status = a.httpStatus;
                if (onHttpError != null) {
                    onHttpError.accept(inc);
                }
            }
        } else if ((e.name.equals("wait4") || e.name.equals("waitpid")) && e.result > 0 && e.argText() != null
                && e.argText().contains("WTERMSIG(s) == SIG")) {
            Incident inc = crashByProcess.get((int) e.result);
            if (inc != null) {
                inc.relate(e.source, e.lineNo, e.text());
            }
        }
    }

    /**
     * A 403 is an incident only when the server itself was refused a file in that request (an EACCES, or httpd's
     * permission messages): a site's own authorization rules (AH01630) answer 403 by design.
     */
    private static boolean deniedAccess(ThreadState t) {
        for (FileActivity a : t.snapshot()) {
            if (t.requestStartSeq >= 0 && a.seq < t.requestStartSeq) {
                continue;
            }
            if ("EACCES".equals(a.errno)) {
                return true;
            }
            if (a.kind == FileActivity.Kind.WRITE_LOG && a.data != null
                    && dev.faultline.httpd.errorlog.ErrorLogFinding.PERMISSION_CODES.stream().anyMatch(a.data::contains)) {
                return true;
            }
        }
        return false;
    }

    private void signal(TraceEvent e, int tgid) {
        String code = e.siCode == SiCode.UNKNOWN ? "" : SiCode.name(e.signo, e.siCode);
        if (e.signo == LinuxNames.SIGCHLD) {
            if (e.siCode == SiCode.CLD_DUMPED.code || e.siCode == SiCode.CLD_KILLED.code) {
                int child = e.siPid;
                Incident inc = crashByProcess.get(child);
                Incident joined = joinedByDeath.remove(child);
                if (inc == null && joined != null && crashByProcess.get(joined.pid) == joined) {
                    // the parent reaped `child`: that thread, not the one that faulted, led the process
                    crashByProcess.remove(joined.pid);
                    joined.notes.add("the parent reaped pid " + child + " (line " + e.lineNo + "): that is the crashed process");
                    joined.pid = child;
                    crashByProcess.put(child, joined);
                    inc = joined;
                }
                if (inc != null) {
                    inc.relate(e.source, e.lineNo, e.text());
                }
            }
            return;
        }
        if (e.stopped || !CrashSignals.isFault(e.signo)) {
            return;
        }
        boolean kernel = SiCode.kernelGenerated(e.siCode);
        Incident existing = crashByProcess.get(tgid);
        if (existing != null) {
            if (existing.tid == e.tid && e.siCode == LinuxNames.SI_KERNEL && e.signo == LinuxNames.SIGSEGV) {
                existing.stackOverflowHint = true;
                existing.notes.add("a second SIGSEGV (SI_KERNEL) followed: the signal handler could not run, typical of a stack overflow");
            } else if (!kernel && e.siPid == tgid) {
                existing.notes.add("the process re-raised " + e.signalName() + " itself (" + code + "), as httpd's fatal-signal handler does; anchored on the first, kernel-generated fault");
            } else if (existing.tid != e.tid) {
                existing.notes.add("thread " + e.tid + " also got " + e.signalName() + " (" + code + ") at line " + e.lineNo);
            }
            existing.relate(e.source, e.lineNo, e.text());
            markDying(existing, e);
            return;
        }
        if (!CrashSignals.isCrash(e.signo, e.siCode, e.siPid, tgid, e.tid)) {
            return; // someone else sent a fatal signal: not a crash of this process's own making
        }
        ThreadState t = model.thread(e.tid);
        Incident inc = newIncident(Incident.Kind.CRASH, t, e);
        if (inc == null) {
            return;
        }
        inc.signal = e.signalName();
        inc.siginfo = e.siginfo();
        inc.stack = e.stack;
        if (!kernel) {
            inc.notes.add(e.signo == LinuxNames.SIGABRT ? "the process aborted itself (abort/assert)"
                    : "only a self-sent " + e.signalName() + " (" + code + ") is in the trace; the original fault is not");
        }
        crashByProcess.put(tgid, inc);
        markDying(inc, e);
    }

    private void killed(TraceEvent e, int tgid) {
        Incident inc = crashByProcess.get(tgid);
        if (inc == null && threadGroups == null && CrashSignals.isFault(e.signo) && sameDeath(e)
                && model.joinProcess(e.tid, dying.pid)) {
            // no clone line placed this thread, but it died with the crashing process: it was one of its threads
            inc = dying;
            tgid = dying.pid;
            inc.burstThreads.add(e.tid);
            joinedByDeath.put(e.tid, inc);
        }
        if (inc != null && CrashSignals.isFault(e.signo)) {
            markDying(inc, e);
        }
        if (inc == null && CrashSignals.isFault(e.signo)) {
            inc = killedWithoutSignal.get(tgid);
            if (inc == null) {
                // No signal line yet: -e signal filtering, -qq, or a -ff file set read one file at a time, where the
                // faulting thread's file may come later. Keep a fallback incident, used only if no fault shows up.
                ThreadState t = model.thread(e.tid);
                inc = new Incident(Incident.Kind.CRASH, tgid, e.tid, e.source, e.lineNo, e.text());
                snapshot(inc, t);
                inc.signal = e.signalName();
                inc.notes.add("no signal line in the trace (filtered or quiet); thread " + e.tid + " is only the first one strace listed as killed");
                killedWithoutSignal.put(tgid, inc);
            }
        }
        if (inc != null && inc.outcome == null) {
            inc.outcome = "killed by " + e.signalName() + (e.coreDumped ? " (core dumped)" : "");
            inc.relate(e.source, e.lineNo, e.text());
        }
    }

    private Incident newIncident(Incident.Kind kind, ThreadState t, TraceEvent e) {
        if (incidents.size() >= dev.faultline.Limits.INCIDENTS) {
            droppedIncidents++;
            return null;
        }
        Incident inc = new Incident(kind, t.process.tgid, t.tid, e.source, e.lineNo, e.text());
        inc.timeNs = e.timeNs;
        snapshot(inc, t);
        incidents.add(inc);
        return inc;
    }

    private static void snapshot(Incident inc, ThreadState t) {
        inc.timeline = t.snapshot();
        inc.windowStartSeq = t.requestStartSeq;
        inc.requestLine = t.requestLine;
        inc.openFiles = new HashMap<>(t.process.fds.view());
        inc.cwd = t.process.cwd;
        inc.execArgv = t.process.execArgv;
        inc.controlSignal = t.process.controlSignal;
        inc.controlSignalLine = t.process.controlSignalLine;
        inc.forked = t.process.forked;
    }

    /**
     * Adds live crash metadata; {@link #finish()} joins it to the crash of the same thread (its signal line came
     * through the same stream), or makes an incident of it when the stream has none.
     */
    public void addCapture(CrashCapture c) {
        captures.add(c);
    }

    private final List<dev.faultline.core.CoreReport> cores = new ArrayList<>();

    /** Adds a core dump; {@link #finish()} joins it to the crash of the same pid (the same tid when several). */
    public void addCore(dev.faultline.core.CoreReport core) {
        addCore(core, null);
    }

    /** The same, with what httpd's memory in the core says ({@link dev.faultline.httpd.HttpdCrashFacts}). */
    public void addCore(dev.faultline.core.CoreReport core, dev.faultline.httpd.HttpdCrashFacts facts) {
        cores.add(core);
        if (facts != null) {
            coreFacts.put(core, facts);
        }
    }

    private final Map<dev.faultline.core.CoreReport, dev.faultline.httpd.HttpdCrashFacts> coreFacts = new java.util.IdentityHashMap<>();

    /** The cores that matched no crash of the trace; valid after {@link #finish()}. */
    public List<dev.faultline.core.CoreReport> unmatchedCores() {
        return unmatchedCores;
    }

    private final List<dev.faultline.core.CoreReport> unmatchedCores = new ArrayList<>();

    private void joinCores() {
        for (dev.faultline.core.CoreReport core : cores) {
            Incident match = null;
            for (Incident inc : incidents) {
                if (inc.kind == Incident.Kind.CRASH && inc.core == null && inc.pid == core.process().pid()
                        && sameSignal(inc, core)
                        && (match == null || inc.tid == core.crashingTid() && match.tid != core.crashingTid())) {
                    match = inc;
                }
            }
            if (match != null) {
                match.core = core;
                if (coreFacts.containsKey(core)) {
                    match.httpdFacts = coreFacts.get(core);
                }
            } else {
                unmatchedCores.add(core);
            }
        }
        cores.clear();
    }

    /**
     * A core of the same pid but another signal is another crash (a reused pid, a core from another day): not
     * joined, and reported as a mismatch. The core's own signal is the real fault's (recovered from the sigframe
     * when httpd re-raised it).
     */
    private static boolean sameSignal(Incident inc, dev.faultline.core.CoreReport core) {
        String coreSignal = core.signal() == null ? null : core.signal().name();
        if (core.fault() != null && core.fault().signal() > 0) {
            coreSignal = dev.faultline.linux.LinuxNames.signal(core.fault().signal());
        }
        return coreSignal == null || inc.signal == null || coreSignal.equals(inc.signal);
    }

    private void joinCaptures() {
        for (CrashCapture c : captures) {
            Incident match = null;
            for (Incident inc : incidents) {
                if (inc.kind == Incident.Kind.CRASH && inc.capture == null && inc.pid == c.pid
                        && (match == null || inc.tid == c.tid && match.tid != c.tid)) {
                    match = inc;
                }
            }
            if (match == null && incidents.size() < dev.faultline.Limits.INCIDENTS) {
                match = new Incident(Incident.Kind.CRASH, c.pid, c.tid, "live", 0,
                        "--- " + c.signal + " {si_code=" + c.siCode + "} --- (captured live)");
                match.signal = c.signal;
                match.siginfo = Map.of("si_code", c.siCode, "si_addr", "0x" + Long.toHexString(c.faultAddress));
                match.timeline = List.of();
                match.windowStartSeq = -1;
                match.openFiles = new HashMap<>();
                incidents.add(match);
            }
            if (match != null) {
                match.capture = c;
                if (c.extension instanceof dev.faultline.httpd.HttpdCrashFacts facts) {
                    match.httpdFacts = facts;
                }
            }
        }
        captures.clear();
    }

    /** The processes whose crash the trace shows dumping core (killed "(core dumped)") and that have no core joined yet. */
    public List<Integer> crashesThatDumpedCore() {
        List<Integer> out = new ArrayList<>();
        for (Incident inc : incidents) {
            if (inc.kind == Incident.Kind.CRASH && inc.core == null && inc.outcome != null && inc.outcome.contains("core dumped")
                    && !out.contains(inc.pid)) {
                out.add(inc.pid);
            }
        }
        return out;
    }

    /** Loads the server's configuration (once the trace showed an httpd) and tunes the scorer to it; null without one. */
    private ApacheCrashRule loadApacheRule() {
        dev.faultline.httpd.HttpdContext httpd = null;
        if (httpdContexts != null && httpdSeen) {
            try {
                httpd = httpdContexts.apply(new dev.faultline.httpd.ServerEvidence(serverArgv, serverConfigHint, model.fileTexts()));
            } catch (RuntimeException e) {
                // the Apache knowledge is an addition: without it the generic verdicts still stand
                contextFailure = "the server's configuration could not be read (" + e + "): verdicts without Apache knowledge";
            }
        }
        this.httpdContext = httpd;
        if (httpd != null && httpd.owners() instanceof dev.faultline.httpd.modules.DirectiveCatalog catalog) {
            scorer.catalog(catalog);
        }
        if (httpd != null) {
            java.util.Set<String> index = new java.util.HashSet<>(Scorer.DEFAULT_DIRECTORY_INDEX);
            for (dev.faultline.httpd.config.ConfigNode n : httpd.allDirectives()) {
                if (n.key().equals("directoryindex")) {
                    n.argList().forEach(a -> index.add(a.toLowerCase(java.util.Locale.ROOT)));
                }
            }
            scorer.directoryIndex(index);
        }
        return httpd == null ? null : new ApacheCrashRule(httpd);
    }

    private ApacheCrashRule earlyRule;
    private boolean earlyRuleLoaded;

    /**
     * A verdict for one HTTP error now, while the trace goes on (a live capture reports each incident the moment it
     * is known); {@link #finish()} decides again with everything. Its FastCGI worker, if traced, is joined first.
     */
    public Verdict verdictNow(Incident inc) {
        if (!earlyRuleLoaded) {
            earlyRule = loadApacheRule();
            earlyRuleLoaded = true;
        }
        fastcgi.link(List.of(inc));
        return decide(inc, earlyRule);
    }

    /** Live: the attached server's own command line (from /proc), as an exec line in the trace would give it. */
    public void serverArgv(List<String> argv) {
        if (serverArgv == null && dev.faultline.httpd.HttpdExecutable.isServer(argv)) {
            serverArgv = List.copyOf(argv);
            httpdSeen = true;
        }
    }

    /** Called with each HTTP error incident the moment the trace shows its answer (on the thread that feeds events). */
    public void onHttpError(java.util.function.Consumer<Incident> listener) {
        this.onHttpError = listener;
    }

    private java.util.function.Consumer<Incident> onHttpError;

    /** Scores every incident and returns them, dropping crashes the process survived (a handled fault). */
    public List<Incident> finish() {
        joinCaptures();
        joinCores();
        for (Map.Entry<Integer, Incident> k : killedWithoutSignal.entrySet()) {
            Incident signalled = crashByProcess.get(k.getKey());
            if (signalled == null && incidents.size() < dev.faultline.Limits.INCIDENTS) {
                incidents.add(k.getValue());
            } else if (signalled != null && signalled.outcome == null) {
                signalled.outcome = k.getValue().outcome;
                signalled.related.addAll(k.getValue().related);
            }
        }
        killedWithoutSignal.clear();
        fastcgi.link(incidents);
        List<Incident> out = new ArrayList<>();
        for (Incident inc : incidents) {
            if (inc.capture != null && inc.capture.exe != null && dev.faultline.httpd.HttpdExecutable.isServer(List.of(inc.capture.exe))) {
                httpdSeen = true;
                if (serverArgv == null && !inc.capture.cmdline.isEmpty()) {
                    serverArgv = List.copyOf(inc.capture.cmdline); // the live process's own argv
                }
            } else if (inc.core != null && dev.faultline.httpd.HttpdExecutable.isServer(List.of(String.valueOf(inc.core.process().executable())))) {
                httpdSeen = true;
                if (serverArgv == null && inc.core.process().args() != null) {
                    // psargs: 80 bytes at most, space-joined; enough for -f/-d in most command lines
                    serverArgv = List.of(inc.core.process().args().trim().split("\\s+"));
                }
            }
        }
        ApacheCrashRule apache = loadApacheRule();
        for (Incident inc : incidents) {
            if (inc.survived) {
                continue;
            }
            if (!inc.burstThreads.isEmpty()) {
                inc.notes.add(inc.burstThreads.size() + " thread(s) with no clone line died with it and are taken as threads of process "
                        + inc.pid + ": " + inc.burstThreads);
            }
            if (!(inc.fromErrorLog && inc.core == null && inc.verdict != null)) {
                inc.verdict = decide(inc, apache);
            }
            if (inc.backend != null && inc.backend.workerPid() == 0 && inc.verdict.culprit == null) {
                String h = FastCgiLink.hint(inc);
                if (!fastcgiHints.contains(h)) {
                    fastcgiHints.add(h);
                }
            }
            // release the snapshot: only the verdict is reported, and a few lines of it for -vv
            inc.timelineTail = tail(inc.timeline);
            inc.timeline = null;
            inc.openFiles = null;
            out.add(inc);
        }
        return out;
    }

    /**
     * The Apache rule first: when it names a line, that is the answer. When it leaves several lines, the generic
     * scorer may still name a file from direct evidence (an error message, a failed open, a file open at the fault);
     * recency alone never overrides the rule's "no single line".
     */
    private Verdict decide(Incident inc, ApacheCrashRule apache) {
        Verdict rule = apache == null ? null : apache.explain(inc);
        if (rule != null) {
            for (String n : apache.contextNotes()) {
                if (!inc.notes.contains(n)) {
                    inc.notes.add(n);
                }
            }
        }
        if (rule != null && rule.culprit != null) {
            return rule;
        }
        Verdict generic = scorer.score(inc);
        if (apache == null || generic.culprit != null && direct(generic.culprit) >= Weights.CULPRIT_THRESHOLD) {
            return generic;
        }
        if (rule != null) {
            return rule; // its candidate lines, and no culprit
        }
        if (generic.culprit == null) {
            return generic;
        }
        // an httpd incident whose only case against the file is that it was read last: not a reason to name it
        return new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: " + generic.culprit.path
                + " was only the last config file read; httpd reads its configuration long before it uses it", generic.candidates);
    }

    /** A candidate's score without the signals that only say "read recently, looks like config". */
    private static int direct(Candidate c) {
        int r = c.score;
        for (Evidence e : c.evidence) {
            if (e.signal.equals("recency") || e.signal.equals("path-prior") || e.signal.equals("read-in-request")) {
                r -= e.weight;
            }
        }
        return r;
    }

    /**
     * What this trace cannot show, and the command that would: a trace of httpd's parent alone (it never serves a
     * request), a trace with no request in it, error-log writes cut by a short -s. Valid after {@link #finish()}.
     */
    public List<String> hints() {
        List<String> out = new ArrayList<>();
        String all = "strace -f -tt -T -yy -s 1024 -o trace.txt $(pgrep apache2 | sed 's/^/-p /')";
        // a parent's maintenance loop and not one connection taken: the trace holds httpd's parent alone
        boolean parentOnly = reapPolls > 0 && !connectionsSeen;
        boolean noCrash = incidents.stream().noneMatch(i -> i.kind == Incident.Kind.CRASH);
        if ((httpdSeen || parentOnly) && !requestSeen && noCrash) {
            out.add(parentOnly
                    ? "only one process is in the trace and it read no request: httpd's parent never serves one; trace every process and thread: " + all
                    : "no thread in the trace read an HTTP request, so no 5xx can be explained: trace the children too, while the failing request is sent: " + all);
        } else if (firstTid != Integer.MIN_VALUE && !manyTasks && !execSeen && !requestSeen && noCrash && incidents.isEmpty()) {
            // strace -p PID without -f: one thread. An event or worker child's main thread only waits on its pipe;
            // its requests are read and answered by the other threads
            out.add("only one thread is in the trace (strace -p without -f) and it read no request: httpd serves requests in the "
                    + "worker threads of its children; trace every process and thread: " + all);
        }
        if (noCoreCrashes > 0) {
            out.add(CORE_HINT);
        }
        // -s 1024 or more already shows what it advises: a longer write cut there is a big buffer, not a lost message
        if (cutLogWrites > 0 && shortestCut < 1024) {
            out.add(cutLogWrites + " error-log write(s) were cut at " + shortestCut + " bytes (strace -s): the messages that name files need -s 1024: " + all);
        }
        out.addAll(fastcgiHints);
        return out;
    }

    private dev.faultline.httpd.HttpdContext httpdContext;
    private String contextFailure;

    /** Why the Apache knowledge could not be built, or null. */
    public String contextFailure() {
        return contextFailure;
    }

    /** The Apache knowledge the verdicts used, or null (not httpd); valid after {@link #finish()}. */
    public dev.faultline.httpd.HttpdContext httpdContext() {
        return httpdContext;
    }

    /** What was dropped to leave room when the heap neared its limit, or null when nothing was. */
    public String memoryNote() {
        return model.memoryNote();
    }

    public long droppedIncidents() {
        return droppedIncidents;
    }

    public int liveThreads() {
        return model.liveThreads();
    }

    /** How many of a thread's last file activities the text report's -vv shows. */
    static final int TIMELINE_TAIL = 12;

    private static List<Evidence.LogLine> tail(List<FileActivity> timeline) {
        if (timeline == null || timeline.isEmpty()) {
            return List.of();
        }
        List<Evidence.LogLine> out = new java.util.ArrayList<>();
        for (FileActivity a : timeline.subList(Math.max(0, timeline.size() - TIMELINE_TAIL), timeline.size())) {
            out.add(new Evidence.LogLine(a.source, a.firstLine, a.kind.name().toLowerCase() + " " + a.path
                    + (a.errno != null ? " " + a.errno : "") + (a.count > 1 ? " ×" + a.count : "")));
        }
        return out;
    }
}
