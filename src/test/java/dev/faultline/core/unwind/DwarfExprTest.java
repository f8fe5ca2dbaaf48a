package dev.faultline.core.unwind;

import dev.faultline.core.Arch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class DwarfExprTest {
    private static final Regs REGS = Regs.empty(Arch.X86_64).with(7, 0x1000).with(16, 0x2613b).with(0, 5);
    private static final TestSupport.RangeMemory MEM = new TestSupport.RangeMemory().putU64(0x1010, 0xfeed);

    private static long eval(int... code) throws DwarfExpr.Unavailable {
        byte[] b = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            b[i] = (byte) code[i];
        }
        return DwarfExpr.eval(b, REGS, MEM, false, 0);
    }

    @Test
    void pltCfaExpression() throws Exception {
        // DW_OP_breg7 (rsp) 8; DW_OP_breg16 (rip) 0; lit15; and; lit11; ge; lit3; shl; plus
        int[] plt = {0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22};
        assertEquals(0x1010, eval(plt)); // rip & 15 = 11: after the push, CFA = rsp + 16
        Regs early = REGS.with(16, 0x26136);
        byte[] b = new byte[plt.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) plt[i];
        }
        assertEquals(0x1008, DwarfExpr.eval(b, early, MEM, false, 0));
    }

    @Test
    void stackAndArithmeticOps() throws Exception {
        assertEquals(0xfeed, eval(0x77, 0x10, 0x06)); // breg7 16; deref
        assertEquals(0xed, eval(0x77, 0x10, 0x94, 1)); // deref_size 1
        assertEquals(7, eval(0x10, 0x07)); // constu
        assertEquals(-2, eval(0x11, 0x7e)); // consts
        assertEquals(-1, eval(0x09, 0xff)); // const1s
        assertEquals(0xffff, eval(0x0a, 0xff, 0xff)); // const2u
        assertEquals(-2, eval(0x0d, 0xfe, 0xff, 0xff, 0xff)); // const4s
        assertEquals(3, eval(0x33, 0x35, 0x16, 0x1c, 0x1f, 0x1f, 0x35, 0x1c, 0x1f)); // swap, minus, neg
        assertEquals(5 + 20, eval(0x92, 0x00, 0x14)); // bregx r0 20
        assertEquals(5, eval(0x50)); // reg0
        assertEquals(5, eval(0x90, 0x00)); // regx
        // rot: the top moves to third place, 1 2 3 -> 3 1 2
        assertEquals(2, eval(0x31, 0x32, 0x33, 0x17));
        assertEquals(1, eval(0x31, 0x32, 0x33, 0x17, 0x13));
        assertEquals(3, eval(0x31, 0x32, 0x33, 0x17, 0x13, 0x13));
        assertEquals(12, eval(0x32, 0x33, 0x12, 0x22, 0x1e, 0x96)); // dup, plus, mul, nop: 2 * (3 + 3)
        assertEquals(1, eval(0x31, 0x32, 0x14, 0x1c)); // over: 1 2 1 -> 2-1
        assertEquals(1, eval(0x31, 0x32, 0x33, 0x15, 0x02, 0x16, 0x13)); // pick 2 -> 1 2 3 1; swap; drop -> 1 2 1 ... top 1
        assertEquals(3, eval(0x3a, 0x33, 0x1b)); // 10 / 3
        assertEquals(1, eval(0x3a, 0x33, 0x1d)); // 10 mod 3
        assertEquals(-4, eval(0x11, 0x78, 0x31, 0x26)); // -8 shra 1
        assertEquals(1, eval(0x11, 0x7f, 0x30, 0x2d)); // -1 < 0 (signed)
        assertEquals(0, eval(0x33, 0x33, 0x2e)); // ne
        assertEquals(4, eval(0x36, 0x33, 0x21, 0x33, 0x27, 0x20, 0x20)); // (6 | 3) ^ 3, not, not
        assertEquals(8, eval(0x3f, 0x11, 0x78, 0x19, 0x1a)); // abs(-8) & 15
        // skip over a lit, bra taken and not taken
        assertEquals(2, eval(0x32, 0x2f, 0x01, 0x00, 0x35)); // lit2; skip 1; (lit5)
        assertEquals(7, eval(0x31, 0x28, 0x01, 0x00, 0x35, 0x37)); // lit1; bra +1 -> lit7
        assertEquals(7, eval(0x30, 0x28, 0x01, 0x00, 0x37)); // lit0; bra not taken; lit7
        assertEquals(0, eval(0x31, 0x11, 0x40, 0x24)); // shift by 64 -> 0
    }

    @Test
    void unavailableAndMalformed() {
        assertThrows(DwarfExpr.Unavailable.class, () -> eval(0x71, 0x00)); // breg1: rdx unknown
        assertThrows(DwarfExpr.Unavailable.class, () -> eval(0x77, 0x00, 0x06)); // nothing at 0x1000
        assertThrows(CfiFormatException.class, () -> eval()); // empty stack
        assertThrows(CfiFormatException.class, () -> eval(0x22)); // underflow
        assertThrows(CfiFormatException.class, () -> eval(0x31, 0x30, 0x1b)); // div by zero
        assertThrows(CfiFormatException.class, () -> eval(0x31, 0x28, 0xfc, 0xff)); // lit1; bra -4: endless loop
        assertThrows(CfiFormatException.class, () -> eval(0x2f, 0x10, 0x00)); // skip past the end
        assertThrows(CfiFormatException.class, () -> eval(0x77)); // truncated operand
        assertThrows(CfiFormatException.class, () -> eval(0xe0)); // unknown op
        int[] many = new int[DwarfExpr.MAX_STACK + 1];
        assertThrows(CfiFormatException.class, () -> eval(many)); // lit0 x 65: stack overflow
    }

    @Test
    void randomBytecodeOnlyFailsWithTheDocumentedExceptions() {
        Random rnd = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 5000; i++) {
                byte[] code = new byte[1 + rnd.nextInt(24)];
                rnd.nextBytes(code);
                try {
                    DwarfExpr.eval(code, REGS, MEM, rnd.nextBoolean(), 0x1000);
                } catch (CfiFormatException | DwarfExpr.Unavailable expected) {
                    // fine
                }
            }
        });
    }
}
