package dev.faultline.linux;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The syscalls faultline knows, with what each argument is: the one table behind the seccomp filter of a launched
 * command (the engine's calls stop it, nothing else), the tracer's reads of a tracee's memory at the syscall stop, and
 * the live decoder's arguments (fds decorated, paths quoted, the rest as numbers). Numbers per architecture are in
 * {@link SyscallTable}.
 */
public final class SyscallSpec {

    /** What an argument is, as far as reading the tracee's memory for it goes. */
    public enum Arg {
        /** nothing to read (an int, flags, a pointer faultline does not follow) */
        VALUE,
        /** a file descriptor: nothing to read, named by its -y decoration */
        FD,
        /** a directory fd for a relative path (AT_FDCWD or an fd), named by its -y decoration */
        DIRFD,
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

    /** Calls no rule reads, known by their argument count only: a full trace logs them as numbers. */
    private static void numbers(int arity, String... names) {
        for (String name : names) {
            SPEC.put(name, new Syscall(name, java.util.Collections.nCopies(arity, Arg.VALUE), false, false));
        }
    }

    private static final Arg V = Arg.VALUE;
    private static final Arg FD = Arg.FD;
    private static final Arg DIRFD = Arg.DIRFD;

    static {
        // files by path
        call("open", Arg.PATH, V, V);
        call("creat", Arg.PATH, V);
        call("openat", DIRFD, Arg.PATH, V, V);
        call("openat2", DIRFD, Arg.PATH, Arg.OPEN_HOW, V);
        call("stat", Arg.PATH, V);
        call("lstat", Arg.PATH, V);
        call("newfstatat", DIRFD, Arg.PATH, V, V);
        call("statx", DIRFD, Arg.PATH, V, V, V);
        call("access", Arg.PATH, V);
        call("faccessat", DIRFD, Arg.PATH, V);
        call("faccessat2", DIRFD, Arg.PATH, V, V);
        call("readlink", Arg.PATH, Arg.LINK_OUT, V);
        call("readlinkat", DIRFD, Arg.PATH, Arg.LINK_OUT, V);
        call("chdir", Arg.PATH);
        call("fchdir", FD);
        call("rename", Arg.PATH, Arg.PATH);
        call("unlink", Arg.PATH);
        call("unlinkat", DIRFD, Arg.PATH, V);
        call("mkdir", Arg.PATH, V);
        // data
        call("read", FD, Arg.BUF_OUT, V);
        call("pread64", FD, Arg.BUF_OUT, V, V);
        call("readv", FD, Arg.IOV_OUT, V);
        call("preadv", FD, Arg.IOV_OUT, V, V);
        call("preadv2", FD, Arg.IOV_OUT, V, V, V, V);
        call("recvfrom", FD, Arg.BUF_OUT, V, V, V, V);
        call("write", FD, Arg.BUF_IN, V);
        call("pwrite64", FD, Arg.BUF_IN, V, V);
        call("writev", FD, Arg.IOV_IN, V);
        call("pwritev", FD, Arg.IOV_IN, V, V);
        call("pwritev2", FD, Arg.IOV_IN, V, V, V, V);
        call("sendto", FD, Arg.BUF_IN, V, V, V, V);
        call("sendmsg", FD, Arg.MSGHDR_IN, V);
        call("sendfile", FD, FD, V, V);
        // fds
        call("close", FD);
        call("close_range", V, V, V);
        call("dup", FD);
        call("dup2", FD, V);
        call("dup3", FD, V, V);
        call("fcntl", FD, V, V);
        call("pipe", Arg.INT_PAIR_OUT);
        call("pipe2", Arg.INT_PAIR_OUT, V);
        fdCall("socket", V, V, V);
        fdCall("accept", FD, V, V);
        fdCall("accept4", FD, V, V, V);
        call("connect", FD, Arg.SOCKADDR, V);
        call("bind", FD, Arg.SOCKADDR, V);
        call("mmap", V, V, V, V, FD, V);
        // processes
        call("execve", Arg.PATH, V, V);
        call("execveat", DIRFD, Arg.PATH, V, V, V);
        call("clone", V, V, V, V, V);
        call("clone3", Arg.CLONE_ARGS, V);
        call("fork");
        call("vfork");
        call("exit", V);
        call("exit_group", V);
        call("wait4", V, Arg.WAIT_STATUS_OUT, V, V);
        call("kill", V, V);
        call("tgkill", V, V, V);
        // read for an strace log of every call (--strace-log), not by the analysis
        logOnly("rmdir", Arg.PATH);
        logOnly("truncate", Arg.PATH, V);
        logOnly("chmod", Arg.PATH, V);
        logOnly("chown", Arg.PATH, V, V);
        logOnly("lchown", Arg.PATH, V, V);
        logOnly("mkdirat", DIRFD, Arg.PATH, V);
        logOnly("fstat", FD, V);
        logOnly("fsync", FD);
        logOnly("fdatasync", FD);
        logOnly("lseek", FD, V, V);
        logOnly("getdents64", FD, V, V);
        logOnly("ftruncate", FD, V);
        logOnly("flock", FD, V);
        logOnly("listen", FD, V);
        logOnly("shutdown", FD, V);
        logOnly("ioctl", FD, V, V);
        logOnly("fadvise64", FD, V, V, V);
        numbers(0, "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getppid", "sched_yield", "rt_sigreturn",
                "pause", "sync", "setsid");
        numbers(1, "brk", "uname", "set_tid_address", "umask", "alarm");
        numbers(2, "munmap", "arch_prctl", "set_robust_list", "nanosleep", "clock_gettime", "gettimeofday", "getrlimit",
                "setrlimit", "fchmod", "eventfd2", "epoll_create1", "getcwd");
        numbers(3, "mprotect", "madvise", "getsockname", "getpeername", "poll", "getrandom", "mincore", "recvmsg", "fchown",
                "sigaltstack");
        numbers(4, "rt_sigaction", "rt_sigprocmask", "epoll_ctl", "epoll_wait", "clock_nanosleep", "rseq", "socketpair",
                "prlimit64", "timerfd_settime", "splice");
        numbers(5, "select", "setsockopt", "getsockopt", "prctl", "mremap", "ppoll", "waitid", "process_vm_readv");
        numbers(6, "futex", "pselect6", "epoll_pwait", "copy_file_range");
    }

    private SyscallSpec() {
    }

    /** The syscall's spec, or null when faultline does not know it (a full trace logs six numbers). */
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
