package dev.faultline.core.unwind;

import dev.faultline.core.Arch;

import java.util.Arrays;

/**
 * The registers of one stack frame, indexed by DWARF register number (columns 0 .. arch.dwarfRegisterCount()-1).
 * Immutable. A register is either known (it has a value) or unknown; unknown-ness is kept in a bit mask
 * ({@link #knownMask()}, bit i = column i), so every 64-bit value, including 0 and Long.MIN_VALUE, is a real value.
 *
 * <p>The pc lives in column {@link #pcColumn(Arch)}: x86_64 16 (rip, which is also the return-address column),
 * aarch64 32 (pc; the return address column there is 30 = x30/lr).
 *
 * <p>Registers for which the CFI has no rule are carried over from the callee ("same value", as libgcc and
 * libunwind do). That is right for callee-saved registers; caller-saved ones (x86_64 rax, rcx, rdx, rsi, rdi,
 * r8-r11) carried over this way are not the caller's real values.
 */
public final class Regs {
    private final Arch arch;
    private final long[] values;
    private final long known;
    private final boolean pcIsReturnAddress;
    private final boolean unwoundFromSignalFrame;

    Regs(Arch arch, long[] values, long known, boolean pcIsReturnAddress, boolean unwoundFromSignalFrame) {
        this.arch = arch;
        this.values = values;
        this.known = known;
        this.pcIsReturnAddress = pcIsReturnAddress;
        this.unwoundFromSignalFrame = unwoundFromSignalFrame;
    }

    /** DWARF column holding the pc: x86_64 16 (rip), aarch64 32. */
    public static int pcColumn(Arch arch) {
        return arch == Arch.X86_64 ? 16 : 32;
    }

    /** No register known. */
    public static Regs empty(Arch arch) {
        return new Regs(arch, new long[arch.dwarfRegisterCount()], 0L, false, false);
    }

    /**
     * Registers of an innermost frame (e.g. from a core's NT_PRSTATUS): the pc is exact.
     * {@code values} and {@code known} may be shorter than arch.dwarfRegisterCount(); missing columns are unknown.
     */
    public static Regs of(Arch arch, long[] values, boolean[] known) {
        int n = arch.dwarfRegisterCount();
        if (values.length > n || known.length > values.length) {
            throw new IllegalArgumentException("at most " + n + " registers for " + arch.label);
        }
        long mask = 0;
        for (int i = 0; i < known.length; i++) {
            if (known[i]) {
                mask |= 1L << i;
            }
        }
        return new Regs(arch, Arrays.copyOf(values, n), mask, false, false);
    }

    public Arch arch() {
        return arch;
    }

    /** Number of columns (arch.dwarfRegisterCount()). */
    public int count() {
        return values.length;
    }

    public boolean isKnown(int column) {
        return column >= 0 && column < values.length && (known & (1L << column)) != 0;
    }

    /** The value of a column; 0 when it is unknown (check {@link #isKnown}). */
    public long get(int column) {
        checkColumn(column);
        return isKnown(column) ? values[column] : 0L;
    }

    /** Bit i set = column i is known. */
    public long knownMask() {
        return known;
    }

    public boolean hasPc() {
        return isKnown(pcColumn(arch));
    }

    public long pc() {
        return get(pcColumn(arch));
    }

    public boolean hasSp() {
        return isKnown(arch.dwarfSp);
    }

    public long sp() {
        return get(arch.dwarfSp);
    }

    /**
     * True when {@link #pc()} is a return address (the instruction after a call), so symbolizers and the next
     * {@link CfiUnwinder#step} should look at pc-1. False for the innermost frame and for a frame that a signal
     * interrupted (the pc the kernel saved is exact).
     */
    public boolean pcIsReturnAddress() {
        return pcIsReturnAddress;
    }

    /** True when this frame was recovered by unwinding a signal trampoline ('S' CIE): it was interrupted by a signal. */
    public boolean unwoundFromSignalFrame() {
        return unwoundFromSignalFrame;
    }

    public Regs with(int column, long value) {
        checkColumn(column);
        long[] v = values.clone();
        v[column] = value;
        return new Regs(arch, v, known | (1L << column), pcIsReturnAddress, unwoundFromSignalFrame);
    }

    public Regs without(int column) {
        checkColumn(column);
        long[] v = values.clone();
        v[column] = 0;
        return new Regs(arch, v, known & ~(1L << column), pcIsReturnAddress, unwoundFromSignalFrame);
    }

    /** Copy with the pc flagged as a return address (true) or exact (false). */
    public Regs withPcIsReturnAddress(boolean returnAddress) {
        return new Regs(arch, values, known, returnAddress, unwoundFromSignalFrame);
    }

    private void checkColumn(int column) {
        if (column < 0 || column >= values.length) {
            throw new IllegalArgumentException("no DWARF column " + column + " on " + arch.label);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Regs{");
        for (int i = 0; i < values.length; i++) {
            if (isKnown(i)) {
                sb.append(" r").append(i).append("=0x").append(Long.toHexString(values[i]));
            }
        }
        if (pcIsReturnAddress) {
            sb.append(" ra");
        }
        if (unwoundFromSignalFrame) {
            sb.append(" after-signal");
        }
        return sb.append(" }").toString();
    }
}
