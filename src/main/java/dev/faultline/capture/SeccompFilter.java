package dev.faultline.capture;

import dev.faultline.linux.SyscallTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic-BPF seccomp program faultline installs in a launched command: SECCOMP_RET_TRACE for the syscalls the
 * engine reads, SECCOMP_RET_ALLOW for everything else, so only those calls stop the tracee. Pure data; the tracer
 * writes it into the tracee and makes it call seccomp(2) itself.
 */
public final class SeccompFilter {
    /** The calls the model and engine use: the syscall spec's (files, fds, processes, sockets for HTTP status lines). */
    static final List<String> TRACED = dev.faultline.linux.SyscallSpec.engineNames();

    static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    static final int RET_ALLOW = 0x7fff0000;
    static final int RET_TRACE = 0x7ff00000;
    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short RET_K = 0x06;
    private static final int SECCOMP_DATA_NR = 0;
    private static final int SECCOMP_DATA_ARCH = 4;

    private SeccompFilter() {
    }

    /** The syscall numbers of {@link #TRACED} on x86_64. */
    static List<Integer> tracedNumbers(SyscallTable table) {
        List<Integer> nrs = new ArrayList<>();
        for (String name : TRACED) {
            int nr = table.nr(name);
            if (nr >= 0) {
                nrs.add(nr);
            }
        }
        return nrs;
    }

    /**
     * The program as an array of struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}: check the arch (any other:
     * allow), load the syscall number, one JEQ per traced number jumping to RET_TRACE, else RET_ALLOW.
     */
    public static byte[] program(List<Integer> nrs) {
        if (nrs.size() > 250) {
            throw new IllegalArgumentException("a JEQ offset is one byte: at most 250 syscalls");
        }
        int n = nrs.size();
        ByteBuffer b = ByteBuffer.allocate(8 * (n + 6)).order(ByteOrder.LITTLE_ENDIAN);
        insn(b, LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH);
        insn(b, JEQ_K, 1, 0, AUDIT_ARCH_X86_64);
        insn(b, RET_K, 0, 0, RET_ALLOW);
        insn(b, LD_W_ABS, 0, 0, SECCOMP_DATA_NR);
        for (int i = 0; i < n; i++) {
            insn(b, JEQ_K, n - i, 0, nrs.get(i)); // jump over the rest and RET_ALLOW, to RET_TRACE
        }
        insn(b, RET_K, 0, 0, RET_ALLOW);
        insn(b, RET_K, 0, 0, RET_TRACE);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void insn(ByteBuffer b, short code, int jt, int jf, int k) {
        b.putShort(code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
