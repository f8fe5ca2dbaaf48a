package dev.faultline.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Unwinds one thread: frame 0 from the saved registers, then DWARF CFI from the module's .eh_frame, else the
 * frame-pointer chain, else a stack scan; the kernel's signal frames are crossed by reading their saved context.
 */
public final class Backtrace {
    static final int MAX_FRAMES = 256;
    private static final int SCAN_WINDOW = 32 << 10;

    private final CoreFile core;
    private final Modules modules;
    private final Arch arch;

    public Backtrace(CoreFile core, Modules modules) {
        this.core = core;
        this.modules = modules;
        this.arch = core.arch;
    }

    /** Register state of one frame in DWARF numbering; {@code known[i]} says whether {@code regs[i]} is valid. */
    static final class State {
        long pc;
        final long[] regs;
        final boolean[] known;
        /** pc is the faulting or interrupted instruction itself, not a return address. */
        boolean exact;

        State(long pc, long[] regs, boolean[] known, boolean exact) {
            this.pc = pc;
            this.regs = regs;
            this.known = known;
            this.exact = exact;
        }

        long sp(Arch arch) {
            return regs[arch.dwarfSp];
        }
    }

    /** Frames starting from registers in DWARF numbering (pc taken from the return-address column on x86_64, 32 on aarch64). */
    public List<Frame> unwind(long pc, long[] dwarfRegs) {
        boolean[] known = new boolean[dwarfRegs.length];
        java.util.Arrays.fill(known, true);
        State s = new State(pc, dwarfRegs.clone(), known, true);
        List<Frame> frames = new ArrayList<>();
        frames.add(frame(0, s, Frame.Trust.CONTEXT));
        long scanFrom = -1;
        for (int i = 1; i < MAX_FRAMES; i++) {
            State next = null;
            Frame.Trust trust = null;
            State sig = signalFrame(s);
            if (sig != null) {
                next = sig;
                trust = Frame.Trust.CONTEXT;
            }
            if (next == null) {
                next = Cfi.step(core, modules, s, i == 1);
                trust = Frame.Trust.CFI;
                if (next != null && !movesUp(s, next)) {
                    next = null;
                }
            }
            if (next == null) {
                next = framePointer(s, i == 1);
                trust = Frame.Trust.FP;
            }
            if (next == null) {
                long from = Math.max(s.sp(arch), scanFrom);
                next = scan(from);
                trust = Frame.Trust.SCAN;
                if (next != null) {
                    scanFrom = next.sp(arch);
                }
            }
            if (next == null || next.pc == 0 || !SignalFrame.isExecutable(core, next.pc)) {
                break;
            }
            frames.add(frame(i, next, trust));
            s = next;
        }
        return frames;
    }

    private boolean movesUp(State from, State to) {
        return Long.compareUnsigned(to.sp(arch), from.sp(arch)) > 0
                || to.sp(arch) == from.sp(arch) && to.pc != from.pc && arch == Arch.AARCH64;
    }

    private Frame frame(int index, State s, Frame.Trust trust) {
        long lookup = s.exact ? s.pc : s.pc - 1;
        MappedModule m = modules.at(lookup);
        String fn = null;
        long fnOff = 0;
        if (m != null) {
            SymbolTable.Hit hit = m.symbolAt(lookup);
            if (hit != null) {
                fn = hit.name();
                fnOff = hit.offset() + (s.exact ? 0 : 1);
            }
        } else if (isRestoreRt(s.pc)) {
            fn = "__restore_rt";
        }
        return new Frame(index, s.pc, trust, m == null ? null : m.name(), m == null ? 0 : s.pc - m.base(), fn, fnOff,
                s.sp(arch));
    }

    private boolean isRestoreRt(long pc) {
        return arch == Arch.X86_64 && SignalFrame.isRestoreRt(core.memory(), pc);
    }

    /** A frame whose pc is the signal trampoline: the caller's registers come from the saved sigcontext. */
    private State signalFrame(State s) {
        if (arch == Arch.X86_64) {
            if (!isRestoreRt(s.pc)) {
                return null;
            }
            // The handler returned into __restore_rt by popping the frame's first word, so sp = F + 8.
            SignalFrame f = SignalFrame.read(core.memory(), s.sp(arch) - 8);
            if (f == null) {
                return null;
            }
            boolean[] known = new boolean[arch.dwarfRegisterCount()];
            java.util.Arrays.fill(known, true);
            return new State(f.rip(), f.dwarfRegisters().clone(), known, true);
        }
        // aarch64: the vDSO's __kernel_rt_sigreturn is "mov x8, #139; svc #0"; sp points at the rt_sigframe,
        // whose sigcontext (fault_address, x0..x30, sp, pc) starts 304 bytes in.
        byte[] insn = new byte[8];
        if (core.memory().read(s.pc, insn, 0, 8) != 8 || Le.s32(insn, 0) != 0xd2801168 || Le.s32(insn, 4) != 0xd4000001) {
            return null;
        }
        long sc = s.sp(arch) + 304;
        long[] regs = new long[arch.dwarfRegisterCount()];
        boolean[] known = new boolean[regs.length];
        for (int r = 0; r < 33; r++) {
            java.util.OptionalLong v = core.memory().u64(sc + 8 + r * 8L);
            if (v.isEmpty()) {
                return null;
            }
            regs[r] = v.getAsLong();
            known[r] = true;
        }
        return new State(regs[32], regs, known, true);
    }

    private State framePointer(State s, boolean first) {
        int fpReg = arch.dwarfFp;
        if (!s.known[fpReg]) {
            return null;
        }
        long fp = s.regs[fpReg];
        long sp = s.sp(arch);
        ElfImage.Segment stack = core.loadAt(sp);
        if (stack == null || !stack.containsVaddr(fp) || Long.compareUnsigned(fp, sp) < 0) {
            if (arch == Arch.AARCH64 && first && s.known[30]) {
                // a leaf function that has not saved its link register yet
                return withPcAndSp(s.regs[30], sp);
            }
            return null;
        }
        java.util.OptionalLong savedFp = core.memory().u64(fp);
        java.util.OptionalLong ret = core.memory().u64(fp + 8);
        if (savedFp.isEmpty() || ret.isEmpty()) {
            return null;
        }
        State n = withPcAndSp(ret.getAsLong(), fp + 16);
        n.regs[fpReg] = savedFp.getAsLong();
        n.known[fpReg] = true;
        return n;
    }

    /** A caller frame of which only pc (a return address) and sp are known. */
    private State withPcAndSp(long pc, long sp) {
        long[] regs = new long[arch.dwarfRegisterCount()];
        boolean[] known = new boolean[regs.length];
        regs[arch.dwarfSp] = sp;
        known[arch.dwarfSp] = true;
        regs[arch.dwarfReturnAddress] = pc;
        if (arch == Arch.AARCH64) {
            regs[32] = pc;
        }
        return new State(pc, regs, known, false);
    }

    /** The next word above {@code from} that points just after a call instruction in executable code. */
    private State scan(long from) {
        ElfImage.Segment stack = core.loadAt(from);
        if (stack == null) {
            return null;
        }
        // unsigned: a corrupt segment may end past 2^63 (found by CoreFileFuzzTest)
        long left = stack.memsz() - (from - stack.vaddr());
        int len = Long.compareUnsigned(left, SCAN_WINDOW) < 0 ? (int) left : SCAN_WINDOW;
        byte[] words = new byte[len];
        int n = core.memory().readDumped(from, words, 0, len);
        int start = (int) ((8 - (from & 7)) & 7);
        for (int o = start; o + 8 <= n; o += 8) {
            long w = Le.u64(words, o);
            if (w != 0 && SignalFrame.isExecutable(core, w) && modules.at(w - 1) != null && followsCall(w)) {
                return withPcAndSp(w, from + o + 8);
            }
        }
        return null;
    }

    /** Whether the bytes before {@code ret} end with a call (x86_64: e8 rel32, ff /2; aarch64: bl, blr). */
    boolean followsCall(long ret) {
        byte[] b = new byte[8];
        if (core.memory().read(ret - 8, b, 0, 8) != 8) {
            return false;
        }
        if (arch == Arch.AARCH64) {
            int insn = Le.s32(b, 4);
            return (insn & 0xfc000000) == 0x94000000 || (insn & 0xfffffc1f) == 0xd63f0000;
        }
        if ((b[3] & 0xff) == 0xe8) {
            return true;                                   // call rel32
        }
        // call *r/m64: ff /2 with a 2-, 3-, 4-, 6- or 7-byte encoding
        for (int len : new int[] {2, 3, 4, 6, 7}) {
            int at = 8 - len;
            int modrm = at + 1 < 8 ? b[at + 1] & 0xff : 0;
            if ((b[at] & 0xff) == 0xff && ((modrm >> 3) & 7) == 2) {
                return true;
            }
        }
        return false;
    }
}
