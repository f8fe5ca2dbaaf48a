package dev.faultline.core.unwind;

import dev.faultline.core.unwind.UnwindRow.Rule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Oracle: binutils' own CFI interpreter. {@code readelf --debug-dump=frames-interp} prints, for every FDE of
 * libc, the table of rows (LOC CFA rbx rbp ... ra); every row must match {@link EhFrame#rowAt} at its first and
 * last byte, through .eh_frame_hdr and through the scan index alike.
 */
class ReadelfOracleTest {
    private static final Pattern CIE = Pattern.compile("^([0-9a-f]{8}) [0-9a-f]{16} [0-9a-f]{8} CIE\\b.*");
    private static final Pattern FDE = Pattern.compile(
            "^([0-9a-f]{8}) [0-9a-f]{16} [0-9a-f]{8} FDE cie=([0-9a-f]{8}) pc=([0-9a-f]+)\\.\\.([0-9a-f]+)");
    private static final Pattern HEADER = Pattern.compile("^\\s+LOC\\s+CFA\\s*(.*)$");
    private static final Pattern REGISTER_RULE = Pattern.compile("\\br(\\d+) \\([a-z0-9]+\\)");

    /** One CIE or FDE block of readelf's output. */
    static final class Block {
        String cie;
        long lo, hi;
        List<String> columns = List.of();
        List<Long> locs = new ArrayList<>();
        List<Expect> rows = new ArrayList<>();
    }

    private static Map<String, Block> cies;
    private static List<Block> fdes;
    private static TestElf libc;

    @BeforeAll
    static void readelf() throws Exception {
        TestSupport.assumeLibc();
        assumeTrue(TestSupport.onPath("readelf"), "readelf (binutils) is not installed");
        libc = new TestElf(TestSupport.LIBC);
        String out = TestSupport.run(null, "readelf", "--debug-dump=frames-interp",
                "--debug-dump=no-follow-links", TestSupport.LIBC.toString());
        cies = new HashMap<>();
        fdes = new ArrayList<>();
        Block cur = null;
        // plain string tests first: regexes on all ~33k lines would cost more than everything else here
        for (String line : out.split("\n")) {
            Matcher m;
            if (line.length() > 17 && line.charAt(16) == ' ' && isHex(line, 16)) {
                if (cur != null) {
                    // a DW_CFA_register rule prints as "r9 (r9)" / "r1 (rdx)": make it one token "#9" / "#1"
                    String row = line.indexOf('(') < 0 ? line.substring(17)
                            : REGISTER_RULE.matcher(line.substring(17)).replaceAll("#$1");
                    cur.locs.add(Long.parseUnsignedLong(line.substring(0, 16), 16));
                    cur.rows.add(expect(cur.columns, tokens(row)));
                }
            } else if (line.contains(" FDE ") && (m = FDE.matcher(line)).find()) {
                cur = new Block();
                cur.cie = m.group(2);
                cur.lo = Long.parseUnsignedLong(m.group(3), 16);
                cur.hi = Long.parseUnsignedLong(m.group(4), 16);
                fdes.add(cur);
            } else if (line.contains(" CIE") && (m = CIE.matcher(line)).find()) {
                cur = new Block();
                cies.put(m.group(1), cur);
            } else if (cur != null && line.startsWith("   LOC") && (m = HEADER.matcher(line)).find()) {
                cur.columns = List.of(tokens(m.group(1)));
            }
        }
        assertTrue(fdes.size() > 1000, "readelf printed only " + fdes.size() + " FDEs");
    }

    @Test
    void everyReadelfRowMatchesThroughHeaderAndScanIndex() {
        EhFrame withHdr = libc.ehFrame();
        assertTrue(withHdr.usesSearchTable(), "libc's .eh_frame_hdr should be usable");
        TestElf.Section eh = libc.section(".eh_frame");
        EhFrame scanned = EhFrame.parse(dev.faultline.core.Arch.X86_64, libc.bytes(eh), eh.addr(), null, 0);
        assertEquals(withHdr.fdeCount(), scanned.fdeCount(), "FDE count: header table vs scan");

        int rows = 0, lookups = 0, emptyFdes = 0;
        for (Block f : fdes) {
            if (f.lo == f.hi) {
                continue;
            }
            if (f.rows.isEmpty()) {
                // readelf prints nothing for an FDE whose instructions are all nops: the CIE's row applies
                Block c = cies.get(f.cie);
                if (c == null || c.rows.isEmpty()) {
                    continue;
                }
                Expect last = c.rows.get(c.rows.size() - 1);
                for (long pc : new long[] {f.lo, f.hi - 1}) {
                    check(withHdr, pc, last, f.lo, f.hi, f);
                    check(scanned, pc, last, f.lo, f.hi, f);
                    lookups += 2;
                }
                emptyFdes++;
                continue;
            }
            for (int i = 0; i < f.rows.size(); i++) {
                long start = f.locs.get(i);
                long end = i + 1 < f.locs.size() ? f.locs.get(i + 1) : f.hi;
                if (end == start) {
                    continue; // readelf prints a row per advance, even a zero-length one
                }
                check(withHdr, start, f.rows.get(i), start, end, f);
                check(withHdr, end - 1, f.rows.get(i), start, end, f);
                // the scan index only changes how the FDE is found: one pc per row is enough
                check(scanned, start, f.rows.get(i), start, end, f);
                lookups += 3;
                rows++;
            }
        }
        System.out.printf("readelf oracle: %d rows of %d FDEs (+%d nop-only FDEs) compared, %d lookups%n",
                rows, fdes.size(), emptyFdes, lookups);
        assertTrue(rows >= 3000, "compared only " + rows + " rows");
    }

    @Test
    void pcsOutsideEveryFdeHaveNoRow() {
        EhFrame cfi = libc.ehFrame();
        List<long[]> ranges = new ArrayList<>();
        for (Block f : fdes) {
            if (f.lo != f.hi) {
                ranges.add(new long[] {f.lo, f.hi});
            }
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        int gaps = 0;
        for (int i = 0; i + 1 < ranges.size(); i++) {
            long gapStart = ranges.get(i)[1], gapEnd = ranges.get(i + 1)[0];
            if (gapEnd > gapStart) {
                assertNull(cfi.rowAt(gapStart), "no FDE covers 0x" + Long.toHexString(gapStart));
                assertNull(cfi.rowAt(gapEnd - 1), "no FDE covers 0x" + Long.toHexString(gapEnd - 1));
                gaps++;
            }
        }
        assertNull(cfi.rowAt(ranges.get(0)[0] - 1));
        assertNull(cfi.rowAt(ranges.get(ranges.size() - 1)[1]));
        assertNull(cfi.rowAt(0));
        assertNull(cfi.rowAt(-1L));
        assertTrue(gaps > 10, "expected gaps between FDEs in libc, found " + gaps);
    }

    /** One readelf row, decoded once. A null rule stands for readelf's "u" (no rule, or DW_CFA_undefined). */
    record Expect(String text, boolean cfaIsExpression, int cfaReg, long cfaOff, Rule[] rules, long[] operands) {
    }

    private static Expect expect(List<String> columns, String[] row) {
        String text = String.join(" ", columns) + " / " + String.join(" ", row);
        boolean cfaExp = row[0].equals("exp");
        int cfaReg = -1;
        long cfaOff = 0;
        if (!cfaExp) {
            // "rsp+8", "rbp-16": register name, then a signed decimal offset
            int sign = Math.max(row[0].lastIndexOf('+'), row[0].lastIndexOf('-'));
            assertTrue(sign > 0, "unparsed CFA " + row[0]);
            cfaReg = reg(row[0].substring(0, sign));
            cfaOff = Long.parseLong(row[0].substring(sign + (row[0].charAt(sign) == '+' ? 1 : 0)));
        }
        Rule[] rules = new Rule[17];
        long[] ops = new long[17];
        java.util.Arrays.fill(rules, Rule.UNSPECIFIED); // columns readelf doesn't list have no rule at all
        for (int c = 0; c < columns.size(); c++) {
            int col = columns.get(c).equals("ra") ? 16 : reg(columns.get(c));
            String v = row[c + 1];
            switch (v.charAt(0)) {
                case 'u': rules[col] = null; break;
                case 's': rules[col] = Rule.SAME_VALUE; break;
                case 'c': rules[col] = Rule.OFFSET; ops[col] = Long.parseLong(v.substring(1)); break;
                case 'v':
                    if (v.equals("vexp")) {
                        rules[col] = Rule.VAL_EXPRESSION;
                    } else {
                        rules[col] = Rule.VAL_OFFSET;
                        ops[col] = Long.parseLong(v.substring(1));
                    }
                    break;
                case 'e': rules[col] = Rule.EXPRESSION; break;
                case '#': rules[col] = Rule.REGISTER; ops[col] = Integer.parseInt(v.substring(1)); break;
                default: fail("unparsed readelf rule " + v + " in " + text);
            }
        }
        return new Expect(text, cfaExp, cfaReg, cfaOff, rules, ops);
    }

    private static void check(EhFrame cfi, long pc, Expect e, long start, long end, Block f) {
        UnwindRow r = cfi.rowAt(pc);
        // built only when an assertion fails: formatting 100k messages would dominate the test's run time
        Supplier<String> where = () -> String.format("pc 0x%x (FDE 0x%x..0x%x, readelf %s): ours %s", pc,
                f.lo, f.hi, e.text(), r);
        assertNotNull(r, where);
        assertEquals(start, r.startPc(), where);
        assertEquals(end, r.endPc(), where);
        if (e.cfaIsExpression()) {
            assertEquals(UnwindRow.CfaKind.EXPRESSION, r.cfaKind(), where);
        } else {
            assertEquals(UnwindRow.CfaKind.REG_OFFSET, r.cfaKind(), where);
            assertEquals(e.cfaReg(), r.cfaRegister(), where);
            assertEquals(e.cfaOff(), r.cfaOffset(), where);
        }
        for (int col = 0; col < 17; col++) {
            Rule want = e.rules()[col];
            Rule got = r.rule(col);
            if (want == null) {
                assertTrue(got == Rule.UNSPECIFIED || got == Rule.UNDEFINED, where);
                continue;
            }
            assertEquals(want, got, where);
            if (want == Rule.OFFSET || want == Rule.VAL_OFFSET) {
                assertEquals(e.operands()[col], r.offset(col), where);
            } else if (want == Rule.REGISTER) {
                assertEquals(e.operands()[col], r.register(col), where);
            }
        }
    }

    /** Whitespace-separated tokens (String.split's regex is measurably slow over 33k lines on a cold JVM). */
    private static String[] tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && s.charAt(i) != ' ') {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    private static boolean isHex(String s, int n) {
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static int reg(String name) {
        int i = TestSupport.X86_REGS.indexOf(name);
        if (i < 0) {
            fail("unknown register name " + name);
        }
        return i;
    }
}
