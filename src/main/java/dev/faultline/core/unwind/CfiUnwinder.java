package dev.faultline.core.unwind;

import dev.faultline.core.Arch;
import dev.faultline.linux.Memory;
import dev.faultline.core.unwind.UnwindRow.Rule;

import java.util.OptionalLong;

/** One DWARF CFI unwind step: from a frame's registers to its caller's. Stateless. */
public final class CfiUnwinder {
    /** Why {@link #tryStep} did (not) produce a caller frame. */
    public enum Status {
        OK,
        /** The current frame's pc is unknown. */
        NO_PC,
        /** No FDE covers the pc. */
        NO_FDE,
        /** The FDE/CIE or an expression in it is malformed or unsupported ({@link StepResult#detail()} says why). */
        BAD_CFI,
        /** The CFA's base register is unknown, or memory a CFA expression reads is not in the dump. */
        CFA_UNAVAILABLE,
        /** The return-address rule is DW_CFA_undefined: the outermost frame (e.g. _start, thread start). */
        RA_UNDEFINED,
        /** The saved return address could not be read. */
        RA_UNAVAILABLE,
        /** The caller would have the same pc and sp as this frame: stop rather than loop. */
        NO_PROGRESS
    }

    /** Outcome of one step; {@code regs} is non-null only for {@link Status#OK}; {@code row} when one was found. */
    public record StepResult(Status status, Regs regs, UnwindRow row, String detail) {
    }

    private CfiUnwinder() {
    }

    /**
     * One step; see {@link #tryStep}. Returns the caller's registers, or null when the row is missing, the CFA can't
     * be computed, the return address is undefined (outermost frame) or unreadable, or the CFI is malformed.
     */
    public static Regs step(Arch arch, EhFrame cfi, long loadBias, Regs current, Memory memory, boolean isFirstFrame) {
        return tryStep(arch, cfi, loadBias, current, memory, isFirstFrame).regs();
    }

    /**
     * Unwinds one frame.
     *
     * @param cfi          the CFI of the module containing current.pc()
     * @param loadBias     runtime address minus link-time address for that module
     * @param current      this frame's registers (DWARF numbering, runtime values)
     * @param isFirstFrame the innermost frame: its pc is exact. Other frames' pcs are return addresses (looked up
     *                     at pc-1, since a call to a noreturn function may be the last instruction of its FDE), except
     *                     right after a signal frame ({@code current.pcIsReturnAddress()} false).
     * @return the caller's registers: pc = the return address, sp = the CFA (unless the CFI restores sp
     *         explicitly, as signal trampolines do), callee-saved registers from their save slots. A register whose
     *         save slot is unreadable becomes unknown; only the CFA and the return address are required.
     */
    public static StepResult tryStep(Arch arch, EhFrame cfi, long loadBias, Regs current, Memory memory,
                                     boolean isFirstFrame) {
        int pcCol = Regs.pcColumn(arch);
        if (!current.isKnown(pcCol)) {
            return new StepResult(Status.NO_PC, null, null, "pc unknown");
        }
        long pc = current.get(pcCol);
        boolean exact = isFirstFrame || !current.pcIsReturnAddress();
        long lookup = pc - loadBias - (exact ? 0 : 1);
        UnwindRow row;
        try {
            row = cfi.rowAt(lookup);
        } catch (CfiFormatException e) {
            return new StepResult(Status.BAD_CFI, null, null, e.getMessage());
        }
        if (row == null) {
            return new StepResult(Status.NO_FDE, null, null, "no FDE for 0x" + Long.toHexString(lookup));
        }
        try {
            return apply(arch, row, current, memory, pcCol);
        } catch (CfiFormatException e) {
            return new StepResult(Status.BAD_CFI, null, row, e.getMessage());
        }
    }

    private static StepResult apply(Arch arch, UnwindRow row, Regs cur, Memory mem, int pcCol) {
        long cfa;
        try {
            if (row.cfaKind() == UnwindRow.CfaKind.REG_OFFSET) {
                int r = row.cfaRegister();
                if (!cur.isKnown(r)) {
                    return new StepResult(Status.CFA_UNAVAILABLE, null, row, "CFA register r" + r + " unknown");
                }
                cfa = cur.get(r) + row.cfaOffset();
            } else {
                cfa = DwarfExpr.eval(row.cfaExpressionRaw(), cur, mem, false, 0);
            }
        } catch (DwarfExpr.Unavailable e) {
            return new StepResult(Status.CFA_UNAVAILABLE, null, row, e.getMessage());
        }

        int raCol = row.returnAddressColumn();
        if (row.rule(raCol) == Rule.UNDEFINED) {
            return new StepResult(Status.RA_UNDEFINED, null, row, "return address undefined: outermost frame");
        }
        long ra;
        try {
            ra = value(row, raCol, cur, mem, cfa);
        } catch (DwarfExpr.Unavailable e) {
            return new StepResult(Status.RA_UNAVAILABLE, null, row, e.getMessage());
        }

        int n = cur.count();
        long[] v = new long[n];
        long known = 0;
        for (int col = 0; col < n; col++) {
            if (col == arch.dwarfSp || row.rule(col) == Rule.UNDEFINED) {
                continue;
            }
            try {
                v[col] = value(row, col, cur, mem, cfa);
                known |= 1L << col;
            } catch (DwarfExpr.Unavailable e) {
                // this register stays unknown in the caller; unwinding can go on without it
            }
        }
        Rule spRule = row.rule(arch.dwarfSp);
        if (spRule == Rule.UNSPECIFIED || spRule == Rule.SAME_VALUE || spRule == Rule.UNDEFINED) {
            v[arch.dwarfSp] = cfa; // by definition the CFA is the caller's sp before the call
            known |= 1L << arch.dwarfSp;
        } else {
            try {
                v[arch.dwarfSp] = value(row, arch.dwarfSp, cur, mem, cfa);
                known |= 1L << arch.dwarfSp;
            } catch (DwarfExpr.Unavailable e) {
                // unknown sp
            }
        }
        if (row.raSigned()) {
            // AArch64 pointer authentication: the saved lr carries a PAC in its top bits. Strip it assuming a
            // 48-bit user address space (no TBI), which is what Linux uses by default.
            ra &= 0x0000_ffff_ffff_ffffL;
        }
        v[pcCol] = ra;
        known |= 1L << pcCol;
        boolean signal = row.isSignalFrame();
        Regs caller = new Regs(arch, v, known, !signal, signal);
        if (ra == cur.get(pcCol) && cur.isKnown(arch.dwarfSp) && (known & (1L << arch.dwarfSp)) != 0
                && v[arch.dwarfSp] == cur.get(arch.dwarfSp)) {
            return new StepResult(Status.NO_PROGRESS, null, row, "caller has the same pc and sp");
        }
        return new StepResult(Status.OK, caller, row, null);
    }

    /** The caller's value of {@code col} by the row's rule. */
    private static long value(UnwindRow row, int col, Regs cur, Memory mem, long cfa) throws DwarfExpr.Unavailable {
        switch (row.rule(col)) {
            case UNSPECIFIED:
            case SAME_VALUE:
                return reg(cur, col);
            case OFFSET:
                return load(mem, cfa + row.offset(col));
            case VAL_OFFSET:
                return cfa + row.offset(col);
            case REGISTER:
                return reg(cur, row.register(col));
            case EXPRESSION:
                return load(mem, DwarfExpr.eval(row.expressionRaw(col), cur, mem, true, cfa));
            case VAL_EXPRESSION:
                return DwarfExpr.eval(row.expressionRaw(col), cur, mem, true, cfa);
            case UNDEFINED:
            default:
                throw new DwarfExpr.Unavailable("r" + col + " undefined");
        }
    }

    private static long reg(Regs cur, int col) throws DwarfExpr.Unavailable {
        if (!cur.isKnown(col)) {
            throw new DwarfExpr.Unavailable("r" + col + " unknown");
        }
        return cur.get(col);
    }

    private static long load(Memory mem, long addr) throws DwarfExpr.Unavailable {
        OptionalLong w = mem.u64(addr);
        if (w.isEmpty()) {
            throw new DwarfExpr.Unavailable("memory at 0x" + Long.toHexString(addr) + " unreadable");
        }
        return w.getAsLong();
    }
}
