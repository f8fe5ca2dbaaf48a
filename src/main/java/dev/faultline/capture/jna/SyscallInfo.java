package dev.faultline.capture.jna;

import com.sun.jna.Structure;

/**
 * {@code struct ptrace_syscall_info} (linux/ptrace.h, Linux 5.3+), filled by PTRACE_GET_SYSCALL_INFO: op (1 entry,
 * 2 exit, 3 seccomp), arch, instruction and stack pointers, then a union at 24: entry {nr, args[6]},
 * exit {rval, is_error}, seccomp {nr, args[6], ret_data}. 88 bytes because the seccomp arm pads to 64.
 */
@Structure.FieldOrder({"op", "pad0", "pad1", "pad2", "arch", "instruction_pointer", "stack_pointer", "data"})
public class SyscallInfo extends Structure {
    public byte op;
    public byte pad0;
    public byte pad1;
    public byte pad2;
    public int arch;
    public long instruction_pointer;
    public long stack_pointer;
    public long[] data = new long[8];

    public static final byte OP_NONE = 0;
    public static final byte OP_ENTRY = 1;
    public static final byte OP_EXIT = 2;
    public static final byte OP_SECCOMP = 3;

    public static final int SIZE;
    public static final int OP;
    public static final int IP;
    public static final int SP;
    /** entry/seccomp: nr here and args[i] at ARGS + 8 i; exit: rval here and is_error (a byte) at ARGS. */
    public static final int NR_OR_RVAL;
    public static final int ARGS;

    static {
        SyscallInfo layout = new SyscallInfo();
        SIZE = layout.size();
        OP = layout.fieldOffset("op");
        IP = layout.fieldOffset("instruction_pointer");
        SP = layout.fieldOffset("stack_pointer");
        NR_OR_RVAL = layout.fieldOffset("data");
        ARGS = NR_OR_RVAL + 8;
    }
}
