package dev.faultline.capture;

import dev.faultline.linux.LinuxNames;
import dev.faultline.capture.jna.NativeBuffer;
import dev.faultline.capture.jna.NativeCallException;
import dev.faultline.capture.jna.Ptrace;
import dev.faultline.capture.jna.SigInfo;
import dev.faultline.capture.jna.SyscallInfo;
import dev.faultline.capture.jna.UserRegs;
import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcStatus;
import dev.faultline.capture.proc.ServerProcesses;
import dev.faultline.linux.SyscallTable;
import dev.faultline.model.CrashCapture;
import dev.faultline.model.PathClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tracer thread: it alone makes ptrace and waitpid calls (the kernel ties tracees to the thread that attached
 * them). It resumes each tracee as fast as it can and hands raw {@link LiveRecord}s to a consumer; decoding,
 * formatting and analysis happen elsewhere.
 *
 * <p>Safety rules: PTRACE_O_EXITKILL is never set on attach (only on a launched throwaway server that asks for it,
 * {@link Options#killWithTracer}); every signal faultline did not cause is re-injected; every
 * tracee is detached on every way out of {@link #run()}, and if that fails the kernel detaches them when this thread
 * ends, without killing them.
 */
public final class Tracer implements Runnable {
    public enum Mode { SENTINEL, FULL }

    /** What to trace and when to stop. */
    public static final class Options {
        public Mode mode = Mode.SENTINEL;
        public boolean escalate = true;
        /**
         * How long the full trace after a crash lasts, in ms; 0 keeps it until the capture ends (--escalate=full). It
         * covers only the processes of the crashing kind: a server's children when a child crashed, never the
         * parent's maintenance loop.
         */
        public long escalationWindowMillis = 60_000;
        /**
         * The share of the server's child processes traced in full while escalated after a child crashed (at least
         * one; 1 = all). A crash in a child outside the share still stops the sentinel and gets its capture and
         * verdict; only its syscall history is missing. The cost of a full trace falls on this share only.
         */
        public double escalationShare = dev.faultline.Limits.ESCALATION_SHARE;
        /** Stop after this many crashes; 0 = no limit. */
        public int maxCrashes = 1;
        public int stringCap = 32;
        public boolean enableCore;
        /** Sentinel with escalation: stop at the first crash whose fd table already names a config file. */
        public boolean stopWhenNamed;
        /** run, full mode: install a SECCOMP_RET_TRACE filter so only the engine's syscalls stop the command. */
        public boolean seccomp;
        /** Record every syscall (a --strace-log was asked for); otherwise only those the engine reads are decoded. */
        public boolean recordAll;
        /** Reads the crashed process's own state at the signal stop (null: nothing to read). */
        public CrashStopReader atCrashStop;
        /**
         * attach: more servers to trace with the first, each with its processes and threads (the php-fpm pools behind
         * an httpd). One that cannot be seized is a note, never the end of the attach.
         */
        public List<Integer> alsoAttach = List.of();
        /** attach: follow the server's error and access logs beside the trace (the cli reads this; the tracer does not). */
        public boolean watchLogs = true;
        /** Say each 5xx on stderr the moment the trace shows it (the cli reads this; check turns it off). */
        public boolean sayIncidents = true;
        /**
         * launch only: PTRACE_O_EXITKILL, so the kernel kills every launched task when faultline dies, even by SIGKILL.
         * For {@code check}'s throwaway server, which must never outlive the check; refused on attach.
         */
        public boolean killWithTracer;
        /** launch only: told the launched command's pid as soon as it exists (check stops its server by it). */
        public java.util.function.IntConsumer onLaunched;
    }

    private static final int SYSCALL_TRAP = LinuxNames.SIGTRAP | 0x80;
    private static final int WUNTRACED = 2;
    private static final long OPTIONS = Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACEFORK | Ptrace.O_TRACEVFORK
            | Ptrace.O_TRACECLONE | Ptrace.O_TRACEEXEC;

    private static final class Tracee {
        final int tid;
        int tgid;
        boolean syscallMode;
        /** Auto-attached and not yet through its initial PTRACE_EVENT_STOP. */
        boolean fresh;
        /** Known from its own stop or exit only: its creator's fork/clone event has not been seen yet. */
        boolean unannounced;
        /** The launch shell before its exec of the command: its syscalls are not the command's. */
        boolean beforeExec;
        /** Between a syscall's entry and its exit (seccomp mode resumes with PTRACE_SYSCALL only then). */
        boolean awaitExit;
        /** The launch shell, until the seccomp filter is injected at its first syscall stop. */
        boolean needsFilter;
        LiveRecord.Syscall pending;
        /** Back to sentinel once the call it is in returns (a bounded full trace ended meanwhile). */
        boolean sentinelAfterExit;

        Tracee(int tid, int tgid, boolean syscallMode) {
            this.tid = tid;
            this.tgid = tgid;
            this.syscallMode = syscallMode;
        }
    }

    private final Options opt;
    private final Consumer<List<LiveRecord>> sink;
    private final ProcFs proc;
    /** The host's syscall numbers; the tracer runs on x86_64 only (its register layouts and seccomp injector are x86_64's). */
    private final SyscallTable table = SyscallTable.host();
    private final Map<Integer, Tracee> tracees = new HashMap<>();
    /**
     * Records handed over in batches: one queue hand-off (and one wake-up of the decoder) per syscall costs more
     * CPU than decoding it, on the machine the traced server needs. Flushed whenever the tracer would block.
     */
    private List<LiveRecord> batch = new ArrayList<>();
    /** tid → tgid of everything traced, read by the analysis thread. */
    private final Map<Integer, Integer> threadGroups = new ConcurrentHashMap<>();
    private final Set<Integer> crashedProcesses = new HashSet<>();
    private final List<String> notes = new ArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final long wallBase = System.currentTimeMillis() * 1_000_000L;
    private final long nanoBase = System.nanoTime();

    private final int attachPid;
    private final List<String> command;
    private volatile boolean stopRequested;
    private volatile String stopReason;
    private volatile int wakerPid;
    private Ptrace pt;
    private NativeBuffer info;
    private NativeBuffer sigInfo;
    private NativeBuffer regs;
    private NativeBuffer scratch;
    /** Reads what a stopped call's arguments point at (paths, buffers, structs). */
    private SyscallArgReader memory;
    private boolean escalated;
    private boolean filterInstalled;
    /** By syscall number: decode it (the engine reads it, or -o wants everything). */
    private boolean[] decode;
    private int crashes;
    private int waitAfterCrashFor = -1;
    private int launchedPid = -1;
    private int launchedStatus = -1;
    private int seized;
    private volatile Throwable failure;
    /** Test hook: FAULTLINE_INJECT_FAULT=N throws inside the loop after N stops, to prove errors still detach. */
    private final long injectFaultAfter = parseLong(System.getenv("FAULTLINE_INJECT_FAULT"));
    private long stops;

    private Tracer(Options opt, Consumer<List<LiveRecord>> sink, ProcFs proc, int attachPid, List<String> command) {
        this.opt = opt;
        this.sink = sink;
        this.proc = proc;
        this.attachPid = attachPid;
        this.command = command;
    }

    public static Tracer attach(int pid, Options opt, ProcFs proc, Consumer<List<LiveRecord>> sink) {
        if (opt.killWithTracer) {
            throw new IllegalArgumentException("PTRACE_O_EXITKILL is never set on a process faultline attaches to");
        }
        return new Tracer(opt, sink, proc, pid, null);
    }

    public static Tracer launch(List<String> command, Options opt, ProcFs proc, Consumer<List<LiveRecord>> sink) {
        return new Tracer(opt, sink, proc, -1, command);
    }

    /** Completes when every tracee is seized (or exceptionally with the attach/launch error). */
    public CompletableFuture<Void> started() {
        return started;
    }

    /** Asks the tracer to detach everything and return; safe from any thread (signal handlers, timers). */
    public void requestStop(String reason) {
        if (!stopRequested) {
            stopReason = reason;
            stopRequested = true;
        }
        wake();
    }

    public String stopReason() {
        return stopReason;
    }

    public List<String> notes() {
        return notes;
    }

    public int crashes() {
        return crashes;
    }

    /** An error inside the tracer after tracing started (everything was detached), or null. */
    public Throwable failure() {
        return failure;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The process (tgid) a traced thread belongs to, or -1 if unknown. */
    public int threadGroupOf(int tid) {
        return threadGroups.getOrDefault(tid, -1);
    }

    public int seizedCount() {
        return seized;
    }

    /** The launched command's wait status, or -1 (attach mode, or it outlived the trace). */
    public int launchedStatus() {
        return launchedStatus;
    }

    public int launchedPid() {
        return launchedPid;
    }

    @Override
    public void run() {
        pt = new Ptrace();
        info = new NativeBuffer(SyscallInfo.SIZE);
        sigInfo = new NativeBuffer(SigInfo.SIZE);
        regs = new NativeBuffer(UserRegs.SIZE);
        scratch = new NativeBuffer(64 * 1024);
        memory = new SyscallArgReader(pt, scratch, opt.stringCap);
        decode = new boolean[1024];
        if (opt.recordAll) {
            Arrays.fill(decode, true);
        } else if (table != null) {
            for (int nr : SeccompFilter.tracedNumbers(table)) {
                decode[nr] = true;
            }
        }
        try {
            if (table == null || !table.arch().equals("x86_64")) {
                // GET_SYSCALL_INFO is portable, but the crash capture reads user_regs_struct and the injector x86 code
                throw new AttachException(AttachException.Reason.WRONG_ARCH, "live tracing supports x86_64 only; this is "
                        + System.getProperty("os.arch") + " (analyze, core and configtest work here)");
            }
            spawnWaker();
            if (command != null) {
                launch();
            } else {
                seizeServer();
                if (opt.atCrashStop != null) {
                    opt.atCrashStop.warmUp(proc, attachPid);
                }
            }
            started.complete(null);
            loop();
        } catch (Throwable t) {
            if (!started.isDone()) {
                started.completeExceptionally(t);
            } else {
                failure = t;
                stopReason = "stopped on an internal error; every process was detached";
            }
        } finally {
            detachAll();
            killWaker();
            flush();
        }
    }

    // ------------------------------------------------------------------------------------------------ waking

    // The tracer blocks in waitpid(-1). To wake it from another thread (Ctrl-C, --duration), faultline keeps an
    // untraced child of its own, a sleeping process, and kills it: its death ends the wait.
    private void spawnWaker() throws NativeCallException {
        // with PR_SET_PDEATHSIG (util-linux's setpriv, then exec sleep): a faultline killed with SIGKILL leaves no waker
        List<String> argv = Files.isExecutable(SETPRIV)
                ? List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--", "sleep", "2147483647")
                : List.of("sleep", "2147483647");
        wakerPid = Ptrace.spawn(argv, Map.of("PATH", "/usr/bin:/bin"));
    }

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** Whether the task is gone or a zombie (state Z or X in /proc/TGID/task/TID/stat): it exited, nothing to detach. */
    private static boolean exitedTask(Tracee t) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(t.tgid), "task", Integer.toString(t.tid), "stat"));
            int paren = stat.lastIndexOf(')');
            char state = paren >= 0 && paren + 2 < stat.length() ? stat.charAt(paren + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true; // no such task any more
        }
    }

    /**
     * Sends {@code signal} to every process of the group {@code pgid} (a server faultline launched with setsid, which
     * leads its own group). Refuses the groups that are never a launched server's: 0, 1 and faultline's own.
     */
    public static boolean signalGroup(int pgid, int signal) {
        if (pgid <= 1 || pgid == ProcessHandle.current().pid()) {
            return false;
        }
        try {
            Ptrace.kill(-pgid, signal);
            return true;
        } catch (NativeCallException e) {
            return false; // the group is gone
        }
    }

    private void wake() {
        int w = wakerPid;
        if (w > 0) {
            try {
                Ptrace.kill(w, LinuxNames.SIGKILL);
            } catch (NativeCallException ignored) {
                // already gone: the tracer is awake anyway
            }
        }
    }

    private void killWaker() {
        int w = wakerPid;
        wakerPid = -1;
        if (w > 0) {
            try {
                Ptrace.kill(w, LinuxNames.SIGKILL);
                pt.waitpid(w, 0);
            } catch (NativeCallException ignored) {
                // reaped already
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ attach

    private void seizeServer() throws NativeCallException, AttachException {
        if (attachPid == Ptrace.ownPid()) {
            throw new AttachException(AttachException.Reason.SELF, "refusing to trace faultline's own process (" + attachPid + ")");
        }
        if (kernelThread(attachPid)) {
            // the kernel refuses ptrace on its own threads, to root too: "run as root" would be the wrong advice
            throw new AttachException(AttachException.Reason.PERMISSION, "process " + attachPid + " is a kernel thread: "
                    + "it cannot be traced, by root either; attach to the server's parent process (e.g. pgrep -o apache2)");
        }
        seizeTree(attachPid);
        if (tracees.isEmpty()) {
            throw new AttachException(AttachException.Reason.GONE, "process " + attachPid + " exited before it could be attached");
        }
        for (int other : opt.alsoAttach) {
            if (tracees.containsKey(other)) {
                continue;
            }
            int before = seized;
            try {
                seizeTree(other);
                notes.add("also attached to process " + other + " and its children (" + (seized - before) + " task(s))");
            } catch (AttachException e) {
                notes.add("not attached to process " + other + ": " + e.getMessage());
            }
        }
    }

    /** Seizes {@code top}'s server: its processes and threads, rescanning for those born meanwhile. */
    private void seizeTree(int top) throws NativeCallException, AttachException {
        ServerProcesses server = discover(top);
        for (int pid : server.pids()) {
            if (pid == Ptrace.ownPid()) {
                throw new AttachException(AttachException.Reason.SELF, "refusing to trace faultline's own process (" + pid + ")");
            }
        }
        for (int round = 0; round < 20; round++) {
            boolean added = false;
            for (Map.Entry<Integer, List<Integer>> p : server.threadsByPid().entrySet()) {
                for (int tid : p.getValue()) {
                    if (!tracees.containsKey(tid) && seize(p.getKey(), tid)) {
                        added = true;
                    }
                }
            }
            if (!added) {
                break;
            }
            // rescan: children forked or threads started while we were seizing
            server = discover(server.topPid());
        }
    }

    private int tracerProcess(int tracerThread) {
        try {
            return proc.status(tracerThread).tgid();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The host's reason for an EPERM (Yama, SELinux, a missing capability, another user) and its fix. */
    private String permissionAdvice(int pid) {
        int self = -1;
        int target = -1;
        try {
            self = proc.status(Ptrace.ownPid()).uid();
        } catch (IOException | RuntimeException e) {
            // unknown: the advice does without
        }
        try {
            target = proc.status(pid).uid();
        } catch (IOException | RuntimeException e) {
            // unknown: the advice does without
        }
        return dev.faultline.capture.proc.PtracePolicy.system().whyDenied(pid, self, target);
    }

    /** kthreadd (pid 2) and its children: no command line, and no user-space code to trace. */
    private boolean kernelThread(int pid) {
        try {
            ProcStatus st = proc.status(pid);
            return (pid == 2 || st.ppid() == 2) && proc.cmdline(pid).isEmpty();
        } catch (IOException | RuntimeException e) {
            return false; // gone or unreadable: the attach says so
        }
    }

    private ServerProcesses discover(int pid) throws AttachException {
        try {
            return ServerProcesses.find(proc, pid);
        } catch (ProcFs.NoSuchProcessException e) {
            throw new AttachException(AttachException.Reason.GONE, "no such process: " + pid);
        } catch (ProcFs.ProcAccessException e) {
            throw new AttachException(AttachException.Reason.PERMISSION, "cannot trace process " + pid + ": permission denied; "
                    + permissionAdvice(pid) + " (" + e.file() + " is unreadable)");
        } catch (IOException e) {
            throw new AttachException(AttachException.Reason.GONE, "cannot inspect process " + pid + ": " + e.getMessage());
        }
    }

    private boolean seize(int pid, int tid) throws NativeCallException, AttachException {
        try {
            ProcStatus st = proc.status(tid);
            if (st.isZombie()) {
                return false; // a crashed child its parent has not reaped yet: nothing to trace, and SEIZE says EPERM
            }
            int tracer = st.tracerPid();
            // TracerPid is the tracing *thread*; its process is what the user can see and stop
            int tracerProcess = tracer == 0 ? 0 : tracerProcess(tracer);
            if (tracer != 0 && tracerProcess == Ptrace.ownPid()) {
                return false; // born from a task seized a moment ago: already ours, through its parent's fork event
            }
            if (tracer != 0) {
                String who = "thread " + tracer;
                try {
                    if (tracerProcess > 0) {
                        who = "process " + tracerProcess + " (" + proc.status(tracerProcess).name() + ")"
                                + (tracerProcess != tracer ? " from its thread " + tracer : "");
                    }
                } catch (Exception ignored) {
                    // the tracer is in another pid namespace or gone
                }
                throw new AttachException(AttachException.Reason.ALREADY_TRACED,
                        "process " + tid + " is already traced by " + who + "; stop that tracer first (only one tracer at a time)");
            }
        } catch (ProcFs.NoSuchProcessException e) {
            return false;
        } catch (IOException e) {
            // status is world-readable; if not, the seize below tells the real story
        }
        try {
            pt.seize(tid, OPTIONS);
        } catch (NativeCallException e) {
            if (e.errno() == NativeCallException.ESRCH) {
                return false; // exited meanwhile
            }
            if (e.errno() == NativeCallException.EPERM && exitingOrGone(tid)) {
                return false;
            }
            if (e.errno() == NativeCallException.EPERM) {
                throw new AttachException(AttachException.Reason.PERMISSION, "cannot trace process " + tid + ": permission denied; "
                        + permissionAdvice(tid));
            }
            throw e;
        }
        seized++;
        Tracee t = new Tracee(tid, pid, opt.mode == Mode.FULL);
        track(tid, t);
        if (t.syscallMode) {
            interrupt(t); // SEIZE does not stop it; the interrupt stop is where syscall tracing begins
        }
        return true;
    }

    private void track(int tid, Tracee t) {
        tracees.put(tid, t);
        threadGroups.put(tid, t.tgid);
    }

    /**
     * Tasks whose exit was reported before their creator's fork/clone event (a child that dies at once): that event
     * must not track them again, or the loop would wait forever for a task that is gone. Bounded; a task seen stopped
     * later (its tid reused) is tracked by its own stop.
     */
    private final Set<Integer> exitedBeforeCreation = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<Integer, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                    return size() > 4096;
                }
            });

    private boolean exitingOrGone(int tid) {
        try {
            ProcStatus st = proc.status(tid);
            return st.isZombie() || st.state() == 'X';
        } catch (IOException e) {
            return true;
        }
    }

    private void interrupt(Tracee t) {
        try {
            pt.interrupt(t.tid);
        } catch (NativeCallException e) {
            // ESRCH: it is exiting; its exit will be reported
        }
    }

    // ------------------------------------------------------------------------------------------------ launch

    private void launch() throws NativeCallException, AttachException {
        int pid;
        try {
            pid = Ptrace.spawnStopped(command, System.getenv());
        } catch (NativeCallException e) {
            throw new AttachException(AttachException.Reason.GONE, "cannot start sh to launch " + command.get(0) + ": " + e.getMessage());
        }
        launchedPid = pid;
        if (opt.onLaunched != null) {
            opt.onLaunched.accept(pid);
        }
        // wait, as its parent, for the shell's own SIGSTOP, then seize it and let it exec the command
        int got = pt.waitpid(pid, WUNTRACED | Ptrace.WALL);
        int s = pt.lastStatus();
        if (got != pid || !WaitStatus.stopped(s)) {
            throw new AttachException(AttachException.Reason.GONE, "the launch shell ended before it could be traced");
        }
        // the options are inherited by every task auto-attached through fork/clone, so EXITKILL covers them all
        pt.seize(pid, (opt.seccomp ? OPTIONS | Ptrace.O_TRACESECCOMP : OPTIONS) | (opt.killWithTracer ? Ptrace.O_EXITKILL : 0));
        seized++;
        Tracee t = new Tracee(pid, pid, opt.mode == Mode.FULL);
        t.beforeExec = true;
        t.needsFilter = opt.seccomp && opt.mode == Mode.FULL;
        track(pid, t);
        Ptrace.kill(pid, LinuxNames.SIGCONT);
    }

    // ------------------------------------------------------------------------------------------------ the loop

    private void loop() throws NativeCallException {
        while (!tracees.isEmpty()) {
            if (stopRequested) {
                return;
            }
            if (escalationRequest != null && !escalated) {
                escalateOnRequest();
            } else if (deescalationDue && escalated) {
                deescalate();
            }
            // with records to hand over, look first; block only once they are handed over (one wait, not two,
            // for the stops that emitted nothing)
            int pid = batch.isEmpty() ? 0 : pt.waitpid(-1, Ptrace.WALL | Ptrace.WNOHANG);
            if (pid == 0) {
                flush(); // nothing pending: hand over what we have before blocking
                pid = pt.waitpid(-1, Ptrace.WALL);
            }
            if (pid < 0) {
                return; // no children at all: everything is gone
            }
            int s = pt.lastStatus();
            if (pid == wakerPid) {
                if (!WaitStatus.stopped(s)) {
                    wakerPid = -1;
                    if (!stopRequested) {
                        spawnWaker(); // someone else killed it
                    }
                }
                continue;
            }
            handle(pid, s);
            if (waitAfterCrashFor > 0 && !tracees.containsKey(waitAfterCrashFor)) {
                requestStop("stopped after " + crashes + " crash" + (crashes == 1 ? "" : "es") + " (--max-incidents)");
            }
        }
        if (stopReason == null) {
            stopReason = command != null ? "the command exited" : "every traced process exited";
        }
    }

    private void handle(int pid, int s) throws NativeCallException {
        if (injectFaultAfter > 0 && ++stops == injectFaultAfter) {
            throw new IllegalStateException("fault injected by FAULTLINE_INJECT_FAULT after " + stops + " stops");
        }
        Tracee t = tracees.get(pid);
        if (t == null) {
            // a new child whose first stop (or its exit) came before its parent's fork event
            int tgid = tgidOf(pid);
            t = new Tracee(pid, tgid, opt.mode == Mode.FULL || tracedInFullWhileEscalated(tgid));
            t.fresh = true;
            t.unannounced = true;
            track(pid, t);
        }
        if (!WaitStatus.stopped(s)) {
            gone(t, s);
            return;
        }
        try {
            stopped(t, pid, s);
        } catch (NativeCallException e) {
            if (e.errno() != NativeCallException.ESRCH) {
                throw e;
            }
            // the task vanished between its stop and this request (killed, or its process exec'd or exited): normal;
            // its exit is reported next
        }
    }

    private void stopped(Tracee t, int pid, int s) throws NativeCallException {
        int sig = WaitStatus.stopSig(s);
        int event = WaitStatus.event(s);
        if (sig == SYSCALL_TRAP) {
            syscallStop(t);
            resume(t, 0);
            return;
        }
        switch (event) {
            case Ptrace.EVENT_STOP:
                if (!t.fresh && sig != LinuxNames.SIGTRAP && isStopSignal(sig)) {
                    listen(t); // group-stop under SEIZE: stay stopped, but keep reporting (SIGCONT ends it)
                } else {
                    t.fresh = false; // initial stop of an auto-attached child, or our PTRACE_INTERRUPT
                    resume(t, 0);
                }
                return;
            case Ptrace.EVENT_FORK:
            case Ptrace.EVENT_VFORK:
            case Ptrace.EVENT_CLONE: {
                int child = (int) pt.eventMessage(pid);
                Tracee c = tracees.get(child);
                if (c == null && exitedBeforeCreation.remove(child)) {
                    resume(t, 0); // the child has come and gone already
                    return;
                }
                if (c == null) {
                    // a thread is traced like its process; a process the parent forks while escalated, like its siblings
                    boolean full = t.syscallMode || event != Ptrace.EVENT_CLONE && tracedInFullWhileEscalated(child);
                    c = new Tracee(child, event == Ptrace.EVENT_CLONE ? tgidOf(child) : child, full);
                    c.fresh = true;
                    track(child, c);
                } else {
                    c.tgid = event == Ptrace.EVENT_CLONE ? tgidOf(child) : child;
                    c.unannounced = false;
                    threadGroups.put(child, c.tgid);
                }
                resume(t, 0);
                return;
            }
            case Ptrace.EVENT_EXEC: {
                int former = (int) pt.eventMessage(pid);
                if (former != pid) {
                    // a non-leader thread exec'd: it now carries the leader's tid and the old tid is gone silently
                    Tracee old = tracees.remove(former);
                    if (old != null && old.pending != null) {
                        t.pending = old.pending;
                    }
                }
                t.beforeExec = false;
                resume(t, 0);
                return;
            }
            case Ptrace.EVENT_SECCOMP:
                syscallStop(t); // the filter's RET_TRACE: a syscall entry
                resume(t, 0);
                return;
            case 0:
                signalStop(t, sig);
                return;
            default:
                resume(t, 0);
        }
    }

    private static boolean isStopSignal(int sig) {
        return sig == LinuxNames.SIGSTOP || sig == LinuxNames.SIGTSTP || sig == LinuxNames.SIGTTIN || sig == LinuxNames.SIGTTOU;
    }

    private int tgidOf(int tid) {
        try {
            return proc.status(tid).tgid();
        } catch (Exception e) {
            return tid;
        }
    }

    private void resume(Tracee t, int sig) {
        try {
            // with the seccomp filter, PTRACE_CONT runs to the next traced call; PTRACE_SYSCALL only to see an exit
            if (t.syscallMode && (!filterInstalled || t.awaitExit || t.needsFilter)) {
                pt.syscall(t.tid, sig);
            } else {
                pt.cont(t.tid, sig);
            }
        } catch (NativeCallException e) {
            // ESRCH: killed while stopped (SIGKILL); its exit comes next
        }
    }

    private void listen(Tracee t) {
        try {
            pt.listen(t.tid);
        } catch (NativeCallException e) {
            // gone
        }
    }

    private void gone(Tracee t, int s) {
        tracees.remove(t.tid);
        if (t.tid == t.tgid) {
            fullProcesses.remove(t.tgid); // its replacement may take its place in the escalation's share
        }
        if (t.unannounced) {
            exitedBeforeCreation.add(t.tid); // its fork/clone event is still to come: it must not track a dead task
        }
        long now = now();
        if (t.pending != null && !t.beforeExec) {
            t.pending.finished = false;   // exit_group, or killed inside the call: strace prints "= ?"
            emit(t.pending);
        }
        boolean killed = WaitStatus.signaled(s);
        int value = killed ? WaitStatus.termSig(s) : WaitStatus.exitCode(s);
        emit(new LiveRecord.Exit(t.tid, now, killed, value, killed && WaitStatus.coreDumped(s)));
        if (t.tid == launchedPid) {
            launchedStatus = s;
        }
    }

    // ------------------------------------------------------------------------------------------------ signals

    private void signalStop(Tracee t, int sig) {
        long now = now();
        int code = 0;
        int errno = 0;
        long u0 = 0;
        long u1 = 0;
        try {
            pt.sigInfo(t.tid, sigInfo);
            code = sigInfo.getInt(SigInfo.CODE);
            errno = sigInfo.getInt(SigInfo.ERRNO);
            u0 = sigInfo.getLong(SigInfo.UNION);
            u1 = sigInfo.getLong(SigInfo.UNION + 8);
        } catch (NativeCallException e) {
            // no siginfo (vanished): report the bare signal
        }
        if (!t.beforeExec || sig != LinuxNames.SIGCONT) {
            emit(new LiveRecord.Signal(t.tid, now, sig, code, errno, u0, u1));
        }
        // si_pid is the first word of the union for a signal some process sent
        boolean crash = dev.faultline.linux.CrashSignals.isCrash(sig, code, (int) u0, t.tgid, t.tid);
        if (crash && !crashedProcesses.contains(t.tgid)
                && crashes < dev.faultline.Limits.CRASH_CAPTURES && (opt.maxCrashes == 0 || crashes < opt.maxCrashes)) {
            crashedProcesses.add(t.tgid);
            crashes++;
            CrashCapture c = CrashCollector.collect(proc, pt, t.tid, t.tgid, sig, code, u0, regs, now);
            if (opt.atCrashStop != null) {
                readAtStop(c, t.tgid);
            }
            if (opt.enableCore) {
                raiseCoreLimit(c, t.tgid);
            }
            emit(new LiveRecord.Crash(t.tid, now, c));
            if (opt.mode == Mode.SENTINEL && opt.escalate && !escalated && (opt.maxCrashes == 0 || crashes < opt.maxCrashes)) {
                escalate(t);
                if (opt.escalationWindowMillis > 0) {
                    deescalateAfter(opt.escalationWindowMillis);
                }
            }
            if (opt.maxCrashes > 0 && crashes >= opt.maxCrashes || opt.stopWhenNamed && namesConfigFile(c)) {
                waitAfterCrashFor = t.tgid; // let the signal through, see the process die, then stop
                scheduleStop(2000, "stopped 2 s after crash " + crashes + " (--max-incidents)");
            }
        }
        // re-inject: faultline caused none of these signals
        resume(t, sig);
    }

    private static boolean namesConfigFile(CrashCapture c) {
        for (CrashCapture.Fd fd : c.fds) {
            if (fd.isFile() && fd.pos() > 0 && PathClass.of(fd.path()) == PathClass.CONFIG) {
                return true;
            }
        }
        return false;
    }

    private void emit(LiveRecord r) {
        batch.add(r);
        if (batch.size() >= 256) {
            flush();
        }
    }

    private void flush() {
        if (!batch.isEmpty()) {
            List<LiveRecord> out = batch;
            batch = new ArrayList<>();
            sink.accept(out);
        }
    }

    private void raiseCoreLimit(CrashCapture c, int pid) {
        try {
            long[] old = Ptrace.raiseCoreLimit(pid);
            c.notes.add("--enable-core: RLIMIT_CORE of " + pid + " raised to unlimited (was " + (old[0] < 0 ? "unlimited" : old[0]) + ")");
        } catch (NativeCallException e) {
            c.notes.add("--enable-core: could not raise RLIMIT_CORE of " + pid + " (" + e.getMessage()
                    + "; another user's process needs CAP_SYS_RESOURCE)");
        }
    }

    /** After the first fault in sentinel mode, trace every syscall so that the next crash has full history. */
    /** The crash-stop reader, bounded by its own care; a failure there costs a note, never the server. */
    private void readAtStop(CrashCapture c, int tgid) {
        try (dev.faultline.capture.proc.ProcMemory mem = dev.faultline.capture.proc.ProcMemory.open(tgid)) {
            c.extension = opt.atCrashStop.read(c, proc, mem);
        } catch (java.io.IOException | RuntimeException e) {
            c.notes.add("the process's memory was unreadable at the fault: " + e.getMessage());
        }
    }

    /**
     * Sentinel: trace every syscall from now on for {@code millis} (a 5xx nobody explained: the next one comes with its
     * history), then go back to stopping on signals only. Safe from any thread; a no-op once escalated.
     */
    public void requestEscalation(String why, long millis) {
        if (opt.mode == Mode.SENTINEL && !escalated && escalationRequest == null) {
            escalationRequest = why;
            escalationMillis = millis;
            wake();
        }
    }

    private volatile String escalationRequest;
    private volatile long escalationMillis;
    private volatile boolean deescalationDue;

    private void escalateOnRequest() {
        String why = escalationRequest;
        escalateAll(null, "escalated to full syscall tracing for " + escalationMillis / 1000 + " s: " + why);
        deescalateAfter(escalationMillis);
    }

    private void deescalateAfter(long millis) {
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            deescalationDue = true;
            wake();
        }, "faultline-escalation-timer");
        timer.setDaemon(true);
        timer.start();
    }

    /** Back to sentinel: each task is resumed without syscall stops at its next stop. */
    private void deescalate() {
        deescalationDue = false;
        escalated = false;
        childrenOnly = false;
        fullProcesses.clear();
        escalationRequest = null;
        for (Tracee o : tracees.values()) {
            if (o.pending == null) {
                o.syscallMode = false;
            } else {
                o.sentinelAfterExit = true; // in a call: its exit stop comes first, so its record is whole
            }
        }
        notes.add("back to sentinel mode after the bounded full trace");
    }

    private void escalate(Tracee current) {
        // a child crashed: trace the children (the next crash comes from one of them), not the parent's loop
        childrenOnly = command == null && current.tgid != attachPid;
        String window = opt.escalationWindowMillis > 0 ? "for " + opt.escalationWindowMillis / 1000 + " s " : "";
        escalateAll(current, "escalated to full syscall tracing " + window + "after the first crash"
                + (childrenOnly ? ", in the server's child processes only" : "") + ": the next crash will come with its history");
    }

    /** The escalation covers the server's children, not its parent (set while escalated). */
    private boolean childrenOnly;
    /** While escalated with a share below 1: the child processes traced in full, at most {@link #fullBudget}. */
    private final java.util.Set<Integer> fullProcesses = new java.util.HashSet<>();
    private int fullBudget;

    private boolean sharedEscalation() {
        return childrenOnly && opt.escalationShare < 1;
    }

    /**
     * Whether a process of thread group {@code tgid} is traced in full now: the escalation covers it. With a share,
     * a child process is admitted while the share has room (a replacement takes the place of a child that exited).
     */
    private boolean tracedInFullWhileEscalated(int tgid) {
        if (!escalated || childrenOnly && tgid == attachPid) {
            return false;
        }
        if (!sharedEscalation() || fullProcesses.contains(tgid)) {
            return true;
        }
        if (fullProcesses.size() < fullBudget) {
            fullProcesses.add(tgid);
            return true;
        }
        return false;
    }

    private void escalateAll(Tracee current, String note) {
        escalated = true;
        if (sharedEscalation()) {
            // the newest children first: a replacement forked for a crashed child is the likeliest to crash next
            java.util.TreeSet<Integer> children = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
            for (Tracee o : tracees.values()) {
                if (o.tgid != attachPid && o.tgid > 0 && (current == null || o.tgid != current.tgid)) {
                    children.add(o.tgid); // not the crashing child: it is about to die
                }
            }
            fullBudget = Math.max(1, (int) Math.ceil(opt.escalationShare * children.size()));
            for (int tgid : children) {
                if (fullProcesses.size() < fullBudget) {
                    fullProcesses.add(tgid);
                }
            }
            note += " (" + fullBudget + " of " + children.size() + " child processes at a time: --escalate-share "
                    + opt.escalationShare + ")";
        }
        notes.add(note);
        for (Tracee o : tracees.values()) {
            if (childrenOnly && o.tgid == attachPid || sharedEscalation() && !fullProcesses.contains(o.tgid)) {
                continue;
            }
            if (!o.syscallMode) {
                o.syscallMode = true;
                if (o != current) {
                    interrupt(o);
                }
            }
        }
    }

    private void scheduleStop(long millis, String reason) {
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            requestStop(reason);
        }, "faultline-crash-timer");
        timer.setDaemon(true);
        timer.start();
    }

    // ------------------------------------------------------------------------------------------------ syscalls

    private void syscallStop(Tracee t) {
        if (t.awaitExit && t.pending == null && !t.sentinelAfterExit && !t.needsFilter) {
            // a syscall-enter-stop is always followed by its exit stop (ptrace(2)), and nobody reads this call: one
            // PTRACE_GET_SYSCALL_INFO fewer per futex, epoll_wait... of a full trace
            t.awaitExit = false;
            return;
        }
        int op;
        try {
            op = pt.syscallInfo(t.tid, info);
        } catch (NativeCallException e) {
            return;
        }
        if (op == SyscallInfo.OP_ENTRY && t.needsFilter) {
            t.needsFilter = false;
            injectFilter(t);
            return; // the shell re-executes its syscall and stops at its entry again
        }
        if (op == SyscallInfo.OP_ENTRY || op == SyscallInfo.OP_SECCOMP) {
            t.awaitExit = true;
            int nr = (int) info.getLong(SyscallInfo.NR_OR_RVAL);
            if (nr < 0 || nr >= decode.length || !decode[nr]) {
                t.pending = null; // futex, epoll_wait...: nothing the engine reads, and no log asked for them
                return;
            }
            long[] args = info.getLongArray(SyscallInfo.ARGS, 6); // one JNI copy, not six
            String name = table.name(nr);
            LiveRecord.Syscall rec = new LiveRecord.Syscall(t.tid, now(), nr, name, args);
            if (name.equals("execve") || name.equals("execveat")) {
                // read now: after a successful exec the old memory is gone
                int pathArg = name.equals("execve") ? 0 : 1;
                rec.path = memory.readCString(t.tid, args[pathArg]);
                rec.argv = memory.readArgv(t.tid, args[pathArg + 1]);
            }
            t.pending = rec;
        } else if (op == SyscallInfo.OP_EXIT) {
            t.awaitExit = false;
            LiveRecord.Syscall rec = t.pending;
            t.pending = null;
            if (t.sentinelAfterExit) {
                t.sentinelAfterExit = false;
                t.syscallMode = escalated;
            }
            if (rec == null) {
                return; // attached in the middle of this call: strace would print only a resumed half
            }
            rec.rval = info.getLong(SyscallInfo.NR_OR_RVAL);
            rec.finished = true;
            rec.durationNs = now() - rec.timeNs;
            if (!t.beforeExec) {
                memory.readOutputs(t.tid, rec);
                emit(rec);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ seccomp

    /** Makes the stopped launch shell install the filter itself (see {@link SeccompInjector}); on failure tracing stays full. */
    private void injectFilter(Tracee t) {
        SeccompInjector injector = SeccompInjector.forArch(table);
        if (injector == null) {
            notes.add("seccomp filter not installed (no injector for " + table.arch() + "); tracing every syscall");
            return;
        }
        String failure = injector.install(pt, t.tid, SeccompFilter.program(SeccompFilter.tracedNumbers(table)),
                tid -> proc.status(tid).uid() != 0, this::expectSyscallStop);
        if (failure == null) {
            filterInstalled = true;
        } else {
            notes.add("seccomp filter not installed (" + failure + "); tracing every syscall");
        }
    }

    private void expectSyscallStop(int tid) throws NativeCallException {
        int got = pt.waitpid(tid, Ptrace.WALL);
        int s = pt.lastStatus();
        if (got != tid || !WaitStatus.stopped(s) || WaitStatus.stopSig(s) != SYSCALL_TRAP) {
            throw new IllegalStateException("unexpected stop 0x" + Integer.toHexString(s) + " while injecting");
        }
    }

    private long now() {
        return wallBase + (System.nanoTime() - nanoBase);
    }

    // ------------------------------------------------------------------------------------------------ detach

    /**
     * Detaches every tracee. A tracee can only be detached while stopped, so each one is interrupted and detached
     * at its stop; a signal it was stopped for is delivered on the way out.
     */
    private void detachAll() {
        if (pt == null || tracees.isEmpty()) {
            return;
        }
        if (filterInstalled) {
            endFilteredCommand();
        }
        for (Tracee t : tracees.values()) {
            interrupt(t);
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        int idlePolls = 0;
        while (!tracees.isEmpty() && System.nanoTime() < deadline) {
            int pid;
            try {
                pid = pt.waitpid(-1, Ptrace.WALL | Ptrace.WNOHANG);
            } catch (NativeCallException e) {
                break;
            }
            if (pid < 0) {
                // ECHILD: no traced task is left to report. Those still listed died unreported (a child whose exit came
                // before its creator's fork event): nothing is left to detach, and nothing "did not stop".
                tracees.clear();
                break;
            }
            if (pid == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (++idlePolls % 100 == 0) {
                    // a thread of a process that is being killed may die without another report
                    tracees.values().removeIf(t -> !Files.exists(Path.of("/proc", Integer.toString(t.tgid),
                            "task", Integer.toString(t.tid))));
                }
                continue;
            }
            int s = pt.lastStatus();
            Tracee t = tracees.get(pid);
            if (t == null) {
                if (WaitStatus.stopped(s)) {
                    tryDetach(pid, 0); // a child auto-attached during the detach
                } else {
                    exitedBeforeCreation.add(pid); // its creator's fork event may come next: it must not track a dead task
                }
                continue;
            }
            if (!WaitStatus.stopped(s)) {
                gone(t, s);
                continue;
            }
            int sig = WaitStatus.stopSig(s);
            int event = WaitStatus.event(s);
            int deliver = event == 0 && sig != SYSCALL_TRAP ? sig : 0;
            if (event == Ptrace.EVENT_FORK || event == Ptrace.EVENT_VFORK || event == Ptrace.EVENT_CLONE) {
                try {
                    int child = (int) pt.eventMessage(pid);
                    if (!tracees.containsKey(child) && !exitedBeforeCreation.remove(child)) {
                        Tracee c = new Tracee(child, child, false);
                        c.fresh = true;
                        track(child, c);
                    }
                } catch (NativeCallException ignored) {
                    // the child is reported on its own
                }
            }
            if (t.pending != null && !t.beforeExec) {
                t.pending.finished = false;
                emit(t.pending);
                t.pending = null;
            }
            tryDetach(pid, deliver);
            tracees.remove(pid);
        }
        if (!tracees.isEmpty()) {
            // still running (a stop never came): the kernel detaches them when this thread exits, and never kills them
            StringBuilder which = new StringBuilder();
            int alive = 0;
            for (Tracee t : tracees.values()) {
                tryDetach(t.tid, 0);
                // a thread that exited (a zombie, or gone) has nothing left to stop: only live ones are worth a note
                if (!exitedTask(t)) {
                    alive++;
                    which.append(which.length() == 0 ? "" : ", ").append(t.tid).append(" (").append(taskState(t)).append(')');
                }
            }
            if (alive > 0) {
                notes.add(alive + " thread(s) did not stop within 3 s (" + which + "); the kernel detaches them as faultline exits");
            }
            tracees.clear();
        }
    }

    /**
     * A seccomp filter cannot be removed, and without its tracer every filtered syscall fails with ENOSYS: a command
     * left like that would misbehave in ways nobody could explain. So when faultline must stop before the command
     * ends, the command is asked to exit (SIGTERM), and killed after 5 s; never left running filtered.
     */
    private void endFilteredCommand() {
        notes.add("stopped before the command ended: it carries faultline's seccomp filter, which cannot be removed, "
                + "so it was sent SIGTERM (SIGKILL after 5 s) instead of being left with failing syscalls");
        Set<Integer> processes = new HashSet<>();
        tracees.values().forEach(t -> processes.add(t.tgid));
        signalAll(processes, LinuxNames.SIGTERM);
        long killAt = System.nanoTime() + 5_000_000_000L;
        long giveUp = killAt + 3_000_000_000L;
        boolean killed = false;
        while (!tracees.isEmpty() && System.nanoTime() < giveUp) {
            if (!killed && System.nanoTime() > killAt) {
                signalAll(processes, LinuxNames.SIGKILL);
                killed = true;
            }
            try {
                int pid = pt.waitpid(-1, Ptrace.WALL | Ptrace.WNOHANG);
                if (pid < 0) {
                    break;
                }
                if (pid == 0) {
                    Thread.sleep(1);
                } else if (pid != wakerPid) {
                    handle(pid, pt.lastStatus());
                }
            } catch (NativeCallException | InterruptedException e) {
                break;
            }
        }
    }

    private static void signalAll(Set<Integer> pids, int sig) {
        for (int pid : pids) {
            try {
                Ptrace.kill(pid, sig);
            } catch (NativeCallException ignored) {
                // already gone
            }
        }
    }

    /** The task's state letter from /proc (R, S, D, Z...), or "gone": says why a task did not stop. */
    private String taskState(Tracee t) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(t.tgid), "task", Integer.toString(t.tid), "stat"));
            return "state " + stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
    }

    private void tryDetach(int tid, int sig) {
        try {
            pt.detach(tid, sig);
        } catch (NativeCallException ignored) {
            // gone already
        }
    }
}
