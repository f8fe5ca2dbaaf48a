package dev.faultline.core.unwind;

import dev.faultline.linux.Memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Evaluator for the DWARF expressions found in CFI (DW_CFA_def_cfa_expression, DW_CFA_expression,
 * DW_CFA_val_expression): the stack-machine subset GCC, glibc and the kernel vDSO emit. Bounded: at most
 * {@link #MAX_STEPS} operations and {@link #MAX_STACK} stack entries.
 */
final class DwarfExpr {
    static final int MAX_STEPS = 10_000;
    static final int MAX_STACK = 64;

    /** A register the expression reads is unknown, or memory it dereferences is not in the dump. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false); // control flow, no stack trace
        }
    }

    private DwarfExpr() {
    }

    /**
     * @param pushCfa DW_CFA_expression / val_expression start with the CFA on the stack; def_cfa_expression doesn't
     * @throws CfiFormatException for malformed or unsupported bytecode
     */
    static long eval(byte[] code, Regs regs, Memory mem, boolean pushCfa, long cfa) throws Unavailable {
        long[] st = new long[MAX_STACK];
        int sp = 0;
        if (pushCfa) {
            st[sp++] = cfa;
        }
        Cursor c = new Cursor(ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN), 0, 0, code.length);
        for (int steps = 0; c.remaining() > 0; steps++) {
            if (steps >= MAX_STEPS) {
                throw new CfiFormatException("DWARF expression ran more than " + MAX_STEPS + " steps");
            }
            int op = c.u8();
            long a, b;
            // pushes check for room; pops check for operands
            if (op >= 0x30 && op <= 0x4f) { // DW_OP_lit0..31
                sp = push(st, sp, op - 0x30);
                continue;
            }
            if (op >= 0x50 && op <= 0x6f) { // DW_OP_reg0..31: the register's value itself
                sp = push(st, sp, reg(regs, op - 0x50));
                continue;
            }
            if (op >= 0x70 && op <= 0x8f) { // DW_OP_breg0..31: register + sleb offset
                long off = c.sleb();
                sp = push(st, sp, reg(regs, op - 0x70) + off);
                continue;
            }
            switch (op) {
                case 0x03: sp = push(st, sp, c.u64()); break; // addr
                case 0x06: // deref
                    need(sp, 1);
                    st[sp - 1] = load(mem, st[sp - 1], 8);
                    break;
                case 0x94: { // deref_size
                    int n = c.u8();
                    if (n < 1 || n > 8) {
                        throw new CfiFormatException("DW_OP_deref_size " + n);
                    }
                    need(sp, 1);
                    st[sp - 1] = load(mem, st[sp - 1], n);
                    break;
                }
                case 0x08: sp = push(st, sp, c.u8()); break; // const1u
                case 0x09: sp = push(st, sp, (byte) c.u8()); break; // const1s
                case 0x0a: sp = push(st, sp, c.u16()); break; // const2u
                case 0x0b: sp = push(st, sp, (short) c.u16()); break; // const2s
                case 0x0c: sp = push(st, sp, c.u32()); break; // const4u
                case 0x0d: sp = push(st, sp, (int) c.u32()); break; // const4s
                case 0x0e: case 0x0f: sp = push(st, sp, c.u64()); break; // const8u/s
                case 0x10: sp = push(st, sp, c.uleb()); break; // constu
                case 0x11: sp = push(st, sp, c.sleb()); break; // consts
                case 0x12: need(sp, 1); sp = push(st, sp, st[sp - 1]); break; // dup
                case 0x13: need(sp, 1); sp--; break; // drop
                case 0x14: need(sp, 2); sp = push(st, sp, st[sp - 2]); break; // over
                case 0x15: { // pick
                    int i = c.u8();
                    need(sp, i + 1);
                    sp = push(st, sp, st[sp - 1 - i]);
                    break;
                }
                case 0x16: need(sp, 2); a = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = a; break; // swap
                case 0x17: // rot: the top entry moves to third place
                    need(sp, 3);
                    a = st[sp - 1];
                    st[sp - 1] = st[sp - 2];
                    st[sp - 2] = st[sp - 3];
                    st[sp - 3] = a;
                    break;
                case 0x19: need(sp, 1); st[sp - 1] = Math.abs(st[sp - 1]); break; // abs
                case 0x1f: need(sp, 1); st[sp - 1] = -st[sp - 1]; break; // neg
                case 0x20: need(sp, 1); st[sp - 1] = ~st[sp - 1]; break; // not
                case 0x23: need(sp, 1); st[sp - 1] += c.uleb(); break; // plus_uconst
                case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x21: case 0x22:
                case 0x24: case 0x25: case 0x26: case 0x27:
                case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e:
                    need(sp, 2);
                    b = st[--sp]; // top
                    a = st[sp - 1]; // second: the left operand
                    st[sp - 1] = binary(op, a, b);
                    break;
                case 0x2f: { // skip
                    int off = (short) c.u16();
                    jump(c, off);
                    break;
                }
                case 0x28: { // bra
                    int off = (short) c.u16();
                    need(sp, 1);
                    if (st[--sp] != 0) {
                        jump(c, off);
                    }
                    break;
                }
                case 0x90: sp = push(st, sp, reg(regs, c.ulebSmall("register"))); break; // regx
                case 0x92: { // bregx
                    int r = c.ulebSmall("register");
                    long off = c.sleb();
                    sp = push(st, sp, reg(regs, r) + off);
                    break;
                }
                case 0x96: break; // nop
                default:
                    throw new CfiFormatException("unsupported DWARF expression op 0x" + Integer.toHexString(op));
            }
        }
        if (sp == 0) {
            throw new CfiFormatException("DWARF expression left an empty stack");
        }
        return st[sp - 1];
    }

    private static long binary(int op, long a, long b) {
        switch (op) {
            case 0x1a: return a & b;
            case 0x1b: // div (signed)
                if (b == 0) {
                    throw new CfiFormatException("DW_OP_div by zero");
                }
                return a / b;
            case 0x1c: return a - b;
            case 0x1d: // mod (unsigned, as libgcc)
                if (b == 0) {
                    throw new CfiFormatException("DW_OP_mod by zero");
                }
                return Long.remainderUnsigned(a, b);
            case 0x1e: return a * b;
            case 0x21: return a | b;
            case 0x22: return a + b;
            case 0x24: return Long.compareUnsigned(b, 64) >= 0 ? 0 : a << b; // shl
            case 0x25: return Long.compareUnsigned(b, 64) >= 0 ? 0 : a >>> b; // shr
            case 0x26: return Long.compareUnsigned(b, 64) >= 0 ? (a < 0 ? -1 : 0) : a >> b; // shra
            case 0x27: return a ^ b;
            // comparisons are signed, result 1 or 0
            case 0x29: return a == b ? 1 : 0;
            case 0x2a: return a >= b ? 1 : 0;
            case 0x2b: return a > b ? 1 : 0;
            case 0x2c: return a <= b ? 1 : 0;
            case 0x2d: return a < b ? 1 : 0;
            case 0x2e: return a != b ? 1 : 0;
            default: throw new IllegalStateException();
        }
    }

    /** skip/bra offsets count from the end of their own operand and must land inside the expression. */
    private static void jump(Cursor c, int off) {
        long target = (long) c.pos + off;
        if (target < 0 || target > c.end) {
            throw new CfiFormatException("DWARF expression branch outside the expression");
        }
        c.pos = (int) target;
    }

    private static int push(long[] st, int sp, long v) {
        if (sp >= st.length) {
            throw new CfiFormatException("DWARF expression stack overflow");
        }
        st[sp] = v;
        return sp + 1;
    }

    private static void need(int sp, int n) {
        if (sp < n) {
            throw new CfiFormatException("DWARF expression stack underflow");
        }
    }

    private static long reg(Regs regs, int r) throws Unavailable {
        if (!regs.isKnown(r)) {
            throw new Unavailable("register " + r + " unknown");
        }
        return regs.get(r);
    }

    private static long load(Memory mem, long addr, int n) throws Unavailable {
        if (n == 8) {
            OptionalLong v = mem.u64(addr);
            if (v.isEmpty()) {
                throw new Unavailable("memory at 0x" + Long.toHexString(addr) + " unreadable");
            }
            return v.getAsLong();
        }
        byte[] b = new byte[n];
        if (mem.read(addr, b, 0, n) != n) {
            throw new Unavailable("memory at 0x" + Long.toHexString(addr) + " unreadable");
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
