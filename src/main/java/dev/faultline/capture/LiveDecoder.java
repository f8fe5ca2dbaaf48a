package dev.faultline.capture;

import dev.faultline.capture.proc.ProcFs;
import dev.faultline.linux.LinuxNames;
import dev.faultline.linux.SiCode;
import dev.faultline.linux.SyscallSpec;
import dev.faultline.model.CrashCapture;
import dev.faultline.trace.ParseStats;
import dev.faultline.trace.Redactor;
import dev.faultline.trace.StraceQuote;
import dev.faultline.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The live producer of trace events: turns the tracer's {@link LiveRecord}s (registers and bytes copied out of a
 * stopped tracee) straight into {@link TraceEvent}s, the same events {@code StraceParser} reads from text, with no
 * strace text in between. Each argument is decoded on its own, in strace's notation for that value (the vocabulary
 * the model reads on both paths). The -y decoration of fds comes from a per-process table learned from opens and
 * dups, and from /proc/PID/fd on a miss, as strace itself does. Runs on one thread, in record order.
 */
public final class LiveDecoder {
    /** Where decoded facts go, in the order the tracer saw them. */
    public interface Sink {
        void event(TraceEvent e);

        /** The crash metadata collected at a fault's signal-delivery-stop (it precedes that signal's event). */
        void crash(CrashCapture capture);
    }

    /** The source name live events carry; their line numbers are those of the strace log written beside them. */
    public static final String SOURCE = "live";

    private final ProcFs proc;
    private final int stringCap;
    private final boolean redact;
    /** tid → tgid, for the per-process fd tables: the tracer's knowledge (ptrace events and /proc). */
    private final IntUnaryOperator threadGroupOf;
    private final Map<Integer, Map<Integer, String>> fdPaths = new HashMap<>();
    /** tgid → cwd, for the AT_FDCWD decoration that lets relative paths be resolved offline. */
    private final Map<Integer, String> cwds = new HashMap<>();
    private final StringBuilder sb = new StringBuilder(256);
    private final ParseStats stats = new ParseStats();
    /** The arguments of the call being decoded. */
    private List<String> args;
    private long events;

    public LiveDecoder(ProcFs proc, IntUnaryOperator threadGroupOf, int stringCap, boolean redact) {
        this.proc = proc;
        this.threadGroupOf = threadGroupOf;
        this.stringCap = stringCap;
        this.redact = redact;
    }

    /** What was decoded so far, counted as a parse counts lines (one event, one line of the strace log). */
    public ParseStats stats() {
        return stats;
    }

    public void decode(LiveRecord r, Sink sink) {
        if (r instanceof LiveRecord.Crash) {
            sink.crash(((LiveRecord.Crash) r).capture);
            return;
        }
        TraceEvent e = new TraceEvent();
        e.source = SOURCE;
        e.tid = r.tid;
        e.timeNs = r.timeNs;
        if (r instanceof LiveRecord.Syscall) {
            syscall((LiveRecord.Syscall) r, e);
            stats.syscalls++;
        } else if (r instanceof LiveRecord.Signal) {
            signal((LiveRecord.Signal) r, e);
            stats.signals++;
        } else if (r instanceof LiveRecord.Exit) {
            exit((LiveRecord.Exit) r, e);
            stats.exits++;
        } else {
            return;
        }
        e.lineNo = ++events;
        e.startLineNo = e.lineNo;
        stats.lines = events;
        sink.event(e);
    }

    private void exit(LiveRecord.Exit x, TraceEvent e) {
        if (x.killed) {
            e.kind = TraceEvent.Kind.KILLED;
            e.signo = x.value;
            e.coreDumped = x.coreDumped;
        } else {
            e.kind = TraceEvent.Kind.EXITED;
            e.exitCode = x.value;
        }
        if (tgidOf(x.tid) == x.tid) {
            fdPaths.remove(x.tid); // the process is gone (its leader is reported last)
            cwds.remove(x.tid);
        }
    }

    // ------------------------------------------------------------------------------------------------ signals

    private void signal(LiveRecord.Signal s, TraceEvent e) {
        e.kind = TraceEvent.Kind.SIGNAL;
        e.signo = s.signo;
        e.siCode = s.code;
        if (s.signo == LinuxNames.SIGCHLD && s.code > 0) {
            e.siPid = (int) s.union0; // the child; si_status is in union1
        } else if (SiCode.kernelGenerated(s.code) && s.code != LinuxNames.SI_KERNEL) {
            e.siAddr = s.union0;
        } else if (s.code <= 0) {
            e.siPid = (int) s.union0; // si_pid | si_uid << 32 for a signal some process sent
        }
    }

    // ------------------------------------------------------------------------------------------------ syscalls

    private void syscall(LiveRecord.Syscall r, TraceEvent e) {
        e.kind = TraceEvent.Kind.SYSCALL;
        String name = r.name;
        e.name = name;
        int tgid = tgidOf(r.tid);
        long[] a = r.args;
        args = new ArrayList<>(6);
        if (!args(r, name, tgid, a)) {
            args.clear();
            byRole(r, SyscallSpec.of(name), tgid, a);
        }
        e.args(args);
        args = null;
        if (!r.finished) {
            e.incomplete = true;
            e.result = TraceEvent.NO_RESULT;
            if (name.equals("exit") || name.equals("exit_group")) {
                e.resultText = "?";
            }
            return;
        }
        e.durationNs = r.durationNs;
        result(r, name, tgid, e);
        learn(r, name, tgid);
    }

    /**
     * A call with no form of its own: each argument as the spec says it is (fds decorated, paths quoted), the rest as
     * numbers; six numbers for a call the spec does not know.
     */
    private void byRole(LiveRecord.Syscall r, SyscallSpec.Syscall spec, int tgid, long[] a) {
        if (spec == null) {
            for (int i = 0; i < 6; i++) {
                arg(number(a[i]));
            }
            return;
        }
        boolean firstPath = true;
        for (int i = 0; i < spec.arity(); i++) {
            switch (spec.args().get(i)) {
                case FD:
                    fd(tgid, a[i]);
                    break;
                case DIRFD:
                    dirfd(tgid, a[i]);
                    break;
                case PATH:
                    path(firstPath ? r.path : r.path2, a[i]);
                    firstPath = false;
                    break;
                default:
                    arg(number(a[i]));
                    break;
            }
        }
    }

    private void arg(String value) {
        args.add(value);
    }

    private boolean failed(LiveRecord.Syscall r) {
        return r.rval < 0 && r.rval >= -4095;
    }

    private void result(LiveRecord.Syscall r, String name, int tgid, TraceEvent e) {
        if (failed(r)) {
            int errno = (int) -r.rval;
            String text = LinuxNames.errno(errno);
            int sp = text.indexOf(' ');
            e.errno = sp < 0 ? text : text.substring(0, sp);
            if (LinuxNames.isRestart(errno)) {
                e.result = TraceEvent.NO_RESULT; // strace prints "? ERESTARTSYS": the call did not return
                e.resultText = "? " + text;
            } else {
                e.result = -1;
                e.resultText = "-1 " + text;
            }
            return;
        }
        e.result = r.rval;
        String path = null;
        switch (name) {
            case "mmap": case "brk": case "mremap":
                e.resultText = hex(r.rval);
                return;
            case "open": case "openat": case "openat2": case "creat": case "socket": case "accept": case "accept4":
            case "dup": case "dup2": case "dup3": case "epoll_create1": case "eventfd2":
                path = decorate(tgid, (int) r.rval, name, r);
                break;
            case "fcntl":
                if (r.args[1] == 0 || r.args[1] == 1030) {
                    path = decorate(tgid, (int) r.rval, name, r);
                }
                break;
            default:
                break;
        }
        e.resultPath = path;
        e.resultText = path == null ? Long.toString(r.rval) : r.rval + "<" + escapePath(path) + ">";
    }

    /** The path behind a new fd (the result's -y decoration), learnt into the process's table; null when unknown. */
    private String decorate(int tgid, int fd, String name, LiveRecord.Syscall r) {
        String path = null;
        if (r.path != null && (name.startsWith("open") || name.equals("creat"))) {
            String p = new String(r.path, StandardCharsets.UTF_8);
            String base = null;
            if (!p.startsWith("/")) {
                base = name.equals("openat") || name.equals("openat2")
                        ? ((int) r.args[0] == -100 ? cwd(tgid) : fds(tgid).get((int) r.args[0])) : cwd(tgid);
            }
            // resolved here rather than read back from /proc: by now the fd number may belong to another file
            path = p.startsWith("/") ? p : base != null && base.startsWith("/") ? Path.of(base, p).normalize().toString() : null;
        } else if (r.path != null) {
            path = new String(r.path, StandardCharsets.UTF_8); // socket/accept: named by the tracer at the stop
        } else if (name.startsWith("dup") || name.equals("fcntl")) {
            path = fds(tgid).get((int) r.args[0]);
        }
        if (path == null) {
            path = readlink(tgid, fd);
        }
        if (path != null) {
            fds(tgid).put(fd, path);
        }
        return path;
    }

    /** Keeps the fd table current after the call, for later -y decorations. */
    private void learn(LiveRecord.Syscall r, String name, int tgid) {
        if (failed(r)) {
            return;
        }
        long[] a = r.args;
        switch (name) {
            case "close":
                fds(tgid).remove((int) a[0]);
                break;
            case "close_range":
                fds(tgid).keySet().removeIf(fd -> fd >= a[0] && fd <= (a[1] & 0xffffffffL));
                break;
            case "dup2": case "dup3": {
                String p = fds(tgid).get((int) a[0]);
                if (p != null) {
                    fds(tgid).put((int) a[1], p);
                }
                break;
            }
            case "execve": case "execveat":
                fdPaths.remove(tgid);
                break;
            case "chdir":
                if (r.path != null) {
                    String p = new String(r.path, StandardCharsets.UTF_8);
                    String base = cwd(tgid);
                    cwds.put(tgid, p.startsWith("/") || base == null ? p : Path.of(base, p).normalize().toString());
                }
                break;
            case "fchdir":
                cwds.remove(tgid); // learnt again from /proc on the next use
                break;
            case "clone": case "fork": case "vfork": case "clone3": {
                int child = (int) r.rval;
                long flags = name.equals("clone") ? a[0] : name.equals("clone3") && r.words != null ? r.words[0] : 0;
                if ((flags & 0x10000) == 0) { // not CLONE_THREAD: a new process
                    String cwd = cwds.get(tgid);
                    if (cwd != null) {
                        cwds.put(child, cwd);
                    }
                    if ((flags & 0x400) == 0) {
                        fdPaths.put(child, new HashMap<>(fds(tgid))); // fork copies the table
                    } else {
                        fdPaths.put(child, fds(tgid));
                    }
                }
                break;
            }
            default:
                break;
        }
    }

    private int tgidOf(int tid) {
        int g = threadGroupOf.applyAsInt(tid);
        return g > 0 ? g : tid;
    }

    private String cwd(int tgid) {
        String c = cwds.get(tgid);
        if (c == null) {
            try {
                c = proc.cwd(tgid);
                cwds.put(tgid, c);
            } catch (Exception e) {
                return null;
            }
        }
        return c;
    }

    private Map<Integer, String> fds(int tgid) {
        return fdPaths.computeIfAbsent(tgid, k -> new HashMap<>());
    }

    private String readlink(int tgid, int fd) {
        try {
            return proc.fds(tgid).get(fd);
        } catch (Exception e) {
            return null;
        }
    }

    private void fd(int tgid, long value) {
        int fd = (int) value;
        if (fd < 0) {
            arg(Integer.toString(fd));
            return;
        }
        Map<Integer, String> t = fds(tgid);
        String p = t.get(fd);
        if (p == null) {
            p = readlink(tgid, fd);
            if (p != null) {
                t.put(fd, p);
            }
        }
        arg(p == null ? Integer.toString(fd) : fd + "<" + escapePath(p) + ">");
    }

    private void dirfd(int tgid, long value) {
        if ((int) value == -100) {
            String cwd = cwd(tgid);
            arg(cwd == null ? "AT_FDCWD" : "AT_FDCWD<" + escapePath(cwd) + ">");
        } else {
            fd(tgid, value);
        }
    }

    private void path(byte[] p, long addr) {
        arg(p == null ? (addr == 0 ? "NULL" : hex(addr)) : StraceQuote.quote(p, p.length, Integer.MAX_VALUE));
    }

    private void buffer(byte[] b, long len, long addr) {
        if (b == null) {
            arg(addr == 0 ? "NULL" : hex(addr));
            return;
        }
        int shown = (int) Math.min(b.length, Math.max(len, 0));
        String q = StraceQuote.quote(b, shown, stringCap);
        arg(redact ? Redactor.redact(q) : q);
    }

    /**
     * Decodes the arguments of the calls the engine reads, one by one into {@link #args}: each value in strace's
     * notation (a quoted path, {@code 3</etc/x>}, {@code O_RDONLY|O_CLOEXEC}), which is the model's vocabulary on
     * both paths. Returns false to give the arguments as numbers.
     */
    private boolean args(LiveRecord.Syscall r, String name, int tgid, long[] a) {
        switch (name) {
            case "open":
                path(r.path, a[0]);
                arg(LinuxNames.openFlags(a[1]));
                if ((a[1] & 0100) != 0) {
                    arg("0" + Long.toOctalString(a[2]));
                }
                return true;
            case "creat":
                path(r.path, a[0]);
                arg("0" + Long.toOctalString(a[1]));
                return true;
            case "openat":
                dirfd(tgid, a[0]);
                path(r.path, a[1]);
                arg(LinuxNames.openFlags(a[2]));
                if ((a[2] & 0100) != 0) {
                    arg("0" + Long.toOctalString(a[3]));
                }
                return true;
            case "openat2":
                dirfd(tgid, a[0]);
                path(r.path, a[1]);
                arg(r.words != null ? "{flags=" + LinuxNames.openFlags(r.words[0]) + ", resolve=0}" : hex(a[2]));
                arg(Long.toString(a[3]));
                return true;
            case "read": case "pread64": case "recvfrom":
                fd(tgid, a[0]);
                if (failed(r)) {
                    arg(hex(a[1]));
                } else {
                    buffer(r.buf, r.rval, a[1]);
                }
                arg(Long.toString(a[2]));
                if (name.equals("pread64")) {
                    arg(Long.toString(a[3]));
                } else if (name.equals("recvfrom")) {
                    arg(Long.toString(a[3]));
                    arg("NULL");
                    arg("NULL");
                }
                return true;
            case "write": case "pwrite64": case "sendto":
                fd(tgid, a[0]);
                buffer(r.buf, a[2], a[1]);
                arg(Long.toString(a[2]));
                if (name.equals("pwrite64")) {
                    arg(Long.toString(a[3]));
                } else if (name.equals("sendto")) {
                    arg(Long.toString(a[3]));
                    arg("NULL");
                    arg("0");
                }
                return true;
            case "sendmsg":
                // strace's form, with what the engine reads (the iovecs); the rest of the msghdr is not read
                fd(tgid, a[0]);
                sb.setLength(0);
                sb.append("{msg_name=NULL, msg_namelen=0, msg_iov=");
                iov(r, false);
                sb.append(", msg_iovlen=").append(r.argv == null ? 0 : r.argv.length).append(", msg_controllen=0, msg_flags=0}");
                arg(sb.toString());
                arg(Long.toString(a[2]));
                return true;
            case "readv": case "writev": case "preadv": case "pwritev": case "preadv2": case "pwritev2":
                fd(tgid, a[0]);
                sb.setLength(0);
                iov(r, name.contains("read") && failed(r));
                arg(sb.toString());
                arg(Long.toString(a[2]));
                if (name.startsWith("p")) {
                    arg(Long.toString(a[3]));
                }
                return true;
            case "fcntl":
                fd(tgid, a[0]);
                arg(fcntlCmd(a[1]));
                arg(number(a[2]));
                return true;
            case "dup2": case "dup3":
                fd(tgid, a[0]);
                arg(Integer.toString((int) a[1]));
                if (name.equals("dup3")) {
                    arg((a[2] & 02000000) != 0 ? "O_CLOEXEC" : "0");
                }
                return true;
            case "close_range":
                arg(Integer.toString((int) a[0]));
                arg(Long.toString(a[1] & 0xffffffffL));
                arg(Long.toString(a[2]));
                return true;
            case "readlink":
                path(r.path, a[0]);
                buffer(failed(r) ? null : r.buf, r.rval, a[1]);
                arg(Long.toString(a[2]));
                return true;
            case "access":
                path(r.path, a[0]);
                arg(accessMode(a[1]));
                return true;
            case "newfstatat": case "faccessat": case "faccessat2": case "readlinkat": case "statx": case "unlinkat":
            case "mkdirat":
                dirfd(tgid, a[0]);
                path(r.path, a[1]);
                if (name.startsWith("faccessat")) {
                    arg(accessMode(a[2]));
                    if (name.equals("faccessat2")) {
                        arg(Long.toString(a[3]));
                    }
                } else if (name.equals("readlinkat")) {
                    buffer(failed(r) ? null : r.buf, r.rval, a[2]);
                    arg(Long.toString(a[3]));
                } else if (name.equals("statx")) {
                    arg(Long.toString(a[2]));
                    arg(hex(a[3]));
                    arg(hex(a[4]));
                } else {
                    arg(hex(a[2]));
                    if (name.equals("newfstatat")) {
                        arg(a[3] == 0x100 ? "AT_SYMLINK_NOFOLLOW" : a[3] == 0x1000 ? "AT_EMPTY_PATH" : number(a[3]));
                    }
                }
                return true;
            case "execve": case "execveat": {
                if (name.equals("execveat")) {
                    dirfd(tgid, a[0]);
                }
                path(r.path, a[name.equals("execve") ? 0 : 1]);
                StringBuilder v = new StringBuilder("[");
                if (r.argv != null) {
                    for (int i = 0; i < r.argv.length; i++) {
                        if (i > 0) {
                            v.append(", ");
                        }
                        String q = StraceQuote.quote(r.argv[i], r.argv[i].length, stringCap);
                        v.append(redact ? Redactor.redact(q) : q);
                    }
                }
                arg(v.append(']').toString());
                arg(hex(a[name.equals("execve") ? 2 : 3]) + " /* vars */");
                return true;
            }
            case "clone":
                arg("child_stack=" + (a[1] == 0 ? "NULL" : hex(a[1])));
                arg("flags=" + LinuxNames.cloneFlags(a[0], true));
                return true;
            case "clone3":
                if (r.words != null) {
                    arg("{flags=" + LinuxNames.cloneFlags(r.words[0], false)
                            + (r.words[4] != 0 ? ", exit_signal=" + LinuxNames.signal((int) r.words[4]) : "") + "}");
                } else {
                    arg(hex(a[0]));
                }
                arg(Long.toString(a[1]));
                return true;
            case "connect": case "bind":
                fd(tgid, a[0]);
                sb.setLength(0);
                sockaddr(r.buf, a[1]);
                arg(sb.toString());
                arg(Long.toString(a[2]));
                return true;
            case "pipe": case "pipe2":
                arg(r.words != null && !failed(r) ? "[" + r.words[0] + ", " + r.words[1] + "]" : hex(a[0]));
                if (name.equals("pipe2")) {
                    arg((a[1] & 02000000) != 0 ? "O_CLOEXEC" : number(a[1]));
                }
                return true;
            case "wait4":
                arg(Integer.toString((int) a[0]));
                arg(r.words != null ? "[{" + waitStatus((int) r.words[0]) + "}]" : a[1] == 0 ? "NULL" : hex(a[1]));
                arg(number(a[2]));
                arg(a[3] == 0 ? "NULL" : hex(a[3]));
                return true;
            case "exit": case "exit_group":
                arg(Integer.toString((int) a[0]));
                return true;
            case "kill":
                arg(Integer.toString((int) a[0]));
                arg(LinuxNames.signal((int) a[1]));
                return true;
            case "tgkill":
                arg(Integer.toString((int) a[0]));
                arg(Integer.toString((int) a[1]));
                arg(LinuxNames.signal((int) a[2]));
                return true;
            case "mmap":
                arg(a[0] == 0 ? "NULL" : hex(a[0]));
                arg(Long.toString(a[1]));
                arg(Long.toString(a[2]));
                arg(hex(a[3]));
                fd(tgid, a[4]);
                arg(hex(a[5]));
                return true;
            default:
                return false;
        }
    }

    private void iov(LiveRecord.Syscall r, boolean failedRead) {
        if (r.words == null || r.argv == null || failedRead) {
            sb.append(hex(r.args[1]));
            return;
        }
        sb.append('[');
        int budget = stringCap;
        for (int i = 0; i < r.argv.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            byte[] b = r.argv[i];
            long len = r.words[2 * i + 1];
            sb.append("{iov_base=");
            int shown = Math.min(b.length, (int) Math.min(len, Integer.MAX_VALUE));
            String q = StraceQuote.quote(b, shown, Math.max(budget, 0));
            sb.append(redact ? Redactor.redact(q) : q);
            budget -= Math.min(shown, budget);
            sb.append(", iov_len=").append(len).append('}');
        }
        sb.append(']');
    }

    private void sockaddr(byte[] b, long addr) {
        if (b == null || b.length < 2) {
            sb.append(addr == 0 ? "NULL" : hex(addr));
            return;
        }
        int family = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        if (family == 1) {
            int end = 2;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            byte[] p = java.util.Arrays.copyOfRange(b, 2, end);
            sb.append("{sa_family=AF_UNIX, sun_path=").append(StraceQuote.quote(p, p.length, Integer.MAX_VALUE)).append('}');
        } else if (family == 2 && b.length >= 8) {
            int port = (b[2] & 0xff) << 8 | (b[3] & 0xff);
            sb.append("{sa_family=AF_INET, sin_port=htons(").append(port).append("), sin_addr=inet_addr(\"")
                    .append(b[4] & 0xff).append('.').append(b[5] & 0xff).append('.').append(b[6] & 0xff).append('.')
                    .append(b[7] & 0xff).append("\")}");
        } else {
            sb.append("{sa_family=").append(family).append('}');
        }
    }

    static String waitStatus(int s) {
        if (WaitStatus.exited(s)) {
            return "WIFEXITED(s) && WEXITSTATUS(s) == " + WaitStatus.exitCode(s);
        }
        if (WaitStatus.signaled(s)) {
            return "WIFSIGNALED(s) && WTERMSIG(s) == " + LinuxNames.signal(WaitStatus.termSig(s))
                    + (WaitStatus.coreDumped(s) ? " && WCOREDUMP(s)" : "");
        }
        return "WIFSTOPPED(s) && WSTOPSIG(s) == " + LinuxNames.signal(WaitStatus.stopSig(s));
    }

    private static String fcntlCmd(long cmd) {
        switch ((int) cmd) {
            case 0: return "F_DUPFD";
            case 1: return "F_GETFD";
            case 2: return "F_SETFD";
            case 3: return "F_GETFL";
            case 4: return "F_SETFL";
            case 1030: return "F_DUPFD_CLOEXEC";
            default: return Long.toString(cmd);
        }
    }

    private static String accessMode(long m) {
        if (m == 0) {
            return "F_OK";
        }
        StringBuilder s = new StringBuilder();
        if ((m & 4) != 0) {
            s.append("R_OK");
        }
        if ((m & 2) != 0) {
            s.append(s.length() > 0 ? "|" : "").append("W_OK");
        }
        if ((m & 1) != 0) {
            s.append(s.length() > 0 ? "|" : "").append("X_OK");
        }
        return s.toString();
    }

    private static String escapePath(String p) {
        StringBuilder out = null;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == '>' || c == '<' || c == '\\' || c == 0x7f) {
                if (out == null) {
                    out = new StringBuilder(p.substring(0, i));
                }
                out.append(String.format("\\%o", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? p : out.toString();
    }

    private static String number(long v) {
        if (v >= -4096 && v <= 65535) {
            return Long.toString(v);
        }
        return hex(v);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
