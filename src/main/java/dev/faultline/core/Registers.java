package dev.faultline.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** General registers of one thread as the kernel saved them: {@code user_regs_struct} (x86_64) or {@code user_pt_regs} (aarch64). */
public final class Registers {
    static final String[] X86_64_NAMES = {"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax",
        "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"};
    /** DWARF register number → index in user_regs_struct (0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8..15 r8..r15, 16 rip). */
    private static final int[] X86_64_DWARF = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};

    public final Arch arch;
    private final long[] raw;

    public Registers(Arch arch, long[] raw) {
        this.arch = arch;
        this.raw = raw.clone();
    }

    /** Number of 64-bit words in the register set of {@code arch}. */
    public static int wordCount(Arch arch) {
        return arch == Arch.X86_64 ? 27 : 34;
    }

    public long pc() {
        return arch == Arch.X86_64 ? raw[16] : raw[32];
    }

    public long sp() {
        return arch == Arch.X86_64 ? raw[19] : raw[31];
    }

    public long fp() {
        return arch == Arch.X86_64 ? raw[4] : raw[29];
    }

    /** aarch64 link register; 0 on x86_64. */
    public long lr() {
        return arch == Arch.AARCH64 ? raw[30] : 0;
    }

    /**
     * The syscall the thread was in, or -1 in user code. x86_64 keeps it in orig_rax; aarch64's prstatus has no
     * syscall number, so this is -2 (unknown) there.
     */
    public long syscall() {
        return arch == Arch.X86_64 ? raw[15] : -2;
    }

    public long word(int i) {
        return raw[i];
    }

    /** Values in DWARF numbering, as the unwinder wants them. */
    public long[] dwarf() {
        long[] d = new long[arch.dwarfRegisterCount()];
        if (arch == Arch.X86_64) {
            for (int i = 0; i < X86_64_DWARF.length; i++) {
                d[i] = raw[X86_64_DWARF[i]];
            }
        } else {
            // x0..x30, sp (31), pc (32): DWARF numbers match user_pt_regs order.
            System.arraycopy(raw, 0, d, 0, 33);
        }
        return d;
    }

    public Map<String, Long> named() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (arch == Arch.X86_64) {
            for (int i = 0; i < X86_64_NAMES.length; i++) {
                m.put(X86_64_NAMES[i], raw[i]);
            }
        } else {
            for (int i = 0; i < 31; i++) {
                m.put("x" + i, raw[i]);
            }
            m.put("sp", raw[31]);
            m.put("pc", raw[32]);
            m.put("pstate", raw[33]);
        }
        return m;
    }
}
