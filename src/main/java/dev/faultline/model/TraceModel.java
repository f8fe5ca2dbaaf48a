package dev.faultline.model;

import dev.faultline.trace.CString;
import dev.faultline.trace.CallText;
import dev.faultline.trace.FdRef;
import dev.faultline.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays events into processes, threads and fd tables, and records each thread's file activity. Threads that
 * exit are dropped, so memory follows the number of live threads, not the length of the trace.
 */
public final class TraceModel {

    private final Map<Integer, ThreadState> threads = new HashMap<>();
    /*
     * The last {@link dev.faultline.Limits#TRACE_ACTIVITIES} activities added, as a ring of (thread, seq in that thread):
     * the one a new activity overwrites expires from its thread's timeline, so all timelines together stay within the
     * budget. Only the thread and the number are kept, so expiring touches no old activity.
     */
    private final ThreadState[] recentOwner = new ThreadState[dev.faultline.Limits.TRACE_ACTIVITIES];
    private final long[] recentSeq = new long[dev.faultline.Limits.TRACE_ACTIVITIES];
    private long added;
    /** Whole configuration files as the trace showed them read (the last complete read of each), bounded. */
    private final Map<String, String> fileTexts = new java.util.LinkedHashMap<>();
    private long fileTextChars;

    /**
     * Configuration files the trace showed being read whole (strace printed every byte, up to EOF), by path: the
     * contents the server really read, which survive a file edited or deleted since.
     */
    public Map<String, String> fileTexts() {
        return java.util.Collections.unmodifiableMap(fileTexts);
    }

    private final HeapWatch heap = new HeapWatch();
    /** True once the heap neared its limit and the model keeps less detail ({@link #lean}). */
    private boolean lean;
    /** Set when the model turned lean: what was dropped from where, a warning for the report. */
    private String memoryNote;

    /**
     * Drops detail to leave room: each thread keeps only its last {@link dev.faultline.Limits#LEAN_TIMELINE_ACTIVITIES}
     * activities, files opened from now on keep {@link dev.faultline.Limits#LEAN_FILE_CONTENT_CHARS} of content, and
     * no further whole config text is kept. Incidents, fds and processes are kept whole: they make the verdicts.
     */
    private void lean(TraceEvent at) {
        lean = true;
        for (ThreadState t : threads.values()) {
            t.shrink(dev.faultline.Limits.LEAN_TIMELINE_ACTIVITIES);
        }
        memoryNote = "the heap held " + heap.usedMiB() + " of " + heap.maxMiB() + " MiB at " + at.source + " line " + at.lineNo
                + ": from there on each thread kept only its last " + dev.faultline.Limits.LEAN_TIMELINE_ACTIVITIES
                + " file activities and each newly opened file " + dev.faultline.Limits.LEAN_FILE_CONTENT_CHARS / 1024
                + " KiB of content (detail dropped to leave room; the verdicts rest on less)";
    }

    /** What was dropped to leave room when the heap neared its limit, or null when nothing was. */
    public String memoryNote() {
        return memoryNote;
    }

    private void keepText(OpenFile f) {
        if (lean) {
            return;
        }
        if (f == null || f.pathClass != PathClass.CONFIG || !f.sawEof || !f.path.startsWith("/")) {
            return;
        }
        String text = f.content();
        if (text == null || fileTextChars + text.length() > dev.faultline.Limits.CONFIG_TEXT_CHARS) {
            return;
        }
        String old = fileTexts.put(f.path, text);
        fileTextChars += text.length() - (old == null ? 0 : old.length());
    }

    public ThreadState thread(int tid) {
        ThreadState t = existing(tid);
        if (t == null) {
            t = new ThreadState(tid, new ProcessState(tid, new FdTable(), null));
            threads.put(tid, t);
        }
        return t;
    }

    /**
     * Live capture: the kernel's word on which process a thread belongs to. A thread the stream never showed being
     * created (it predates the attach) joins its process; one the stream placed elsewhere (a clone seen out of order)
     * moves, keeping its timeline. A process leader placed in another process gets a process of its own.
     */
    public void placeThread(int tid, int tgid) {
        ThreadState t = threads.get(tid);
        if (t != null && t.process.tgid == tgid) {
            return;
        }
        if (tid == tgid) {
            if (t != null) {
                t.process = new ProcessState(tid, t.process.fds.copy(), t.process.cwd);
            }
            return;
        }
        ProcessState p = thread(tgid).process;
        if (t == null) {
            threads.put(tid, new ThreadState(tid, p));
        } else {
            t.process = p;
        }
    }

    /**
     * Offline evidence that a thread the stream never showed being created belongs to process {@code tgid}: its
     * {@code getpid()}, or its death in the same burst as that process's crash. This is how a trace taken with
     * {@code strace -p PID -p TID ...} (threads attached one by one, so no clone lines) gets its processes back. The
     * thread joins the process and its descriptors join the process's table. Returns false, changing nothing, when
     * the thread's process is already known (a clone line placed it, or other threads share its process).
     */
    public boolean joinProcess(int tid, int tgid) {
        ThreadState t = threads.get(tid);
        if (t == null || tid == tgid || t.bornInTrace || t.process.tgid != tid) {
            return false;
        }
        for (ThreadState other : threads.values()) {
            if (other != t && other.process == t.process) {
                return false;
            }
        }
        ProcessState p = thread(tgid).process;
        p.fds.absorb(t.process.fds);
        if (p.cwd == null) {
            p.cwd = t.process.cwd;
        }
        t.process = p;
        return true;
    }

    /**
     * The thread asked for last: each event asks several times for its own (a map lookup and a boxed key each). A tid
     * is only ever put when absent, so only {@link #drop} can make this stale.
     */
    private ThreadState lastAsked;

    public ThreadState existing(int tid) {
        ThreadState t = lastAsked;
        if (t != null && t.tid == tid) {
            return t;
        }
        t = threads.get(tid);
        lastAsked = t;
        return t;
    }

    private void drop(int tid) {
        threads.remove(tid);
        if (lastAsked != null && lastAsked.tid == tid) {
            lastAsked = null;
        }
    }

    public int liveThreads() {
        return threads.size();
    }

    /** Applies one event; returns the activity it added to its thread's timeline, or null. */
    public FileActivity apply(TraceEvent e) {
        if (!lean && heap.near()) {
            lean(e);
        }
        switch (e.kind) {
            case SYSCALL:
                return syscall(e);
            case SIGNAL:
                signalled(e);
                return null;
            case EXITED:
            case KILLED:
                drop(e.tid);
                return null;
            case SUPERSEDED:
                // a non-leader thread called execve and now carries the leader's tid
                drop(e.otherPid);
                return null;
            default:
                return null;
        }
    }

    private FileActivity syscall(TraceEvent e) {
        if (e.incomplete && e.result == TraceEvent.NO_RESULT && !e.name.equals("execve")) {
            return null;
        }
        ThreadState t = thread(e.tid);
        ProcessState p = t.process;
        boolean ok = !e.failed() && e.result != TraceEvent.NO_RESULT && e.result >= 0;
        switch (e.name) {
            case "open":
            case "creat":
                return open(e, t, FdRef.parse("AT_FDCWD"), e.arg(0), e.name.equals("creat") ? "O_WRONLY|O_CREAT|O_TRUNC" : e.arg(1), ok);
            case "openat":
            case "openat2":
                return open(e, t, FdRef.parse(e.arg(0)), e.arg(1), e.arg(2), ok);
            case "close":
                if (ok) {
                    FdRef ref = FdRef.parse(e.arg(0));
                    OpenFile f = p.fds.remove(ref.fd);
                    keepText(f);
                    if (f != null && f.pathClass.isSuspect()) {
                        return add(t, new FileActivity(FileActivity.Kind.CLOSE, f.path, null, e.source, e.lineNo, e.text(), f));
                    }
                }
                return null;
            case "close_range":
                if (ok) {
                    int first = FdRef.parseIntOr0(e.arg(0));
                    String lastArg = e.arg(1);
                    int last = lastArg == null || lastArg.startsWith("~") || lastArg.startsWith("0x") ? Integer.MAX_VALUE : FdRef.parseIntOr0(lastArg);
                    String flags = e.arg(2);
                    if (flags == null || !flags.contains("CLOEXEC")) {
                        p.fds.closeRange(first, last);
                    }
                }
                return null;
            case "dup":
            case "dup2":
            case "dup3":
            case "fcntl":
            case "fcntl64":
                boolean dupfd = e.name.startsWith("dup") || (e.arg(1) != null && e.arg(1).startsWith("F_DUPFD"));
                if (ok && dupfd) {
                    OpenFile f = fileOf(p, e.arg(0), e);
                    if (f != null) {
                        p.fds.put((int) e.result, f);
                    }
                }
                return null;
            case "pipe":
            case "pipe2":
                if (ok) {
                    for (String fd : bracketList(e.arg(0))) {
                        FdRef r = FdRef.parse(fd);
                        if (r.fd >= 0) {
                            p.fds.put(r.fd, new OpenFile(null, OpenFile.Kind.PIPE, e.arg(1) != null && e.arg(1).contains("O_CLOEXEC"), false, e.lineNo, e.text(), e.source));
                        }
                    }
                }
                return null;
            case "socket":
            case "accept":
            case "accept4":
                if (ok) {
                    String flags = e.name.equals("socket") ? e.arg(1) : e.arg(3);
                    OpenFile s = new OpenFile(e.resultPath, OpenFile.Kind.SOCKET, flags != null && flags.contains("CLOEXEC"), false, e.lineNo, e.text(), e.source);
                    if (!e.name.equals("socket")) {
                        s.accepted = true;
                        OpenFile listener = fileOf(p, e.arg(0), e);
                        String viaDecoration = SocketAddress.ofDecoration(e.resultPath);
                        s.address = listener != null && listener.address != null ? listener.address : viaDecoration;
                        s.ends = SocketAddress.ends(e.resultPath);
                    }
                    p.fds.put((int) e.result, s);
                }
                return null;
            case "bind":
            case "connect":
                return bindOrConnect(e, t, ok || "EINPROGRESS".equals(e.errno));
            case "socketpair":
                if (ok) {
                    for (String fd : bracketList(e.arg(3))) {
                        FdRef r = FdRef.parse(fd);
                        if (r.fd >= 0) {
                            p.fds.put(r.fd, new OpenFile(r.decoration, OpenFile.Kind.SOCKET, false, false, e.lineNo, e.text(), e.source));
                        }
                    }
                }
                return null;
            case "read":
            case "pread64":
            case "recvfrom":
            case "recv":
                return read(e, t, e.arg(1), ok);
            case "readv":
            case "preadv":
            case "preadv2":
                return read(e, t, iovText(e.arg(1)), ok);
            case "write":
            case "pwrite64":
            case "send":
            case "sendto":
                return write(e, t, e.arg(1), ok);
            case "writev":
            case "pwritev":
            case "pwritev2":
                return write(e, t, iovText(e.arg(1)), ok);
            case "sendmsg":
                return write(e, t, iovText(e.arg(1)), ok);
            case "stat":
            case "lstat":
            case "stat64":
            case "lstat64":
                return stat(e, t, FdRef.parse("AT_FDCWD"), e.arg(0), ok, false);
            case "newfstatat":
            case "fstatat64":
            case "statx":
                return stat(e, t, FdRef.parse(e.arg(0)), e.arg(1), ok, false);
            case "access":
                return stat(e, t, FdRef.parse("AT_FDCWD"), e.arg(0), ok, true);
            case "faccessat":
            case "faccessat2":
                return stat(e, t, FdRef.parse(e.arg(0)), e.arg(1), ok, true);
            case "chdir":
                if (ok) {
                    String dir = CString.decode(e.arg(0));
                    if (dir != null) {
                        p.cwd = resolve(p, FdRef.parse("AT_FDCWD"), dir);
                    }
                }
                return null;
            case "fchdir":
                if (ok) {
                    FdRef r = FdRef.parse(e.arg(0));
                    OpenFile f = p.fds.get(r.fd);
                    String dir = r.path() != null ? r.path() : f != null ? f.path : null;
                    if (dir != null) {
                        p.cwd = dir;
                    }
                }
                return null;
            case "execve":
            case "execveat":
                if (e.result == 0) {
                    p.fds.closeOnExec();
                    p.execArgv = stringArray(e.arg(e.name.equals("execve") ? 1 : 2));
                    String prog = CString.decode(e.name.equals("execve") ? e.arg(0) : e.arg(1));
                    return add(t, new FileActivity(FileActivity.Kind.EXEC, prog, null, e.source, e.lineNo, e.text(), null));
                }
                return null;
            case "clone":
            case "clone3":
            case "fork":
            case "vfork":
                if (ok && e.result > 0) {
                    cloned(t, (int) e.result, e.name, e.argText() == null ? "" : e.argText());
                }
                return null;
            default:
                return null;
        }
    }

    /** Ends an argv string that strace cut ({@code "/tmp/faultline-httpd/loc"...}). */
    public static final String CUT_MARK = "\u2026";

    /** A strace string array {@code ["apache2", "-t"]} as its strings (a cut array {@code ...} ends it); null if none. */
    static List<String> stringArray(String arg) {
        if (arg == null || !arg.startsWith("[")) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        String inner = arg.endsWith("]") ? arg.substring(1, arg.length() - 1) : arg.substring(1);
        for (String item : CallText.splitArgs(inner)) {
            String v = CString.decode(item.trim());
            if (v != null) {
                // a string strace cut at -s keeps a mark, so that no one takes the prefix for the value
                out.add(CString.isTruncated(item.trim()) ? v + CUT_MARK : v);
            }
        }
        return out;
    }

    /** Signals that tell httpd to reload or stop; the model keeps the last one each process got. */
    private static final java.util.Set<String> CONTROL_SIGNALS = java.util.Set.of("SIGHUP", "SIGUSR1", "SIGWINCH", "SIGTERM");

    private void signalled(TraceEvent e) {
        if (CONTROL_SIGNALS.contains(e.signalName())) {
            ProcessState p = thread(e.tid).process;
            p.controlSignal = e.signalName();
            p.controlSignalLine = e.lineNo;
        }
    }

    private void cloned(ThreadState parent, int childTid, String call, String args) {
        boolean thread = call.startsWith("clone") && args.contains("CLONE_THREAD");
        if (!thread) {
            parent.process.forked = true;
        }
        boolean sharesFiles = call.startsWith("clone") && args.contains("CLONE_FILES");
        ThreadState child = threads.get(childTid);
        ProcessState pp = parent.process;
        if (thread) {
            if (child != null && child.process != pp) {
                pp.fds.absorb(child.process.fds);
            }
            if (child == null) {
                child = new ThreadState(childTid, pp);
                threads.put(childTid, child);
            }
            child.process = pp;
            child.bornInTrace = true;
            return;
        }
        FdTable table = sharesFiles ? pp.fds : pp.fds.copy();
        if (child == null) {
            child = new ThreadState(childTid, new ProcessState(childTid, table, pp.cwd));
            threads.put(childTid, child);
        } else {
            // the child's own lines came before the parent's clone returned
            if (!sharesFiles) {
                FdTable merged = pp.fds.copy();
                merged.putAllFrom(child.process.fds);
                child.process.fds = merged;
            } else {
                pp.fds.absorb(child.process.fds);
                child.process.fds = pp.fds;
            }
            if (child.process.cwd == null) {
                child.process.cwd = pp.cwd;
            }
        }
        child.bornInTrace = true;
    }

    private FileActivity open(TraceEvent e, ThreadState t, FdRef dir, String pathArg, String flags, boolean ok) {
        ProcessState p = t.process;
        noteCwd(p, dir);
        String raw = CString.decode(pathArg);
        if (raw == null) {
            return null;
        }
        String path = resolve(p, dir, raw);
        if (!path.startsWith("/") && e.resultPath != null && e.resultPath.startsWith("/")) {
            path = FdRef.parse("0<" + e.resultPath + ">").path();
        }
        String fl = flags == null ? "" : flags;
        if (ok) {
            OpenFile.Kind kind = e.resultPath != null && !e.resultPath.startsWith("/") ? OpenFile.Kind.OTHER : OpenFile.Kind.FILE;
            boolean writeOnly = fl.contains("O_WRONLY") || (fl.contains("O_APPEND") && fl.contains("O_RDWR"));
            OpenFile f = new OpenFile(path, kind, kind == OpenFile.Kind.FILE ? classOf(path) : PathClass.OTHER, fl.contains("O_CLOEXEC"),
                    writeOnly, e.lineNo, e.text(), e.source);
            if (lean) {
                f.contentCap = dev.faultline.Limits.LEAN_FILE_CONTENT_CHARS;
            }
            p.fds.put((int) e.result, f);
            if (f.pathClass.isSuspect() || f.pathClass == PathClass.OTHER) {
                return add(t, new FileActivity(FileActivity.Kind.OPEN, path, null, e.source, e.lineNo, e.text(), f));
            }
            return null;
        }
        if (e.errno == null) {
            return null;
        }
        PathClass pc = classOf(path);
        if (pc == PathClass.LIBRARY || pc == PathClass.SYSTEM) {
            return null;
        }
        return add(t, new FileActivity(FileActivity.Kind.OPEN_FAILED, path, e.errno, e.source, e.lineNo, e.text(), null));
    }

    private FileActivity stat(TraceEvent e, ThreadState t, FdRef dir, String pathArg, boolean ok, boolean access) {
        ProcessState p = t.process;
        noteCwd(p, dir);
        String raw = CString.decode(pathArg);
        if (raw == null || raw.isEmpty()) {
            return null; // fstat-style call on an fd (AT_EMPTY_PATH)
        }
        String path = resolve(p, dir, raw);
        PathClass pc = classOf(path);
        if (pc == PathClass.LIBRARY || pc == PathClass.SYSTEM) {
            return null;
        }
        if (ok) {
            if (!pc.isSuspect()) {
                return null;
            }
            FileActivity last = t.last();
            if (last != null && last.kind == FileActivity.Kind.STAT_OK && path.equals(last.path)) {
                last.count++;
                last.lastLine = e.lineNo;
                last.lastText = FileActivity.clip(e.text());
                return last;
            }
            return add(t, new FileActivity(FileActivity.Kind.STAT_OK, path, null, e.source, e.lineNo, e.text(), null));
        }
        if (e.errno == null) {
            return null;
        }
        FileActivity.Kind kind = access ? FileActivity.Kind.ACCESS_FAILED : FileActivity.Kind.STAT_FAILED;
        return add(t, new FileActivity(kind, path, e.errno, e.source, e.lineNo, e.text(), null));
    }

    /** A socket's address; a connect() made while serving is kept in the thread's timeline (a FastCGI backend, say). */
    private FileActivity bindOrConnect(TraceEvent e, ThreadState t, boolean ok) {
        if (!ok) {
            return null;
        }
        OpenFile f = fileOf(t.process, e.arg(0), e);
        String address = SocketAddress.of(e.arg(1));
        if (f == null || f.kind != OpenFile.Kind.SOCKET || address == null) {
            return null;
        }
        f.address = address;
        if (e.name.equals("bind") || address.startsWith("unix:/var/run/nscd") || address.startsWith("unix:/run/nscd")) {
            return null;
        }
        FileActivity a = add(t, new FileActivity(FileActivity.Kind.CONNECT, address, null, e.source, e.lineNo, e.text(), f));
        a.timeNs = e.timeNs;
        return a;
    }

    /** What a socket buffer says about the connection: its ends (-yy), and whether it carries FastCGI. */
    private void learnSocket(OpenFile f, FdRef ref, byte[] data) {
        if (f == null || f.kind != OpenFile.Kind.SOCKET) {
            return;
        }
        String[] ends = socketEnds(ref.decoration);
        if (ends != null) {
            f.ends = ends;
        }
        if (FastCgiRecords.isRecord(data)) {
            f.fastcgi = true;
        }
        if (f.fastcgi && f.fastcgiScript == null) {
            f.fastcgiScript = FastCgiRecords.scriptPath(FastCgiRecords.param(data, "SCRIPT_FILENAME"));
        }
    }

    /** {@link PathClass#of} of the paths seen lately: a server stats and opens the same few files over and over. */
    private final Map<String, PathClass> pathClasses = new HashMap<>();
    /** Paths remembered at most; past it the memo starts again (a trace that walks a whole tree). */
    private static final int PATH_CLASSES = 4096;

    private PathClass classOf(String path) {
        PathClass c = pathClasses.get(path);
        if (c == null) {
            if (pathClasses.size() >= PATH_CLASSES) {
                pathClasses.clear();
            }
            c = PathClass.of(path);
            pathClasses.put(path, c);
        }
        return c;
    }

    /** The last -yy socket decoration parsed and its ends: a connection's calls repeat it (a regex each time otherwise). */
    private String lastDecoration;
    private String[] lastEnds;

    private String[] socketEnds(String decoration) {
        if (decoration == null || !decoration.equals(lastDecoration)) {
            lastEnds = SocketAddress.ends(decoration);
            lastDecoration = decoration;
        }
        return lastEnds == null ? null : lastEnds.clone();
    }

    private FileActivity read(TraceEvent e, ThreadState t, String buf, boolean ok) {
        if (!ok) {
            return null;
        }
        ProcessState p = t.process;
        FdRef ref = FdRef.parse(e.arg(0));
        OpenFile f = fileOf(p, ref, e);
        if (f == null) {
            return null;
        }
        byte[] data = buf == null ? null : CString.bytes(buf);
        boolean truncated = buf != null && buf.endsWith("...");
        if (f.kind == OpenFile.Kind.SOCKET) {
            learnSocket(f, ref, data);
            if (f.accepted && FastCgiRecords.isBeginRequest(data)) {
                // a FastCGI server's request starts here: its window, as an HTTP request line starts httpd's
                FileActivity a = add(t, new FileActivity(FileActivity.Kind.FASTCGI_REQUEST, f.address, null, e.source, e.lineNo, e.text(), f));
                a.timeNs = e.timeNs;
                t.requestStartSeq = a.seq;
                return a;
            }
            String text = data == null ? "" : new String(data, 0, Math.min(data.length, dev.faultline.Limits.ACTIVITY_DATA_CHARS), StandardCharsets.ISO_8859_1);
            if (looksLikeRequest(text)) {
                int eol = text.indexOf('\r');
                t.requestLine = eol > 0 ? text.substring(0, eol) : text.length() > 200 ? text.substring(0, 200) : text;
                t.requestLineNo = e.lineNo;
                FileActivity a = add(t, new FileActivity(FileActivity.Kind.READ_REQUEST, f.path, null, e.source, e.lineNo, e.text(), f));
                a.data = t.requestLine;
                t.requestStartSeq = a.seq;
                return a;
            }
            return null;
        }
        if (f.kind != OpenFile.Kind.FILE) {
            return null;
        }
        f.read(t.tid, e.result, data, truncated, e.lineNo);
        if (!(f.pathClass.isSuspect() || f.pathClass == PathClass.OTHER)) {
            return null;
        }
        FileActivity last = t.last();
        if (last != null && last.kind == FileActivity.Kind.READ && last.file == f) {
            last.count++;
            last.bytes += e.result;
            last.lastLine = e.lineNo;
            last.lastText = FileActivity.clip(e.text());
            return last;
        }
        FileActivity a = add(t, new FileActivity(FileActivity.Kind.READ, f.path, null, e.source, e.lineNo, e.text(), f));
        a.bytes = e.result;
        return a;
    }

    private FileActivity write(TraceEvent e, ThreadState t, String buf, boolean ok) {
        ProcessState p = t.process;
        FdRef ref = FdRef.parse(e.arg(0));
        OpenFile f = fileOf(p, ref, e);
        byte[] data = buf == null ? null : CString.bytes(buf);
        boolean socket = (f != null && f.kind == OpenFile.Kind.SOCKET) || ref.isSocket();
        if (socket) {
            learnSocket(f, ref, data);
            int status = data == null ? 0 : httpStatus(statusLinePrefix(data));
            if (status > 0) {
                String text = dataText(data);
                FileActivity a = add(t, new FileActivity(FileActivity.Kind.WRITE_SOCKET, f != null ? f.path : ref.decoration, null, e.source, e.lineNo, e.text(), f));
                a.data = text;
                a.httpStatus = status;
                return a;
            }
            return null;
        }
        boolean log = ref.fd == 2 || (f != null && (f.pathClass == PathClass.LOG || f.writeOnly));
        String text = log && ok ? dataText(data) : "";
        if (log && ok && !text.isEmpty()) {
            FileActivity a = add(t, new FileActivity(FileActivity.Kind.WRITE_LOG, f != null ? f.path : "stderr", null, e.source, e.lineNo, e.text(), f));
            a.data = text;
            return a;
        }
        return null;
    }

    /** Enough of a buffer's text for {@link #httpStatus}: its first 12 bytes when ASCII (the usual case), else all of it. */
    private static String statusLinePrefix(byte[] data) {
        int n = Math.min(data.length, 12);
        for (int i = 0; i < n; i++) {
            if (data[i] < 0) {
                return dataText(data);
            }
        }
        return new String(data, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** A written buffer as the activity keeps it: UTF-8, capped. */
    private static String dataText(byte[] data) {
        return data == null ? "" : new String(data, 0, Math.min(data.length, dev.faultline.Limits.ACTIVITY_DATA_CHARS), StandardCharsets.UTF_8);
    }

    /** The open file behind an fd argument; learns it from a -y decoration when the open is not in the trace. */
    private static OpenFile fileOf(ProcessState p, String fdArg, TraceEvent e) {
        return fileOf(p, FdRef.parse(fdArg), e);
    }

    private static OpenFile fileOf(ProcessState p, FdRef ref, TraceEvent e) {
        if (ref.fd < 0) {
            return null;
        }
        OpenFile f = p.fds.get(ref.fd);
        if (ref.decoration != null) {
            boolean samePath = f != null && ref.path() != null && ref.path().equals(f.path);
            if (f == null || (ref.isPathDecoration() && !samePath && f.kind == OpenFile.Kind.FILE && f.path != null && f.path.startsWith("/"))) {
                OpenFile.Kind kind = ref.isPathDecoration() ? OpenFile.Kind.FILE : ref.isSocket() ? OpenFile.Kind.SOCKET
                        : ref.decoration.startsWith("pipe:") ? OpenFile.Kind.PIPE : OpenFile.Kind.OTHER;
                if (f == null) {
                    f = new OpenFile(kind == OpenFile.Kind.FILE ? ref.path() : ref.decoration, kind, false, false, e.lineNo, e.text(), e.source);
                    p.fds.put(ref.fd, f);
                }
            }
        }
        return f;
    }

    private static void noteCwd(ProcessState p, FdRef dir) {
        if (dir.fd == FdRef.AT_FDCWD && dir.isPathDecoration()) {
            p.cwd = dir.path();
        }
    }

    /** Resolves a path argument against its dirfd (or the cwd) when the trace tells them; else returns it as given. */
    static String resolve(ProcessState p, FdRef dir, String raw) {
        if (raw.startsWith("/")) {
            return normalize(raw);
        }
        String base = null;
        if (dir.fd == FdRef.AT_FDCWD || dir.fd == FdRef.NONE) {
            base = dir.isPathDecoration() ? dir.path() : p.cwd;
        } else if (dir.isPathDecoration()) {
            base = dir.path();
        } else {
            OpenFile f = p.fds.get(dir.fd);
            base = f != null && f.path != null && f.path.startsWith("/") ? f.path : null;
        }
        if (base == null) {
            return normalize(raw);
        }
        return normalize(base.endsWith("/") ? base + raw : base + "/" + raw);
    }

    static String normalize(String path) {
        if (path.indexOf("/.") < 0 && path.indexOf("//") < 0 && !path.startsWith("./")) {
            return path;
        }
        boolean abs = path.startsWith("/");
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.removeLast();
            } else if (!(s.equals("..") && abs)) {
                parts.addLast(s);
            }
        }
        String joined = String.join("/", parts);
        return abs ? "/" + joined : joined;
    }

    private FileActivity add(ThreadState t, FileActivity a) {
        if (lean) {
            t.shrink(dev.faultline.Limits.LEAN_TIMELINE_ACTIVITIES); // a thread born after the model turned lean
        }
        t.add(a);
        int slot = (int) (added++ % recentOwner.length);
        ThreadState oldOwner = recentOwner[slot];
        if (oldOwner != null) {
            oldOwner.expire(recentSeq[slot]);
        }
        recentOwner[slot] = t;
        recentSeq[slot] = a.seq;
        return a;
    }

    static boolean looksLikeRequest(String s) {
        return s.startsWith("GET ") || s.startsWith("POST ") || s.startsWith("HEAD ") || s.startsWith("PUT ")
                || s.startsWith("DELETE ") || s.startsWith("OPTIONS ") || s.startsWith("PATCH ");
    }

    /** The status code of an HTTP/1.x status line at the start of a buffer, else 0. */
    static int httpStatus(String s) {
        if (!s.startsWith("HTTP/1.") || s.length() < 12 || s.charAt(8) != ' ') {
            return 0;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** Concatenated strings of an iovec array or msghdr: {@code [{iov_base="...", iov_len=N}, ...]}. */
    static String iovText(String arg) {
        if (arg == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        boolean truncated = false;
        int i = arg.indexOf('"');
        while (i >= 0 && out.length() < dev.faultline.Limits.ACTIVITY_DATA_CHARS) {
            int end = CallText.skipString(arg, i);
            String s = arg.substring(i, end);
            out.append(s, 1, Math.max(1, s.length() - 1));
            if (arg.startsWith("...", end)) {
                truncated = true;
                break;
            }
            i = arg.indexOf('"', end);
        }
        if (out.length() == 0 && i < 0) {
            return null;
        }
        return "\"" + out + "\"" + (truncated ? "..." : "");
    }

    /** Items of a "[3, 4]" fd list. */
    static List<String> bracketList(String arg) {
        if (arg == null || !arg.startsWith("[")) {
            return List.of();
        }
        String inner = arg.endsWith("]") ? arg.substring(1, arg.length() - 1) : arg.substring(1);
        return CallText.splitArgs(inner);
    }
}
