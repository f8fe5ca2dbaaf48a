package dev.faultline.linux;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The syscalls faultline reads, with what each argument is: the one table behind the seccomp filter of a launched
 * command (these stop it, nothing else), the tracer's reads of a tracee's memory at the syscall stop, and the
 * strace-form writer's argument count. Numbers per architecture are in {@link SyscallTable}.
 */
public final class SyscallSpec {

    /** What an argument is, as far as reading the tracee's memory for it goes. */
    public enum Arg {
        /** nothing to read (an int, flags, an fd, a pointer faultline does not follow) */
        VALUE,
        /** a NUL-terminated path (the first is the record's path, a second its path2) */
        PATH,
        /** bytes the call writes out, as many as the next argument says (write, sendto) */
        BUF_IN,
        /** bytes the call filled, as many as it returned (read, recvfrom) */
        BUF_OUT,
        /** a readlink buffer: as many bytes as returned, never cut */
        LINK_OUT,
        /** an iovec array written out, the count in the next argument (writev) */
        IOV_IN,
        /** an iovec array filled, the count in the next argument, as many bytes as returned (readv) */
        IOV_OUT,
        /** a struct msghdr whose iovecs are written out (sendmsg) */
        MSGHDR_IN,
        /** a sockaddr, its length in the next argument (connect, bind) */
        SOCKADDR,
        /** an int[2] the call filled (pipe) */
        INT_PAIR_OUT,
        /** the wait status the call filled, when it reaped a child */
        WAIT_STATUS_OUT,
        /** struct open_how (openat2): flags, mode, resolve */
        OPEN_HOW,
        /** struct clone_args (clone3): flags, pidfd, child_tid, parent_tid, exit_signal */
        CLONE_ARGS
    }

    /**
     * One syscall: its name, its arguments in order, {@code resultFd} when the result is a new fd to name at once,
     * and {@code engine} when the analysis reads it (a launched command stops on it); the others are decoded only for
     * an strace log of every call.
     */
    public record Syscall(String name, List<Arg> args, boolean resultFd, boolean engine) {
        public int arity() {
            return args.size();
        }
    }

    private static final Map<String, Syscall> SPEC = new LinkedHashMap<>();

    private static void call(String name, Arg... args) {
        SPEC.put(name, new Syscall(name, List.of(args), false, true));
    }

    private static void fdCall(String name, Arg... args) {
        SPEC.put(name, new Syscall(name, List.of(args), true, true));
    }

    private static void logOnly(String name, Arg... args) {
        SPEC.put(name, new Syscall(name, List.of(args), false, false));
    }

    private static final Arg V = Arg.VALUE;

    static {
        // files by path
        call("open", Arg.PATH, V, V);
        call("creat", Arg.PATH, V);
        call("openat", V, Arg.PATH, V, V);
        call("openat2", V, Arg.PATH, Arg.OPEN_HOW, V);
        call("stat", Arg.PATH, V);
        call("lstat", Arg.PATH, V);
        call("newfstatat", V, Arg.PATH, V, V);
        call("statx", V, Arg.PATH, V, V, V);
        call("access", Arg.PATH, V);
        call("faccessat", V, Arg.PATH, V);
        call("faccessat2", V, Arg.PATH, V, V);
        call("readlink", Arg.PATH, Arg.LINK_OUT, V);
        call("readlinkat", V, Arg.PATH, Arg.LINK_OUT, V);
        call("chdir", Arg.PATH);
        call("fchdir", V);
        call("rename", Arg.PATH, Arg.PATH);
        call("unlink", Arg.PATH);
        call("unlinkat", V, Arg.PATH, V);
        call("mkdir", Arg.PATH, V);
        // data
        call("read", V, Arg.BUF_OUT, V);
        call("pread64", V, Arg.BUF_OUT, V, V);
        call("readv", V, Arg.IOV_OUT, V);
        call("preadv", V, Arg.IOV_OUT, V, V);
        call("preadv2", V, Arg.IOV_OUT, V, V, V, V);
        call("recvfrom", V, Arg.BUF_OUT, V, V, V, V);
        call("write", V, Arg.BUF_IN, V);
        call("pwrite64", V, Arg.BUF_IN, V, V);
        call("writev", V, Arg.IOV_IN, V);
        call("pwritev", V, Arg.IOV_IN, V, V);
        call("pwritev2", V, Arg.IOV_IN, V, V, V, V);
        call("sendto", V, Arg.BUF_IN, V, V, V, V);
        call("sendmsg", V, Arg.MSGHDR_IN, V);
        call("sendfile", V, V, V, V);
        // fds
        call("close", V);
        call("close_range", V, V, V);
        call("dup", V);
        call("dup2", V, V);
        call("dup3", V, V, V);
        call("fcntl", V, V, V);
        call("pipe", Arg.INT_PAIR_OUT);
        call("pipe2", Arg.INT_PAIR_OUT, V);
        fdCall("socket", V, V, V);
        fdCall("accept", V, V, V);
        fdCall("accept4", V, V, V, V);
        call("connect", V, Arg.SOCKADDR, V);
        call("bind", V, Arg.SOCKADDR, V);
        call("mmap", V, V, V, V, V, V);
        // processes
        call("execve", Arg.PATH, V, V);
        call("execveat", V, Arg.PATH, V, V, V);
        call("clone", V, V, V, V, V);
        call("clone3", Arg.CLONE_ARGS, V);
        call("fork");
        call("vfork");
        call("exit", V);
        call("exit_group", V);
        call("wait4", V, Arg.WAIT_STATUS_OUT, V, V);
        call("kill", V, V);
        call("tgkill", V, V, V);
        // read for an strace log of every call (-o), not by the analysis
        logOnly("rmdir", Arg.PATH);
        logOnly("truncate", Arg.PATH, V);
        logOnly("chmod", Arg.PATH, V);
        logOnly("chown", Arg.PATH, V, V);
        logOnly("lchown", Arg.PATH, V, V);
        logOnly("mkdirat", V, Arg.PATH, V);
    }

    private SyscallSpec() {
    }

    /** The syscall's spec, or null when faultline does not read it. */
    public static Syscall of(String name) {
        return SPEC.get(name);
    }

    /** Every syscall faultline reads, in table order. */
    public static List<Syscall> all() {
        return List.copyOf(SPEC.values());
    }

    /** The names of those the analysis reads: what a launched command's seccomp filter stops on. */
    public static List<String> engineNames() {
        return SPEC.values().stream().filter(Syscall::engine).map(Syscall::name).toList();
    }
}
