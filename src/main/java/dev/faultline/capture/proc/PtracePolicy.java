package dev.faultline.capture.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why the kernel refused a ptrace attach (EPERM), and the fix, from what this host says of itself: Yama's
 * {@code kernel.yama.ptrace_scope}, SELinux's {@code deny_ptrace} boolean, this process's CAP_SYS_PTRACE and the
 * two processes' uids. Reads files only; the attach itself is the tracer's.
 */
public final class PtracePolicy {
    /** CAP_SYS_PTRACE's bit in CapEff (linux/capability.h). */
    private static final int CAP_SYS_PTRACE = 19;

    private final Path proc;
    private final Path selinux;

    public PtracePolicy(Path proc, Path selinux) {
        this.proc = proc;
        this.selinux = selinux;
    }

    public static PtracePolicy system() {
        return new PtracePolicy(Path.of("/proc"), Path.of("/sys/fs/selinux"));
    }

    /** Yama's ptrace_scope (0 classic, 1 descendants only, 2 CAP_SYS_PTRACE only, 3 none), or -1 without Yama. */
    public int yamaScope() {
        String s = read(proc.resolve("sys/kernel/yama/ptrace_scope"));
        try {
            return s == null ? -1 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True when SELinux enforces and its deny_ptrace boolean is on (it then refuses ptrace to everyone, root too). */
    public boolean selinuxDeniesPtrace() {
        String deny = read(selinux.resolve("booleans/deny_ptrace"));
        return selinuxEnforcing() && deny != null && deny.strip().startsWith("1");
    }

    /** True when SELinux is enforcing (a policy may refuse ptrace between two domains even to root). */
    public boolean selinuxEnforcing() {
        String enforce = read(selinux.resolve("enforce"));
        return enforce != null && enforce.strip().equals("1");
    }

    /** Whether this process holds CAP_SYS_PTRACE in its effective set. */
    public boolean hasCapSysPtrace() {
        String status = read(proc.resolve("self/status"));
        if (status == null) {
            return false;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                try {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >>> CAP_SYS_PTRACE & 1) == 1;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * One sentence: why attaching to {@code pid} was refused and what to do, most specific first. {@code selfUid} and
     * {@code targetUid} are real uids (-1 when unknown).
     */
    public String whyDenied(int pid, int selfUid, int targetUid) {
        int scope = yamaScope();
        boolean cap = hasCapSysPtrace();
        if (selinuxDeniesPtrace()) {
            return "SELinux's deny_ptrace boolean is on, which refuses ptrace to every process, root too "
                    + "(run: setsebool deny_ptrace off, then attach again; setsebool -P makes it stay)";
        }
        if (scope == 3) {
            return "kernel.yama.ptrace_scope is 3: no process may attach to another, root included, until a reboot "
                    + "(start the server under faultline instead: faultline run -- apache2 -DFOREGROUND)";
        }
        if (!cap && selfUid == 0) {
            return "this root has no CAP_SYS_PTRACE, as in a container (docker run --cap-add SYS_PTRACE, "
                    + "or run faultline on the host with the server's host pid)";
        }
        if (scope == 2 && !cap) {
            return "kernel.yama.ptrace_scope is 2: only a process with CAP_SYS_PTRACE may attach (run: sudo faultline attach " + pid + ")";
        }
        if (!cap && selfUid >= 0 && targetUid >= 0 && selfUid != targetUid) {
            return "process " + pid + " runs as uid " + targetUid + " and faultline as uid " + selfUid
                    + " (run: sudo faultline attach " + pid + ")";
        }
        if (scope == 1 && !cap) {
            return "kernel.yama.ptrace_scope is 1: a process may attach only to its own descendants "
                    + "(run: sudo faultline attach " + pid + "; or sudo sysctl kernel.yama.ptrace_scope=0)";
        }
        if (cap && selinuxEnforcing()) {
            return "SELinux is enforcing and its policy refuses this ptrace even with CAP_SYS_PTRACE "
                    + "(see: ausearch -m avc -ts recent; the server's domain may need a local policy module)";
        }
        if (cap) {
            return "refused although faultline has CAP_SYS_PTRACE: a security module (AppArmor, a container's seccomp "
                    + "profile) or another user namespace may forbid it (see: dmesg | grep -i ptrace)";
        }
        return "ptrace needs root, or CAP_SYS_PTRACE, or the same user with kernel.yama.ptrace_scope 0 "
                + "(run: sudo faultline attach " + pid + ")";
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
