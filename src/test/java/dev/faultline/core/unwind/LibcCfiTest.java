package dev.faultline.core.unwind;

import dev.faultline.core.Arch;
import dev.faultline.core.unwind.CfiUnwinder.StepResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real libc: PLT expression, indexing speed, and mutated copies of its CFI. */
class LibcCfiTest {
    private static TestElf libc;

    @BeforeAll
    static void load() throws Exception {
        TestSupport.assumeLibc();
        libc = new TestElf(TestSupport.LIBC);
    }

    @Test
    void pltEntriesUnwindThroughTheCfaExpression() {
        TestElf.Section plt = libc.section(".plt");
        assertNotNull(plt, "libc has a .plt");
        EhFrame cfi = libc.ehFrame();
        long bias = 0x7f12_3456_0000L; // page-aligned, like a real load address
        long rsp = 0x7ffd_0000_1000L;
        TestSupport.RangeMemory mem = new TestSupport.RangeMemory().putU64(rsp, 0xAAAA).putU64(rsp + 8, 0xBBBB);
        int checked = 0;
        // skip PLT0; every other 16-byte entry is jmp *GOT (6 bytes), push n (5), jmp PLT0 (5)
        for (long pc = plt.addr() + 16; pc < plt.addr() + plt.size(); pc++) {
            UnwindRow row = cfi.rowAt(pc);
            assertEquals(UnwindRow.CfaKind.EXPRESSION, row.cfaKind(), row.toString());
            Regs cur = Regs.empty(Arch.X86_64).with(7, rsp).with(16, bias + pc);
            Regs up = CfiUnwinder.step(Arch.X86_64, cfi, bias, cur, mem, true);
            boolean pushed = (pc & 15) >= 11;
            assertNotNull(up, "pc 0x" + Long.toHexString(pc));
            assertEquals(pushed ? 0xBBBB : 0xAAAA, up.pc(), "pc 0x" + Long.toHexString(pc));
            assertEquals(rsp + (pushed ? 16 : 8), up.sp());
            checked++;
        }
        assertTrue(checked > 100);
    }

    @Test
    void indexingWithoutTheHeaderIsFast() {
        TestElf.Section eh = libc.section(".eh_frame");
        EhFrame withHdr = libc.ehFrame();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            EhFrame scanned = EhFrame.parse(Arch.X86_64, libc.bytes(eh), eh.addr(), null, 0);
            assertEquals(withHdr.fdeCount(), scanned.fdeCount());
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("indexed %d FDEs (%d KiB of .eh_frame) in %.2f ms%n", withHdr.fdeCount(),
                eh.size() / 1024, best / 1e6);
        assertTrue(best < 200_000_000L, "indexing libc took " + best / 1_000_000 + " ms");
    }

    /**
     * Flip bytes in copies of libc's .eh_frame / .eh_frame_hdr: lookups may return a row, null, or throw
     * CfiFormatException, and steps never throw; nothing hangs.
     */
    @Test
    void mutatedCfiOnlyFailsWithCfiFormatException() {
        TestElf.Section ehs = libc.section(".eh_frame"), hdrs = libc.section(".eh_frame_hdr");
        byte[] eh0 = new byte[(int) ehs.size()], hdr0 = new byte[(int) hdrs.size()];
        libc.bytes(ehs).get(eh0);
        libc.bytes(hdrs).get(hdr0);
        TestElf.Section text = libc.section(".text");
        Random rnd = new Random(1234);
        int[] outcome = new int[3];
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            byte[] eh = eh0.clone(), hdr = hdr0.clone();
            for (int variant = 0; variant < 40; variant++) {
                System.arraycopy(eh0, 0, eh, 0, eh.length);
                System.arraycopy(hdr0, 0, hdr, 0, hdr.length);
                int flips = 1 + rnd.nextInt(12);
                int around = rnd.nextInt(eh.length);
                for (int i = 0; i < flips; i++) {
                    int at = rnd.nextBoolean() ? rnd.nextInt(eh.length)
                            : Math.min(eh.length - 1, around + rnd.nextInt(64));
                    eh[at] = (byte) rnd.nextInt(256);
                }
                if (variant % 4 == 0) {
                    hdr[rnd.nextInt(hdr.length)] = (byte) rnd.nextInt(256);
                }
                int ehLen = variant % 7 == 0 ? rnd.nextInt(eh.length) : eh.length;
                EhFrame cfi = EhFrame.parse(Arch.X86_64, ByteBuffer.wrap(eh, 0, ehLen), ehs.addr(),
                        variant % 2 == 0 ? ByteBuffer.wrap(hdr) : null, hdrs.addr());
                for (int i = 0; i < 40; i++) {
                    long pc = text.addr() + (long) (rnd.nextDouble() * text.size());
                    try {
                        UnwindRow row = cfi.rowAt(pc);
                        outcome[row == null ? 1 : 0]++;
                    } catch (CfiFormatException e) {
                        outcome[2]++;
                    }
                    Regs cur = Regs.empty(Arch.X86_64).with(7, 0x1000).with(6, rnd.nextLong()).with(16, pc)
                            .with(3, rnd.nextLong());
                    byte[] stack = new byte[256];
                    rnd.nextBytes(stack);
                    StepResult s = CfiUnwinder.tryStep(Arch.X86_64, cfi, 0, cur,
                            new TestSupport.RangeMemory().add(0xf80, stack), rnd.nextBoolean());
                    assertNotNull(s.status());
                }
            }
        });
        System.out.printf("mutated CFI: %d rows, %d no-FDE, %d CfiFormatException%n", outcome[0], outcome[1],
                outcome[2]);
        assertTrue(outcome[0] > 0 && outcome[2] > 0, "the mutations should produce both rows and errors");
    }
}
