package dev.faultline.core;

import dev.faultline.linux.Memory;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's {@code rt_sigframe} from a fault that a handler caught: httpd's handler re-raises with
 * {@code kill(getpid(), sig)}, so the core's NT_SIGINFO says SI_USER, but the first fault's frame stays on the
 * stack even after the handler returned. x86_64 layout (offsets from the frame F, where F holds the return
 * address {@code __restore_rt}): sigcontext r8 @48 … rbp @128, rsp @168, rip @176, cs u16 @192, ss u16 @198,
 * err @200, trapno @208, cr2 @224; the siginfo follows the 304-byte ucontext at F+312.
 */
public record SignalFrame(long address, long rip, long rsp, long rbp, long err, long trapno, long cr2, int signo,
        int code, long siAddr, long[] dwarfRegisters) {

    /** {@code mov $15,%rax; syscall}: glibc's __restore_rt, which calls rt_sigreturn. */
    static final byte[] RESTORE_RT = {0x48, (byte) 0xc7, (byte) 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
    private static final int SCAN_BELOW = 16 << 10;
    private static final int SCAN_ABOVE = 512 << 10;
    /** sigcontext offsets (from F) of DWARF registers 0..16: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip. */
    private static final int[] DWARF_OFFSETS = {152, 144, 160, 136, 120, 112, 128, 168, 48, 56, 64, 72, 80, 88, 96, 104, 176};

    /** Page-fault error code bit 1: the access was a write; bit 4: an instruction fetch. */
    public String access() {
        if (trapno != 14) {
            return "unknown";
        }
        if ((err & 16) != 0) {
            return "exec";
        }
        return (err & 2) != 0 ? "write" : "read";
    }

    /**
     * The signal of the first fault. The frame's siginfo is written only for SA_SIGINFO handlers (httpd's and
     * crashme's are not), so it is trusted only when it agrees with cr2; otherwise the trap number decides:
     * 14 page fault and 13 general protection → SIGSEGV, 0 divide error → SIGFPE, 6 invalid opcode → SIGILL,
     * 17 alignment check → SIGBUS. Returns 0 when neither tells.
     */
    public int signal() {
        if (signo == 11 && code > 0 && siAddr == cr2 || (signo == 4 || signo == 7 || signo == 8) && code > 0) {
            return signo;
        }
        switch ((int) trapno) {
            case 13:
            case 14:
                return 11;
            case 0:
                return 8;
            case 6:
                return 4;
            case 17:
                return 7;
            default:
                return 0;
        }
    }

    /** The fault address: cr2 for a page fault, else the siginfo's si_addr. */
    public long faultAddress() {
        return trapno == 14 ? cr2 : siAddr;
    }

    /** Finds the valid signal frame nearest to the thread's stack pointer (x86_64 only), or null. */
    public static SignalFrame find(CoreFile core, CoreThread thread) {
        if (core.arch != Arch.X86_64) {
            return null;
        }
        long sp = thread.registers().sp();
        ElfImage.Segment stack = core.loadAt(sp);
        if (stack == null) {
            return null;
        }
        // offsets inside the segment, unsigned: a corrupt segment may straddle 2^63
        long spOff = sp - stack.vaddr();
        long fromOff = Long.compareUnsigned(spOff, SCAN_BELOW) > 0 ? (spOff - SCAN_BELOW) & ~7L : 0;
        long toOff = Long.compareUnsigned(stack.memsz() - spOff, SCAN_ABOVE) < 0 ? stack.memsz() : spOff + SCAN_ABOVE;
        long from = stack.vaddr() + fromOff;
        long span = toOff - fromOff;
        if (span <= 0 || span > SCAN_BELOW + SCAN_ABOVE) {
            return null;
        }
        byte[] words = new byte[(int) span];
        int n = core.memory().readDumped(from, words, 0, words.length);
        Map<Long, Boolean> trampolines = new HashMap<>();
        SignalFrame best = null;
        for (int o = 0; o + 8 <= n; o += 8) {
            long w = Le.u64(words, o);
            if (w == 0 || !isExecutable(core, w)) {
                continue;
            }
            if (!trampolines.computeIfAbsent(w, a -> isRestoreRt(core.memory(), a))) {
                continue;
            }
            SignalFrame f = read(core.memory(), from + o);
            if (f != null && (best == null || Math.abs(f.address - sp) < Math.abs(best.address - sp))) {
                best = f;
            }
        }
        return best;
    }

    static boolean isExecutable(CoreFile core, long a) {
        ElfImage.Segment s = core.loadAt(a);
        return s != null && (s.flags() & ElfImage.PF_X) != 0;
    }

    static boolean isRestoreRt(Memory memory, long a) {
        byte[] b = new byte[RESTORE_RT.length];
        return memory.read(a, b, 0, b.length) == b.length && java.util.Arrays.equals(b, RESTORE_RT);
    }

    /** Reads and validates the frame at F: cs 0x33, ss 0x2b, trapno ≤ 31, a saved rsp above F. */
    static SignalFrame read(Memory memory, long f) {
        byte[] b = new byte[344];
        if (memory.read(f, b, 0, b.length) != b.length) {
            return null;
        }
        int cs = Le.u16(b, 192);
        int ss = Le.u16(b, 198);
        long trapno = Le.u64(b, 208);
        long rsp = Le.u64(b, 168);
        if (cs != 0x33 || ss != 0x2b || Long.compareUnsigned(trapno, 31) > 0 || Long.compareUnsigned(rsp, f) <= 0) {
            return null;
        }
        long[] dwarf = new long[DWARF_OFFSETS.length];
        for (int i = 0; i < dwarf.length; i++) {
            dwarf[i] = Le.u64(b, DWARF_OFFSETS[i]);
        }
        int signo = Le.s32(b, 312);
        int code = Le.s32(b, 320);
        return new SignalFrame(f, Le.u64(b, 176), rsp, Le.u64(b, 128), Le.u64(b, 200), trapno, Le.u64(b, 224),
                signo, code, Le.u64(b, 328), dwarf);
    }
}
