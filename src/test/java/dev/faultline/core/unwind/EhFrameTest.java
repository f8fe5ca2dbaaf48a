package dev.faultline.core.unwind;

import dev.faultline.core.Arch;
import dev.faultline.core.unwind.CfiUnwinder.Status;
import dev.faultline.core.unwind.CfiUnwinder.StepResult;
import dev.faultline.core.unwind.UnwindRow.Rule;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built CFI for what libc doesn't exercise: AArch64 + PAC, 64-bit lengths, zPLR, set_loc, a synthetic header. */
class EhFrameTest {
    private static final long EH = 0x2000; // link-time vaddr of the synthetic .eh_frame
    private static final long TEXT = 0x1000;

    /** AArch64 function at TEXT..TEXT+0x40: paciasp; stp x29,x30,[sp,-16]!; mov x29,sp; ... ; ldp; autiasp; ret. */
    private static byte[] aarch64EhFrame() {
        CfiBytes cie = new CfiBytes().u32(0).u8(1).cstring("zR").uleb(4).sleb(-8).u8(30)
                .uleb(1).u8(0x1b) // FDE pointers: pcrel | sdata4
                .u8(0x0c).uleb(31).uleb(0); // def_cfa sp+0
        byte[] cieEntry = CfiBytes.entry(cie.toArray(), false);
        int fdeStart = cieEntry.length;
        CfiBytes fde = new CfiBytes().u32(fdeStart + 4); // CIE pointer: back to offset 0
        long pcBeginField = EH + fdeStart + 8;
        fde.u32(TEXT - pcBeginField).u32(0x40).uleb(0)
                .u8(0x2d) // negate_ra_state (paciasp) at +0
                .u8(0x41) // advance 1*4 -> +4
                .u8(0x0e).uleb(16) // def_cfa_offset 16
                .u8(0x80 | 29).uleb(2) // x29 at cfa-16
                .u8(0x80 | 30).uleb(1) // x30 at cfa-8
                .u8(0x42) // -> +12
                .u8(0x0d).uleb(29) // def_cfa_register x29
                .u8(0x4c) // -> +60
                .u8(0x0c).uleb(31).uleb(0) // def_cfa sp+0
                .u8(0xc0 | 29).u8(0xc0 | 30) // restore x29, x30
                .u8(0x2d); // autiasp
        byte[] fdeEntry = CfiBytes.entry(fde.toArray(), false);
        return new CfiBytes().bytes(cieEntry).bytes(fdeEntry).u32(0).toArray();
    }

    @Test
    void aarch64RowsAndPacStrippingStep() {
        byte[] eh = aarch64EhFrame();
        EhFrame cfi = EhFrame.parse(Arch.AARCH64, ByteBuffer.wrap(eh), EH, null, 0);
        assertEquals(1, cfi.fdeCount());
        UnwindRow r0 = cfi.rowAt(TEXT);
        assertEquals(31, r0.cfaRegister());
        assertEquals(0, r0.cfaOffset());
        assertTrue(r0.raSigned());
        assertEquals(Rule.UNSPECIFIED, r0.rule(30));
        assertEquals(TEXT + 4, r0.endPc());
        UnwindRow r1 = cfi.rowAt(TEXT + 8);
        assertEquals(TEXT + 4, r1.startPc());
        assertEquals(16, r1.cfaOffset());
        assertEquals(Rule.OFFSET, r1.rule(29));
        assertEquals(-16, r1.offset(29));
        assertEquals(-8, r1.offset(30));
        UnwindRow body = cfi.rowAt(TEXT + 20);
        assertEquals(29, body.cfaRegister());
        assertEquals(16, body.cfaOffset());
        assertEquals(30, body.returnAddressColumn());
        UnwindRow epilogue = cfi.rowAt(TEXT + 0x3f);
        assertEquals(31, epilogue.cfaRegister());
        assertEquals(Rule.UNSPECIFIED, epilogue.rule(29));
        assertFalse(epilogue.raSigned());
        assertNull(cfi.rowAt(TEXT + 0x40));
        assertNull(cfi.rowAt(TEXT - 1));

        // step from the body: CFA = x29 + 16; x29 and (signed) lr saved below it
        long fp = 0x7000;
        long signedRa = 0x002a_0000_0040_1234L;
        TestSupport.RangeMemory mem = new TestSupport.RangeMemory().putU64(fp, 0x7100).putU64(fp + 8, signedRa);
        long bias = 0x5500_0000_0000L;
        Regs cur = Regs.empty(Arch.AARCH64).with(29, fp).with(31, fp - 0x20).with(Regs.pcColumn(Arch.AARCH64),
                bias + TEXT + 20);
        Regs caller = CfiUnwinder.step(Arch.AARCH64, cfi, bias, cur, mem, true);
        assertNotNull(caller);
        assertEquals(0x0000_0000_0040_1234L, caller.pc(), "PAC stripped from the return address");
        assertEquals(signedRa, caller.get(30), "x30 keeps the value that was saved");
        assertEquals(0x7100, caller.get(29));
        assertEquals(fp + 16, caller.sp());
        assertTrue(caller.pcIsReturnAddress());
        assertFalse(caller.isKnown(0), "x0 was unknown and has no rule");

        // leaf-style unwind at +0: CFA = sp, lr not saved -> caller pc = x30 ("same value")
        Regs leaf = Regs.empty(Arch.AARCH64).with(31, 0x6000).with(30, 0x0012_0000_0040_2000L)
                .with(Regs.pcColumn(Arch.AARCH64), bias + TEXT);
        Regs up = CfiUnwinder.step(Arch.AARCH64, cfi, bias, leaf, mem, true);
        assertEquals(0x0040_2000L, up.pc());
        assertEquals(0x6000, up.sp());
        // without x30 there is no return address
        assertEquals(Status.RA_UNAVAILABLE, CfiUnwinder.tryStep(Arch.AARCH64, cfi, bias, leaf.without(30), mem,
                true).status());
    }

    @Test
    void searchTableHeaderFindsTheSameRows() {
        byte[] eh = aarch64EhFrame();
        long hdrVaddr = 0x1f00;
        int fdeOff = 4 + ((new CfiBytes().u32(0).u8(1).cstring("zR").uleb(4).sleb(-8).u8(30).uleb(1).u8(0x1b)
                .u8(0x0c).uleb(31).uleb(0).pos() + 3) & ~3);
        CfiBytes hdr = new CfiBytes().u8(1, 0x1b, 0x03, 0x3b);
        hdr.u32(EH - (hdrVaddr + 4)).u32(1).u32(TEXT - hdrVaddr).u32(EH + fdeOff - hdrVaddr);
        EhFrame withHdr = EhFrame.parse(Arch.AARCH64, ByteBuffer.wrap(eh), EH, hdr.buffer(), hdrVaddr);
        assertTrue(withHdr.usesSearchTable());
        assertEquals(1, withHdr.fdeCount());
        EhFrame scanned = EhFrame.parse(Arch.AARCH64, ByteBuffer.wrap(eh), EH, null, 0);
        for (long pc = TEXT - 4; pc < TEXT + 0x48; pc++) {
            assertEquals(String.valueOf(scanned.rowAt(pc)), String.valueOf(withHdr.rowAt(pc)), "pc " + pc);
        }
        // a header that points elsewhere, or has a bad version, is ignored rather than trusted
        hdr = new CfiBytes().u8(1, 0x1b, 0x03, 0x3b).u32(0x1234).u32(1).u32(0).u32(0);
        assertFalse(EhFrame.parse(Arch.AARCH64, ByteBuffer.wrap(eh), EH, hdr.buffer(), hdrVaddr).usesSearchTable());
        hdr = new CfiBytes().u8(2, 0x1b, 0x03, 0x3b);
        EhFrame v2 = EhFrame.parse(Arch.AARCH64, ByteBuffer.wrap(eh), EH, hdr.buffer(), hdrVaddr);
        assertFalse(v2.usesSearchTable());
        assertNotNull(v2.rowAt(TEXT + 4));
        // a header count larger than its table is not believed either
        hdr = new CfiBytes().u8(1, 0x1b, 0x03, 0x3b).u32(EH - (hdrVaddr + 4)).u32(0x7fffffff);
        assertFalse(EhFrame.parse(Arch.AARCH64, ByteBuffer.wrap(eh), EH, hdr.buffer(), hdrVaddr).usesSearchTable());
    }

    /** x86_64 with 64-bit lengths, "zPLR" (indirect personality, LSDA), set_loc and most register rules. */
    @Test
    void x86LongLengthsAugmentationsAndRules() {
        CfiBytes cie = new CfiBytes().u32(0).u8(3).cstring("zPLR").uleb(1).sleb(-8).uleb(16)
                .uleb(7).u8(0x9b).u32(0x12345678) // personality: indirect|pcrel|sdata4, skipped
                .u8(0x1b) // LSDA encoding
                .u8(0x1b) // FDE encoding
                .u8(0x0c).uleb(7).uleb(8).u8(0x90).uleb(1); // def_cfa rsp+8; rip at cfa-8
        byte[] cieEntry = CfiBytes.entry(cie.toArray(), true);
        int fdeStart = cieEntry.length;
        // with a 64-bit length the CIE pointer sits at fdeStart + 12 and is still 4 bytes (LSB)
        CfiBytes fde = new CfiBytes().u32(fdeStart + 12);
        long pcField = EH + fdeStart + 16;
        fde.u32(TEXT - pcField).u32(0x100).uleb(4).u32(0); // LSDA pointer (ignored)
        fde.u8(0x02).u8(5) // advance_loc1 -> +5
                .u8(0x13).sleb(-2) // def_cfa_offset_sf: -2 * -8 = 16
                .u8(0x11).uleb(6).sleb(2) // rbp at cfa-16
                .u8(0x0a) // remember_state
                .u8(0x03).u16(3) // advance_loc2 -> +8
                .u8(0x0f).uleb(3).u8(0x77, 0x10, 0x06) // def_cfa_expression: *(rsp+16)
                .u8(0x14).uleb(3).uleb(1) // rbx = cfa-8 (val_offset)
                .u8(0x09).uleb(12).uleb(0) // r12 in rax
                .u8(0x08).uleb(13) // r13 same value
                .u8(0x07).uleb(14) // r14 undefined
                .u8(0x2e).uleb(16) // GNU_args_size
                .u8(0x2f).uleb(15).uleb(2) // GNU_negative_offset_extended: r15 at cfa+16
                .u8(0x10).uleb(1).uleb(2).u8(0x70, 0x08) // rdx: expression *(rax+8)... pushed CFA ignored
                .u8(0x16).uleb(2).uleb(3).u8(0x23, 0x20, 0x96) // rcx = cfa+32 (val_expression)
                .u8(0x15).uleb(4).sleb(-3) // rsi = cfa+24 (val_offset_sf)
                .u8(0x12).uleb(6).sleb(-2) // def_cfa_sf rbp+16 (replaces the expression)
                .u8(0x05).uleb(8).uleb(3) // r8 at cfa-24 (offset_extended)
                .u8(0x04).u32(8) // advance_loc4 -> +16
                .u8(0x0b) // restore_state: back to CFA rsp+16, rbx etc. unspecified
                .u8(0x01).u32(TEXT + 0x40 - 0) ; // set_loc (pcrel: patched below)
        byte[] body = fde.toArray();
        // patch set_loc's pcrel operand: target TEXT+0x40 relative to the operand's own address
        int setLocOperand = body.length - 4;
        long operandAddr = EH + fdeStart + 12 + setLocOperand;
        long rel = TEXT + 0x40 - operandAddr;
        for (int i = 0; i < 4; i++) {
            body[setLocOperand + i] = (byte) (rel >>> (8 * i));
        }
        CfiBytes tail = new CfiBytes().bytes(body).u8(0x06).uleb(6); // restore_extended rbp (-> unspecified)
        byte[] fdeEntry = CfiBytes.entry(tail.toArray(), true);
        byte[] eh = new CfiBytes().bytes(cieEntry).bytes(fdeEntry).u32(0).toArray();

        EhFrame cfi = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, null, 0);
        assertEquals(1, cfi.fdeCount());
        UnwindRow a = cfi.rowAt(TEXT + 1);
        assertEquals(7, a.cfaRegister());
        assertEquals(8, a.cfaOffset());
        assertEquals(Rule.OFFSET, a.rule(16));
        assertEquals(-8, a.offset(16));

        UnwindRow b = cfi.rowAt(TEXT + 6);
        assertEquals(16, b.cfaOffset());
        assertEquals(-16, b.offset(6));
        assertEquals(TEXT + 5, b.startPc());
        assertEquals(TEXT + 8, b.endPc());

        UnwindRow c = cfi.rowAt(TEXT + 8);
        assertEquals(6, c.cfaRegister());
        assertEquals(16, c.cfaOffset());
        assertEquals(Rule.VAL_OFFSET, c.rule(3));
        assertEquals(-8, c.offset(3));
        assertEquals(Rule.REGISTER, c.rule(12));
        assertEquals(0, c.register(12));
        assertEquals(Rule.SAME_VALUE, c.rule(13));
        assertEquals(Rule.UNDEFINED, c.rule(14));
        assertEquals(Rule.OFFSET, c.rule(15));
        assertEquals(16, c.offset(15));
        assertEquals(Rule.EXPRESSION, c.rule(1));
        assertArrayEquals(new byte[] {0x70, 0x08}, c.expression(1));
        assertEquals(Rule.VAL_EXPRESSION, c.rule(2));
        assertEquals(24, c.offset(4));
        assertEquals(-24, c.offset(8));
        assertEquals(TEXT + 16, c.endPc());

        // step through that row: CFA = rbp+16
        TestSupport.RangeMemory mem = new TestSupport.RangeMemory()
                .putU64(0x8000 - 8, 0x4444) // return address at cfa-8
                .putU64(0x8000 - 24, 0x8888) // r8
                .putU64(0x8000 + 16, 0x1515) // r15
                .putU64(0x9008, 0xdddd); // rdx via *(rax+8)
        Regs cur = Regs.empty(Arch.X86_64).with(16, TEXT + 8).with(6, 0x8000 - 16).with(7, 0x7000)
                .with(0, 0x9000).with(13, 13).with(14, 14).with(5, 55);
        StepResult s = CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, cur, mem, true);
        assertEquals(Status.OK, s.status(), String.valueOf(s));
        Regs up = s.regs();
        assertEquals(0x4444, up.pc());
        assertEquals(0x8000, up.sp());
        assertEquals(0x8000 - 8, up.get(3));
        assertEquals(0x9000, up.get(12));
        assertEquals(13, up.get(13));
        assertFalse(up.isKnown(14));
        assertEquals(0x1515, up.get(15));
        assertEquals(0xdddd, up.get(1));
        assertEquals(0x8000 + 32, up.get(2));
        assertEquals(0x8000 + 24, up.get(4));
        assertEquals(0x8888, up.get(8));
        assertEquals(55, up.get(5), "no rule: same value");
        assertFalse(up.isKnown(9));

        UnwindRow d = cfi.rowAt(TEXT + 16);
        assertEquals(7, d.cfaRegister(), "restore_state brought back the CFA");
        assertEquals(16, d.cfaOffset());
        assertEquals(Rule.UNSPECIFIED, d.rule(3));
        assertEquals(Rule.OFFSET, d.rule(6));
        assertEquals(TEXT + 0x40, d.endPc());

        UnwindRow e = cfi.rowAt(TEXT + 0x40);
        assertEquals(Rule.UNSPECIFIED, e.rule(6), "restore_extended back to the CIE's (no) rule");
        assertEquals(TEXT + 0x100, e.endPc());
    }

    @Test
    void undefinedReturnAddressIsTheOutermostFrame() {
        CfiBytes cie = new CfiBytes().u32(0).u8(1).cstring("zR").uleb(1).sleb(-8).u8(16).uleb(1).u8(0x03)
                .u8(0x0c).uleb(7).uleb(8).u8(0x90).uleb(1);
        byte[] c = CfiBytes.entry(cie.toArray(), false);
        CfiBytes fde = new CfiBytes().u32(c.length + 4).u32(TEXT).u32(0x10).uleb(0).u8(0x07).uleb(16);
        byte[] eh = new CfiBytes().bytes(c).bytes(CfiBytes.entry(fde.toArray(), false)).toArray();
        EhFrame cfi = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, null, 0);
        Regs cur = Regs.empty(Arch.X86_64).with(16, TEXT + 4).with(7, 0x100);
        StepResult s = CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, cur, new TestSupport.RangeMemory(), true);
        assertEquals(Status.RA_UNDEFINED, s.status());
        assertNull(s.regs());
        assertEquals(Status.NO_FDE, CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, cur.with(16, TEXT + 0x10),
                new TestSupport.RangeMemory(), true).status());
        // a return address just past the FDE's end still belongs to it (looked up at pc-1)
        Regs ret = cur.with(16, TEXT + 0x10).withPcIsReturnAddress(true);
        assertEquals(Status.RA_UNDEFINED, CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, ret,
                new TestSupport.RangeMemory(), false).status());
        assertEquals(Status.NO_PC, CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, Regs.empty(Arch.X86_64),
                new TestSupport.RangeMemory(), true).status());
        assertEquals(Status.CFA_UNAVAILABLE, CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, cur.without(7),
                new TestSupport.RangeMemory(), true).status());
    }

    @Test
    void malformedEntriesThrowCfiFormatException() {
        // FDE whose CIE pointer points outside the section
        byte[] eh = new CfiBytes().bytes(CfiBytes.entry(new CfiBytes().u32(0x1000).u32(TEXT).u32(0x10).toArray(),
                false)).toArray();
        EhFrame cfi = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, null, 0);
        assertEquals(0, cfi.fdeCount(), "unusable FDE left out of the index");
        // a CIE with an unknown augmentation and no 'z' cannot be parsed past
        CfiBytes cie = new CfiBytes().u32(0).u8(1).cstring("Q").uleb(1).sleb(-8).u8(16);
        byte[] c = CfiBytes.entry(cie.toArray(), false);
        CfiBytes fde = new CfiBytes().u32(c.length + 4).u64(TEXT).u64(0x10);
        eh = new CfiBytes().bytes(c).bytes(CfiBytes.entry(fde.toArray(), false)).toArray();
        // the header points straight at the FDE, so the bad CIE is only met at lookup time
        long hdrVaddr = 0x1f00;
        CfiBytes hdr = new CfiBytes().u8(1, 0x1b, 0x03, 0x3b).u32(EH - (hdrVaddr + 4)).u32(1)
                .u32(TEXT - hdrVaddr).u32(EH + c.length - hdrVaddr);
        EhFrame viaHdr = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, hdr.buffer(), hdrVaddr);
        assertTrue(viaHdr.usesSearchTable());
        assertThrows(CfiFormatException.class, () -> viaHdr.rowAt(TEXT));
        assertEquals(Status.BAD_CFI, CfiUnwinder.tryStep(Arch.X86_64, viaHdr, 0,
                Regs.empty(Arch.X86_64).with(16, TEXT).with(7, 0), new TestSupport.RangeMemory(), true).status());
        // restore_state with nothing remembered
        cie = new CfiBytes().u32(0).u8(1).cstring("").uleb(1).sleb(-8).u8(16).u8(0x0c).uleb(7).uleb(8);
        c = CfiBytes.entry(cie.toArray(), false);
        fde = new CfiBytes().u32(c.length + 4).u64(TEXT).u64(0x10).u8(0x0b);
        eh = new CfiBytes().bytes(c).bytes(CfiBytes.entry(fde.toArray(), false)).toArray();
        EhFrame bad = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, null, 0);
        assertEquals(1, bad.fdeCount());
        assertThrows(CfiFormatException.class, () -> bad.rowAt(TEXT + 1));
        // remember_state nested without bound
        CfiBytes deep = new CfiBytes().u32(c.length + 4).u64(TEXT).u64(0x10);
        for (int i = 0; i < 1000; i++) {
            deep.u8(0x0a);
        }
        eh = new CfiBytes().bytes(c).bytes(CfiBytes.entry(deep.toArray(), false)).toArray();
        EhFrame deepCfi = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, null, 0);
        assertThrows(CfiFormatException.class, () -> deepCfi.rowAt(TEXT + 1));
        // an entry length running past the section: the scan stops there
        eh = new CfiBytes().u32(0x7fff_0000).u32(0).toArray();
        assertEquals(0, EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh), EH, null, 0).fdeCount());
    }
}
