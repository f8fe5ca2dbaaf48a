package dev.faultline.capture.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ptrace, waitpid and the other process calls, with errno turned into {@link NativeCallException}s that name the
 * operation and the pid. One instance per tracer thread: it owns scratch buffers, and the kernel only accepts
 * ptrace requests from the thread that attached (another thread gets ESRCH).
 */
public final class Ptrace {
    public static final int PTRACE_CONT = 7;
    public static final int PTRACE_GETREGS = 12;
    public static final int PTRACE_SETREGS = 13;
    public static final int PTRACE_DETACH = 17;
    public static final int PTRACE_SYSCALL = 24;
    public static final int PTRACE_SETOPTIONS = 0x4200;
    public static final int PTRACE_GETEVENTMSG = 0x4201;
    public static final int PTRACE_GETSIGINFO = 0x4202;
    public static final int PTRACE_SEIZE = 0x4206;
    public static final int PTRACE_INTERRUPT = 0x4207;
    public static final int PTRACE_LISTEN = 0x4208;
    public static final int PTRACE_GET_SYSCALL_INFO = 0x420e;

    public static final long O_TRACESYSGOOD = 1;
    public static final long O_TRACEFORK = 2;
    public static final long O_TRACEVFORK = 4;
    public static final long O_TRACECLONE = 8;
    public static final long O_TRACEEXEC = 0x10;
    public static final long O_TRACESECCOMP = 0x80;
    /**
     * Kills every tracee when the tracer exits. Only for a server faultline itself starts ({@code check}'s throwaway
     * httpd): never on attach, where a faultline crash must never take the traced server down.
     */
    public static final long O_EXITKILL = 0x100000;

    public static final int EVENT_FORK = 1;
    public static final int EVENT_VFORK = 2;
    public static final int EVENT_CLONE = 3;
    public static final int EVENT_EXEC = 4;
    public static final int EVENT_SECCOMP = 7;
    public static final int EVENT_STOP = 128;

    public static final int WNOHANG = 1;
    public static final int WALL = 0x40000000;

    private static final int RLIMIT_CORE = 4;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;

    private final Memory word = new Memory(8);
    private final Memory localIov = new Memory(16);
    private final Memory remoteIov = new Memory(16);
    private final int[] status = new int[1];

    public void seize(int tid, long options) throws NativeCallException {
        call("PTRACE_SEIZE", PTRACE_SEIZE, tid, 0, options);
    }

    public void interrupt(int tid) throws NativeCallException {
        call("PTRACE_INTERRUPT", PTRACE_INTERRUPT, tid, 0, 0);
    }

    public void cont(int tid, int signal) throws NativeCallException {
        call("PTRACE_CONT", PTRACE_CONT, tid, 0, signal);
    }

    public void syscall(int tid, int signal) throws NativeCallException {
        call("PTRACE_SYSCALL", PTRACE_SYSCALL, tid, 0, signal);
    }

    public void listen(int tid) throws NativeCallException {
        call("PTRACE_LISTEN", PTRACE_LISTEN, tid, 0, 0);
    }

    public void detach(int tid, int signal) throws NativeCallException {
        call("PTRACE_DETACH", PTRACE_DETACH, tid, 0, signal);
    }

    public void setOptions(int tid, long options) throws NativeCallException {
        call("PTRACE_SETOPTIONS", PTRACE_SETOPTIONS, tid, 0, options);
    }

    public long eventMessage(int tid) throws NativeCallException {
        call("PTRACE_GETEVENTMSG", PTRACE_GETEVENTMSG, tid, 0, Pointer.nativeValue(word));
        return word.getLong(0);
    }

    /** Fills {@code buf} (at least {@link SigInfo#SIZE} bytes) with the siginfo of the signal the tracee stopped for. */
    public void sigInfo(int tid, NativeBuffer buffer) throws NativeCallException {
        Memory buf = buffer.memory;
        call("PTRACE_GETSIGINFO", PTRACE_GETSIGINFO, tid, 0, Pointer.nativeValue(buf));
    }

    /** Fills {@code buf} (at least {@link UserRegs#SIZE} bytes) with the tracee's registers. */
    public void registers(int tid, NativeBuffer buffer) throws NativeCallException {
        Memory buf = buffer.memory;
        call("PTRACE_GETREGS", PTRACE_GETREGS, tid, 0, Pointer.nativeValue(buf));
    }

    public void setRegisters(int tid, NativeBuffer buffer) throws NativeCallException {
        Memory buf = buffer.memory;
        call("PTRACE_SETREGS", PTRACE_SETREGS, tid, 0, Pointer.nativeValue(buf));
    }

    /** PTRACE_GET_SYSCALL_INFO into {@code buf} ({@link SyscallInfo#SIZE} bytes); returns the op byte. */
    public int syscallInfo(int tid, NativeBuffer buffer) throws NativeCallException {
        Memory buf = buffer.memory;
        call("PTRACE_GET_SYSCALL_INFO", PTRACE_GET_SYSCALL_INFO, tid, SyscallInfo.SIZE, Pointer.nativeValue(buf));
        return buf.getByte(SyscallInfo.OP);
    }

    /**
     * waitpid(pid, &status, options). Returns the pid that changed state (status in {@link #lastStatus()}), 0 with
     * WNOHANG when nothing is pending, or -1 when there is no child left to wait for (ECHILD).
     */
    public int waitpid(int pid, int options) throws NativeCallException {
        while (true) {
            try {
                return LibC.waitpid(pid, status, options);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == NativeCallException.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == NativeCallException.ECHILD) {
                    return -1;
                }
                throw new NativeCallException("waitpid", pid, e.getErrorCode());
            }
        }
    }

    public int lastStatus() {
        return status[0];
    }

    /**
     * Copies up to {@code len} bytes at {@code addr} in process {@code pid} into {@code dst}. Returns the count
     * copied, which is short when the range crosses into an unmapped page, or -1 when nothing could be read.
     */
    public int readMemory(int pid, long addr, NativeBuffer dstBuffer, int len) {
        Memory dst = dstBuffer.memory;
        localIov.setPointer(0, dst);
        localIov.setLong(8, len);
        remoteIov.setLong(0, addr);
        remoteIov.setLong(8, len);
        try {
            return (int) LibC.process_vm_readv(pid, localIov, 1, remoteIov, 1, 0);
        } catch (LastErrorException e) {
            return -1;
        }
    }

    public int writeMemory(int pid, long addr, NativeBuffer srcBuffer, int len) {
        Memory src = srcBuffer.memory;
        localIov.setPointer(0, src);
        localIov.setLong(8, len);
        remoteIov.setLong(0, addr);
        remoteIov.setLong(8, len);
        try {
            return (int) LibC.process_vm_writev(pid, localIov, 1, remoteIov, 1, 0);
        } catch (LastErrorException e) {
            return -1;
        }
    }

    public static void kill(int pid, int signal) throws NativeCallException {
        try {
            LibC.kill(pid, signal);
        } catch (LastErrorException e) {
            throw new NativeCallException("kill", pid, e.getErrorCode());
        }
    }

    public static void tgkill(int tgid, int tid, int signal) throws NativeCallException {
        try {
            LibC.tgkill(tgid, tid, signal);
        } catch (LastErrorException e) {
            throw new NativeCallException("tgkill", tid, e.getErrorCode());
        }
    }

    public static int ownPid() {
        return LibC.getpid();
    }

    /**
     * Raises the target's RLIMIT_CORE to unlimited and returns the old {soft, hard}. Another uid's process needs
     * CAP_SYS_RESOURCE (EPERM otherwise).
     */
    public static long[] raiseCoreLimit(int pid) throws NativeCallException {
        Memory old = new Memory(16);
        Memory unlimited = new Memory(16);
        unlimited.setLong(0, -1L);
        unlimited.setLong(8, -1L);
        try {
            LibC.prlimit(pid, RLIMIT_CORE, unlimited, old);
        } catch (LastErrorException e) {
            throw new NativeCallException("prlimit(RLIMIT_CORE)", pid, e.getErrorCode());
        }
        return new long[] {old.getLong(0), old.getLong(8)};
    }

    /**
     * Starts {@code argv} stopped, through posix_spawnp of {@code sh -c 'kill -STOP $$; exec "$0" "$@"'}: the shell
     * stops itself before the exec, the caller seizes it, and tracing starts at the real execve. Never
     * ProcessBuilder: the JDK's reaper thread would consume the ptrace stops. Signal mask and dispositions are
     * reset so the command does not inherit the JVM's.
     */
    public static int spawnStopped(List<String> argv, Map<String, String> env) throws NativeCallException {
        List<String> shArgv = new ArrayList<>();
        shArgv.add("sh");
        shArgv.add("-c");
        shArgv.add("kill -STOP $$; exec \"$0\" \"$@\"");
        shArgv.addAll(argv);
        return spawn(shArgv, env);
    }

    /** posix_spawnp(argv[0], argv, env) with the signal mask emptied and every disposition reset to default. */
    public static int spawn(List<String> argv, Map<String, String> env) throws NativeCallException {
        String[] args = argv.toArray(new String[argv.size() + 1]);
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        String[] envp = envList.toArray(new String[envList.size() + 1]);
        Memory attr = new Memory(1024);   // posix_spawnattr_t is 336 bytes in glibc
        Memory empty = new Memory(128);   // sigset_t
        Memory all = new Memory(128);
        try {
            LibC.posix_spawnattr_init(attr);
            LibC.sigemptyset(empty);
            LibC.sigfillset(all);
            LibC.posix_spawnattr_setsigmask(attr, empty);
            LibC.posix_spawnattr_setsigdefault(attr, all);
            LibC.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
        } catch (LastErrorException e) {
            throw new NativeCallException("posix_spawnattr", 0, e.getErrorCode());
        }
        // The JVM holds fds without O_CLOEXEC (its modules file, the jar, /dev/random): close everything above
        // stderr in the child, or the command inherits them and its fd numbers differ from a run under strace.
        Memory actions = new Memory(256);       // posix_spawn_file_actions_t is 80 bytes in glibc
        try {
            LibC.posix_spawn_file_actions_init(actions);
            LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3);
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            throw new NativeCallException("posix_spawn_file_actions_addclosefrom_np (glibc 2.34+)", 0,
                    e instanceof LastErrorException ? ((LastErrorException) e).getErrorCode() : NativeCallException.EINVAL);
        }
        IntByReference pid = new IntByReference();
        int rc = LibC.Spawn.INSTANCE.posix_spawnp(pid, argv.get(0), actions, attr, args, envp);
        LibC.posix_spawnattr_destroy(attr);
        LibC.posix_spawn_file_actions_destroy(actions);
        if (rc != 0) {
            throw new NativeCallException("posix_spawnp(" + argv.get(0) + ")", 0, rc);
        }
        return pid.getValue();
    }

    private static void call(String op, int request, int tid, long addr, long data) throws NativeCallException {
        try {
            LibC.ptrace(request, tid, addr, data);
        } catch (LastErrorException e) {
            throw new NativeCallException(op, tid, e.getErrorCode());
        }
    }
}
