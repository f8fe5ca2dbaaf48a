package dev.faultline.capture.jna;

import com.sun.jna.Structure;

/**
 * x86_64 {@code struct user_regs_struct} (216 bytes; sys/user.h), as PTRACE_GETREGS fills it and as an ELF core's
 * NT_PRSTATUS carries it at pr_reg. The hot path reads a raw buffer at the offsets this layout defines.
 */
@Structure.FieldOrder({"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
        "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"})
public class UserRegs extends Structure {
    public long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags,
            rsp, ss, fs_base, gs_base, ds, es, fs, gs;

    public static final int SIZE;
    public static final int RIP;
    public static final int RSP;
    public static final int RBP;
    public static final int ORIG_RAX;
    public static final int RAX;
    public static final int RDI;
    public static final int RSI;
    public static final int RDX;
    public static final int R10;
    public static final int R8;
    public static final int R9;

    static {
        UserRegs layout = new UserRegs();
        SIZE = layout.size();
        RIP = layout.fieldOffset("rip");
        RSP = layout.fieldOffset("rsp");
        RBP = layout.fieldOffset("rbp");
        ORIG_RAX = layout.fieldOffset("orig_rax");
        RAX = layout.fieldOffset("rax");
        RDI = layout.fieldOffset("rdi");
        RSI = layout.fieldOffset("rsi");
        RDX = layout.fieldOffset("rdx");
        R10 = layout.fieldOffset("r10");
        R8 = layout.fieldOffset("r8");
        R9 = layout.fieldOffset("r9");
    }

    public static int offsetOf(String field) {
        return new UserRegs().fieldOffset(field);
    }
}
