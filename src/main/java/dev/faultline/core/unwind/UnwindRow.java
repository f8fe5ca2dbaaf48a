package dev.faultline.core.unwind;

/**
 * One row of the DWARF CFI table: how to compute the canonical frame address (CFA) and where each register of
 * the caller was saved, valid for link-time pcs in [{@link #startPc()}, {@link #endPc()}). Immutable.
 *
 * <p>Columns are DWARF register numbers 0 .. {@link #columnCount()}-1 (at least {@code arch.dwarfRegisterCount()},
 * more when the CIE names a higher return-address column). Rules for higher columns (vector registers) are dropped.
 */
public final class UnwindRow {
    public enum CfaKind { REG_OFFSET, EXPRESSION }

    /** Register rules, DWARF 5 section 6.4.1. */
    public enum Rule {
        /** No rule given: treated like SAME_VALUE when unwinding (libgcc does the same). */
        UNSPECIFIED,
        /** The register's value in the caller cannot be recovered (DW_CFA_undefined). In the RA column: outermost frame. */
        UNDEFINED,
        SAME_VALUE,
        /** Saved at address CFA + {@link #offset(int)}. */
        OFFSET,
        /** The value is CFA + {@link #offset(int)}. */
        VAL_OFFSET,
        /** The value is in register {@link #register(int)} of the current frame. */
        REGISTER,
        /** Saved at the address computed by {@link #expression(int)} (with the CFA pushed first). */
        EXPRESSION,
        /** The value computed by {@link #expression(int)} (with the CFA pushed first). */
        VAL_EXPRESSION
    }

    private static final Rule[] RULES = Rule.values();

    private final long startPc, endPc, fdeStart, fdeEnd;
    private final int returnAddressColumn;
    private final boolean signalFrame;
    private final boolean raSigned;
    private final int cfaRegister;
    private final long cfaOffset;
    private final byte[] cfaExpression;
    private final byte[] kinds;
    private final long[] operands;
    private final byte[][] expressions;

    UnwindRow(RowState s, long startPc, long endPc, long fdeStart, long fdeEnd, int raColumn, boolean signalFrame) {
        this.startPc = startPc;
        this.endPc = endPc;
        this.fdeStart = fdeStart;
        this.fdeEnd = fdeEnd;
        this.returnAddressColumn = raColumn;
        this.signalFrame = signalFrame;
        this.raSigned = s.raSigned;
        this.cfaRegister = s.cfaReg;
        this.cfaOffset = s.cfaOff;
        this.cfaExpression = s.cfaExpr;
        this.kinds = s.kind.clone();
        this.operands = s.op.clone();
        this.expressions = s.expr.clone();
    }

    /** First link-time pc this row applies to. */
    public long startPc() { return startPc; }

    /** First link-time pc after this row (exclusive). */
    public long endPc() { return endPc; }

    /** Link-time pc range of the whole FDE: [fdeStart, fdeEnd). */
    public long fdeStart() { return fdeStart; }

    public long fdeEnd() { return fdeEnd; }

    /** The CIE's return-address column (x86_64: 16, aarch64: 30). */
    public int returnAddressColumn() { return returnAddressColumn; }

    /** The CIE has the 'S' augmentation: this is a signal trampoline and the caller's pc is exact, not a return address. */
    public boolean isSignalFrame() { return signalFrame; }

    /** AArch64: DW_CFA_AARCH64_negate_ra_state toggled an odd number of times, the saved RA carries a PAC. */
    public boolean raSigned() { return raSigned; }

    public CfaKind cfaKind() { return cfaExpression == null ? CfaKind.REG_OFFSET : CfaKind.EXPRESSION; }

    public int cfaRegister() { return cfaRegister; }

    public long cfaOffset() { return cfaOffset; }

    /** The DW_CFA_def_cfa_expression bytes (a copy), or null for a register+offset CFA. */
    public byte[] cfaExpression() { return cfaExpression == null ? null : cfaExpression.clone(); }

    byte[] cfaExpressionRaw() { return cfaExpression; }

    public int columnCount() { return kinds.length; }

    public Rule rule(int column) {
        return column < 0 || column >= kinds.length ? Rule.UNSPECIFIED : RULES[kinds[column]];
    }

    /** Byte offset from the CFA for OFFSET / VAL_OFFSET rules (already multiplied by the data alignment factor). */
    public long offset(int column) { return operands[column]; }

    /** Source register for REGISTER rules. */
    public int register(int column) { return (int) operands[column]; }

    /** Expression bytes (a copy) for EXPRESSION / VAL_EXPRESSION rules, else null. */
    public byte[] expression(int column) {
        byte[] e = expressions[column];
        return e == null ? null : e.clone();
    }

    byte[] expressionRaw(int column) { return expressions[column]; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("[%x,%x) CFA=", startPc, endPc));
        sb.append(cfaExpression == null ? "r" + cfaRegister + (cfaOffset >= 0 ? "+" : "") + cfaOffset : "exp");
        for (int c = 0; c < kinds.length; c++) {
            Rule r = rule(c);
            if (r == Rule.UNSPECIFIED) {
                continue;
            }
            sb.append(" r").append(c).append('=');
            switch (r) {
                case UNDEFINED: sb.append('u'); break;
                case SAME_VALUE: sb.append('s'); break;
                case OFFSET: sb.append("c").append(operands[c] >= 0 ? "+" : "").append(operands[c]); break;
                case VAL_OFFSET: sb.append("v").append(operands[c] >= 0 ? "+" : "").append(operands[c]); break;
                case REGISTER: sb.append('r').append(operands[c]); break;
                case EXPRESSION: sb.append("exp"); break;
                case VAL_EXPRESSION: sb.append("vexp"); break;
                default: break;
            }
        }
        if (signalFrame) {
            sb.append(" signal");
        }
        return sb.toString();
    }

    /** Mutable rule set used while interpreting CFA instructions. */
    static final class RowState {
        int cfaReg;
        long cfaOff;
        byte[] cfaExpr;
        final byte[] kind;
        final long[] op;
        final byte[][] expr;
        boolean raSigned;

        RowState(int columns) {
            kind = new byte[columns];
            op = new long[columns];
            expr = new byte[columns][];
        }

        RowState copy() {
            RowState c = new RowState(kind.length);
            c.cfaReg = cfaReg;
            c.cfaOff = cfaOff;
            c.cfaExpr = cfaExpr;
            System.arraycopy(kind, 0, c.kind, 0, kind.length);
            System.arraycopy(op, 0, c.op, 0, op.length);
            System.arraycopy(expr, 0, c.expr, 0, expr.length);
            c.raSigned = raSigned;
            return c;
        }

        void set(int col, Rule r, long operand, byte[] e) {
            if (col < 0 || col >= kind.length) {
                return; // a column we do not track (e.g. vector registers)
            }
            kind[col] = (byte) r.ordinal();
            op[col] = operand;
            expr[col] = e;
        }

        void restoreFrom(RowState initial, int col) {
            if (col < 0 || col >= kind.length) {
                return;
            }
            kind[col] = initial.kind[col];
            op[col] = initial.op[col];
            expr[col] = initial.expr[col];
        }
    }
}
