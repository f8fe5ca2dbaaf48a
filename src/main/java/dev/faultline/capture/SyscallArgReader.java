package dev.faultline.capture;

import dev.faultline.capture.jna.NativeBuffer;
import dev.faultline.capture.jna.Ptrace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads, at a syscall stop, what the syscall spec says a call's arguments point at in the tracee (a path, the bytes
 * written or read, an iovec array, a sockaddr, a small struct), into its {@link LiveRecord}. All reads are
 * process_vm_readv into one scratch buffer, bounded by the string cap; a read that fails leaves the field null.
 */
final class SyscallArgReader {
    private static final int MAX_ARGV = dev.faultline.Limits.EXEC_ARGV;

    private final Ptrace pt;
    private final NativeBuffer scratch;
    private final int stringCap;

    SyscallArgReader(Ptrace pt, NativeBuffer scratch, int stringCap) {
        this.pt = pt;
        this.scratch = scratch;
        this.stringCap = stringCap;
    }

    /**
     * Reads what the syscall spec says each argument points at (a path, the bytes written or read, a sockaddr...),
     * at the syscall-exit stop, into the record.
     */
    void readOutputs(int tid, LiveRecord.Syscall r) {
        dev.faultline.linux.SyscallSpec.Syscall spec = dev.faultline.linux.SyscallSpec.of(r.name);
        if (spec == null || r.name.startsWith("execve")) {
            return; // execve's path and argv were read at its entry: after an exec the old memory is gone
        }
        long[] a = r.args;
        int cap = stringCap;
        List<dev.faultline.linux.SyscallSpec.Arg> roles = spec.args();
        for (int i = 0; i < roles.size() && i < a.length; i++) {
            long next = i + 1 < a.length ? a[i + 1] : 0;
            switch (roles.get(i)) {
                case PATH:
                    if (r.path == null) {
                        r.path = readCString(tid, a[i]);
                    } else {
                        r.path2 = readCString(tid, a[i]);
                    }
                    break;
                case BUF_IN:
                    r.bufLen = next;
                    r.buf = readBuf(tid, a[i], next, cap);
                    break;
                case BUF_OUT:
                    r.bufLen = r.rval;
                    r.buf = readBuf(tid, a[i], r.rval, cap);
                    break;
                case LINK_OUT:
                    r.buf = readBuf(tid, a[i], r.rval, Integer.MAX_VALUE);
                    r.bufLen = r.rval;
                    break;
                case IOV_IN:
                    readIov(tid, r, a[i], next, Long.MAX_VALUE, cap);
                    break;
                case IOV_OUT:
                    readIov(tid, r, a[i], next, r.rval, cap);
                    break;
                case MSGHDR_IN: {
                    // struct msghdr: msg_name, msg_namelen, msg_iov, msg_iovlen (64-bit offsets 0, 8, 16, 24)
                    long[] hdr = readWords(tid, a[i], 4);
                    if (hdr != null) {
                        readIov(tid, r, hdr[2], hdr[3], Long.MAX_VALUE, cap);
                    }
                    break;
                }
                case SOCKADDR:
                    r.buf = readBuf(tid, a[i], Math.min(next, 128), Integer.MAX_VALUE);
                    r.bufLen = next;
                    break;
                case INT_PAIR_OUT:
                    r.words = readInts(tid, a[i], 2);
                    break;
                case WAIT_STATUS_OUT:
                    if (a[i] != 0 && r.rval > 0) {
                        r.words = readInts(tid, a[i], 1);
                    }
                    break;
                case OPEN_HOW:
                    r.words = readWords(tid, a[i], 3);
                    break;
                case CLONE_ARGS:
                    r.words = readWords(tid, a[i], 5);
                    break;
                case VALUE:
                default:
                    break;
            }
        }
        if (spec.resultFd() && r.rval >= 0) {
            // the decoder runs later, when this fd number may already be reused: name it now
            r.path = fdTarget(r.tid, (int) r.rval);
        }
    }

    private byte[] fdTarget(int tid, int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(tid), "fd",
                    Integer.toString(fd))).toString().getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            return null;
        }
    }

    /** The iovec array at {@code iovAddr} ({@code iovCount} entries, at most 8 read), as for readv/writev. */
    private void readIov(int tid, LiveRecord.Syscall r, long iovAddr, long iovCount, long total, int cap) {
        int count = (int) Math.max(0, Math.min(iovCount, 8));
        long[] iov = readWords(tid, iovAddr, count * 2);
        if (iov == null) {
            return;
        }
        r.words = iov;
        long moved = r.rval;
        r.bufLen = Math.max(moved, 0);
        // keep each iovec's shown bytes so the decoder can print them like strace: [{iov_base="...", iov_len=N}, ...]
        List<byte[]> parts = new ArrayList<>();
        long left = total == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(total, 0);
        for (int i = 0; i < count; i++) {
            long len = Math.min(iov[2 * i + 1], left);
            byte[] b = readBuf(tid, iov[2 * i], len, cap);
            parts.add(b == null ? new byte[0] : b);
            if (left != Long.MAX_VALUE) {
                left -= len;
            }
        }
        r.argv = parts.toArray(new byte[0][]);
    }

    private byte[] readBuf(int tid, long addr, long len, int cap) {
        if (addr == 0 || len <= 0) {
            return len == 0 ? new byte[0] : null;
        }
        // one byte more than the cap, so the decoder can tell a cut buffer from a full one
        int want = (int) Math.min(Math.min(len, (long) cap + 1), scratch.size());
        int n = pt.readMemory(tid, addr, scratch, want);
        return n < 0 ? null : scratch.getByteArray(0, n);
    }

    private long[] readWords(int tid, long addr, int n) {
        if (addr == 0) {
            return null;
        }
        int got = pt.readMemory(tid, addr, scratch, 8 * n);
        if (got < 8 * n) {
            return null;
        }
        return scratch.getLongArray(0, n);
    }

    private long[] readInts(int tid, long addr, int n) {
        if (addr == 0) {
            return null;
        }
        int got = pt.readMemory(tid, addr, scratch, 4 * n);
        if (got < 4 * n) {
            return null;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = scratch.getInt(4L * i);
        }
        return out;
    }

    /** A NUL-terminated string, read page by page (process_vm_readv stops short at an unmapped page). */
    byte[] readCString(int tid, long addr) {
        if (addr == 0) {
            return null;
        }
        ByteArrayOutputStream out = null;
        long at = addr;
        for (int total = 0; total < 4096; ) {
            // small reads (most paths are short), never across a page: an unmapped next page would fail the read
            int want = (int) Math.min(256, 4096 - (at & 4095));
            int n = pt.readMemory(tid, at, scratch, want);
            if (n <= 0) {
                break;
            }
            byte[] chunk = scratch.getByteArray(0, n); // one copy, then scan in Java (not a JNI call per byte)
            for (int i = 0; i < n; i++) {
                if (chunk[i] == 0) {
                    if (out == null) {
                        return Arrays.copyOf(chunk, i);
                    }
                    out.write(chunk, 0, i);
                    return out.toByteArray();
                }
            }
            if (out == null) {
                out = new ByteArrayOutputStream();
            }
            out.write(chunk, 0, n);
            at += n;
            total += n;
        }
        return out == null ? null : out.toByteArray();
    }

    byte[][] readArgv(int tid, long addr) {
        if (addr == 0) {
            return null;
        }
        List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < MAX_ARGV; i++) {
            long[] p = readWords(tid, addr + 8L * i, 1);
            if (p == null || p[0] == 0) {
                break;
            }
            byte[] s = readCString(tid, p[0]);
            args.add(s == null ? new byte[0] : s);
        }
        return args.toArray(new byte[0][]);
    }
}
