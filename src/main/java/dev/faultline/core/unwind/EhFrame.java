package dev.faultline.core.unwind;

import dev.faultline.core.Addresses;
import dev.faultline.core.Arch;
import dev.faultline.core.unwind.UnwindRow.RowState;
import dev.faultline.core.unwind.UnwindRow.Rule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call frame information of one module, read from its {@code .eh_frame} section (GCC/LSB flavour of DWARF
 * .debug_frame), with {@code .eh_frame_hdr}'s sorted search table when there is one.
 *
 * <p>Parsing is lazy: {@link #parse} only checks the header; CIEs are decoded (and cached) the first time an FDE
 * refers to them, FDEs each time a pc falls into them. Without a usable header the section is scanned once, on the
 * first lookup, into a sorted index. Thread-safe. All bounds come from the section itself; bad bytes make
 * {@link #rowAt} throw {@link CfiFormatException} (never anything else, never a hang).
 *
 * <p>Little-endian only (both supported arches); 64-bit only (DW_EH_PE_absptr is 8 bytes).
 */
public final class EhFrame {
    /** How deep DW_CFA_remember_state may nest (real code uses 1-2). */
    private static final int MAX_STATE_DEPTH = 64;
    /** Highest return-address column we accept from a CIE. */
    private static final int MAX_RA_COLUMN = 127;

    private final Arch arch;
    private final ByteBuffer eh;
    private final long ehVaddr;
    private final ByteBuffer hdr;
    private final long hdrVaddr;
    // .eh_frame_hdr search table, when usable (tableCount >= 0)
    private final int tableOff;
    private final int tableCount;
    private final int tableEntrySize;
    private final int tableEnc;

    private final ConcurrentHashMap<Integer, Cie> cies = new ConcurrentHashMap<>();
    private volatile Index index;

    private EhFrame(Arch arch, ByteBuffer eh, long ehVaddr, ByteBuffer hdr, long hdrVaddr,
                    int tableOff, int tableCount, int tableEntrySize, int tableEnc) {
        this.arch = arch;
        this.eh = eh;
        this.ehVaddr = ehVaddr;
        this.hdr = hdr;
        this.hdrVaddr = hdrVaddr;
        this.tableOff = tableOff;
        this.tableCount = tableCount;
        this.tableEntrySize = tableEntrySize;
        this.tableEnc = tableEnc;
    }

    /**
     * @param ehFrame      the bytes of .eh_frame, from its position to its limit (not modified)
     * @param ehFrameVaddr the section's sh_addr (link-time vaddr)
     * @param hdr          the bytes of .eh_frame_hdr, or null
     * @param hdrVaddr     its sh_addr, or 0
     * A header that is malformed, uses an unsearchable table encoding, or does not point at {@code ehFrameVaddr}
     * is ignored (the section is then indexed by scanning). Never throws for bad bytes.
     */
    public static EhFrame parse(Arch arch, ByteBuffer ehFrame, long ehFrameVaddr, ByteBuffer hdr, long hdrVaddr) {
        if (arch == null || ehFrame == null) {
            throw new IllegalArgumentException("arch and ehFrame are required");
        }
        ByteBuffer eh = ehFrame.slice().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer h = hdr == null ? null : hdr.slice().order(ByteOrder.LITTLE_ENDIAN);
        int tOff = 0, tCount = -1, tSize = 0, tEnc = 0;
        if (h != null) {
            try {
                Cursor c = new Cursor(h, hdrVaddr, 0, h.limit());
                int version = c.u8();
                int ehPtrEnc = c.u8();
                int countEnc = c.u8();
                int tableEnc = c.u8();
                if (version == 1 && ehPtrEnc != Cursor.PE_OMIT && countEnc != Cursor.PE_OMIT
                        && tableEnc != Cursor.PE_OMIT) {
                    long ehPtr = c.encoded(ehPtrEnc, hdrVaddr);
                    long count = c.encoded(countEnc, hdrVaddr);
                    int size = fixedSize(tableEnc);
                    int app = tableEnc & 0x70;
                    // binary search needs fixed-size entries whose value does not depend on their position
                    if (ehPtr == ehFrameVaddr && size > 0 && (app == 0 || app == Cursor.PE_DATAREL)
                            && (tableEnc & Cursor.PE_INDIRECT) == 0
                            && count >= 0 && count <= c.remaining() / (2L * size)) {
                        tOff = c.pos;
                        tCount = (int) count;
                        tSize = 2 * size;
                        tEnc = tableEnc;
                    }
                }
            } catch (CfiFormatException e) {
                tCount = -1; // unusable header: fall back to scanning
            }
        }
        return new EhFrame(arch, eh, ehFrameVaddr, h, hdrVaddr, tOff, tCount, tSize, tEnc);
    }

    private static int fixedSize(int enc) {
        switch (enc & 0x0f) {
            case Cursor.PE_UDATA2: case Cursor.PE_SDATA2: return 2;
            case Cursor.PE_UDATA4: case Cursor.PE_SDATA4: return 4;
            case Cursor.PE_ABSPTR: case Cursor.PE_UDATA8: case Cursor.PE_SDATA8: return 8;
            default: return 0;
        }
    }

    public Arch arch() {
        return arch;
    }

    /** True when lookups use .eh_frame_hdr's binary search table. */
    public boolean usesSearchTable() {
        return tableCount >= 0;
    }

    /** Number of FDEs: from the header's table, else from the (lazily built) scan index. */
    public int fdeCount() {
        return tableCount >= 0 ? tableCount : index().start.length;
    }

    /**
     * The CFA and register rules in effect at link-time {@code pc}, or null when no FDE covers it.
     * @throws CfiFormatException when the FDE covering pc (or its CIE) is malformed or unsupported
     */
    public UnwindRow rowAt(long pc) {
        Fde f = findFde(pc);
        return f == null ? null : execute(f, pc);
    }

    // ---------------------------------------------------------------------------------------------- FDE lookup

    private Fde findFde(long pc) {
        if (tableCount >= 0) {
            return findInTable(pc);
        }
        Index ix = index();
        int i = Addresses.floor(ix.start, pc);
        if (i < 0 || Long.compareUnsigned(pc, ix.end[i]) >= 0) {
            return null;
        }
        return parseFde(ix.off[i]);
    }

    private Fde findInTable(long pc) {
        int found = Addresses.floor(tableCount, i -> tableCursor(i).encoded(tableEnc, hdrVaddr), pc);
        if (found < 0) {
            return null;
        }
        Cursor c = tableCursor(found);
        c.encoded(tableEnc, hdrVaddr);
        long fdeAddr = c.encoded(tableEnc, hdrVaddr);
        long off = fdeAddr - ehVaddr;
        if (off < 0 || off >= eh.limit()) {
            throw new CfiFormatException(".eh_frame_hdr points outside .eh_frame: 0x" + Long.toHexString(fdeAddr));
        }
        Fde f = parseFde((int) off);
        if (f == null || Long.compareUnsigned(pc, f.begin) < 0 || Long.compareUnsigned(pc, f.end) >= 0) {
            return null;
        }
        return f;
    }

    private Cursor tableCursor(int i) {
        int at = tableOff + i * tableEntrySize; // cannot overflow: count was checked against the header size
        return new Cursor(hdr, hdrVaddr, at, at + tableEntrySize);
    }


    private static final class Index {
        final long[] start, end;
        final int[] off;

        Index(long[] start, long[] end, int[] off) {
            this.start = start;
            this.end = end;
            this.off = off;
        }
    }

    private Index index() {
        Index ix = index;
        if (ix == null) {
            synchronized (this) {
                ix = index;
                if (ix == null) {
                    index = ix = scan();
                }
            }
        }
        return ix;
    }

    /** One pass over .eh_frame collecting every FDE's pc range; stops at the terminator or a broken length. */
    private Index scan() {
        int n = 0;
        long[] start = new long[64], end = new long[64];
        int[] off = new int[64];
        int pos = 0;
        int limit = eh.limit();
        while (limit - pos >= 4) {
            Entry e;
            try {
                e = entry(pos);
            } catch (CfiFormatException ex) {
                break; // can't find the next entry without a valid length
            }
            if (e == null) {
                break; // zero terminator
            }
            if (e.id != 0) {
                try {
                    Fde f = parseFde(pos, e);
                    if (f.end != f.begin) { // empty ranges are left over from discarded sections
                        if (n == start.length) {
                            // growth follows entries actually present in the section, not a declared count
                            start = Arrays.copyOf(start, n * 2);
                            end = Arrays.copyOf(end, n * 2);
                            off = Arrays.copyOf(off, n * 2);
                        }
                        start[n] = f.begin;
                        end[n] = f.end;
                        off[n] = pos;
                        n++;
                    }
                } catch (CfiFormatException ex) {
                    // skip this FDE (e.g. its CIE uses an unknown augmentation), keep indexing the rest
                }
            }
            pos = e.end;
        }
        long[] s = Arrays.copyOf(start, n), en = Arrays.copyOf(end, n);
        int[] o = Arrays.copyOf(off, n);
        sort(s, en, o);
        return new Index(s, en, o);
    }

    /** Sorts the three parallel arrays by start (unsigned). Output of linkers is nearly sorted already. */
    private static void sort(long[] s, long[] e, int[] o) {
        boolean sorted = true;
        for (int i = 1; i < s.length && sorted; i++) {
            sorted = Long.compareUnsigned(s[i - 1], s[i]) <= 0;
        }
        if (sorted) {
            return;
        }
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compareUnsigned(s[a], s[b]));
        long[] s2 = s.clone(), e2 = e.clone();
        int[] o2 = o.clone();
        for (int i = 0; i < idx.length; i++) {
            s[i] = s2[idx[i]];
            e[i] = e2[idx[i]];
            o[i] = o2[idx[i]];
        }
    }

    // ------------------------------------------------------------------------------------------ CIE / FDE parsing

    /** Header of a CIE or FDE: [start, end) is the whole entry; id is the CIE id / CIE pointer, read at idPos. */
    private static final class Entry {
        int idPos;
        long id;
        int end;
    }

    /** Reads the length and id of the entry at {@code pos}; null for the zero terminator. */
    private Entry entry(int pos) {
        Cursor c = new Cursor(eh, ehVaddr, pos, eh.limit());
        long len = c.u32();
        if (len == 0) {
            return null;
        }
        if (len == 0xffffffffL) {
            len = c.u64(); // 64-bit DWARF; the CIE id / pointer after it stays 4 bytes in .eh_frame (LSB)
        } else if (len >= 0xfffffff0L) {
            throw new CfiFormatException("reserved length 0x" + Long.toHexString(len) + " at " + pos);
        }
        if (len < 4 || len > c.remaining()) {
            throw new CfiFormatException("entry length " + Long.toUnsignedString(len) + " at " + pos
                    + " exceeds the section (" + c.remaining() + " bytes left)");
        }
        Entry e = new Entry();
        e.end = c.pos + (int) len;
        e.idPos = c.pos;
        e.id = c.u32();
        return e;
    }

    static final class Cie {
        int version;
        String augmentation;
        long codeAlign;
        long dataAlign;
        int raColumn;
        int fdeEnc = Cursor.PE_ABSPTR;
        boolean hasAugData;
        boolean signalFrame;
        RowState initial;
    }

    private Cie cie(int off) {
        Cie c = cies.get(off);
        if (c == null) {
            c = parseCie(off);
            cies.putIfAbsent(off, c);
        }
        return c;
    }

    private Cie parseCie(int off) {
        Entry e = entry(off);
        if (e == null || e.id != 0) {
            throw new CfiFormatException("no CIE at .eh_frame offset " + off);
        }
        Cursor c = new Cursor(eh, ehVaddr, e.idPos + 4, e.end);
        Cie cie = new Cie();
        cie.version = c.u8();
        if (cie.version != 1 && cie.version != 3 && cie.version != 4) {
            throw new CfiFormatException("CIE version " + cie.version + " at " + off);
        }
        cie.augmentation = c.cstring(16);
        if (cie.augmentation.contains("eh")) {
            throw new CfiFormatException("obsolete 'eh' augmentation at " + off);
        }
        if (cie.version == 4) {
            int addressSize = c.u8();
            int segmentSize = c.u8();
            if (addressSize != 8 || segmentSize != 0) {
                throw new CfiFormatException("CIE address/segment size " + addressSize + "/" + segmentSize);
            }
        }
        cie.codeAlign = c.uleb();
        cie.dataAlign = c.sleb();
        cie.raColumn = cie.version == 1 ? c.u8() : c.ulebSmall("return address column");
        if (cie.raColumn > MAX_RA_COLUMN) {
            throw new CfiFormatException("return address column " + cie.raColumn);
        }
        String aug = cie.augmentation;
        int augEnd = -1;
        int i = 0;
        if (aug.startsWith("z")) {
            cie.hasAugData = true;
            long len = c.uleb();
            if (len < 0 || len > c.remaining()) {
                throw new CfiFormatException("CIE augmentation data length " + len + " at " + off);
            }
            augEnd = c.pos + (int) len;
            i = 1;
        }
        loop:
        for (; i < aug.length(); i++) {
            switch (aug.charAt(i)) {
                case 'L':
                    c.u8(); // LSDA encoding: only matters for the FDE's augmentation data, which 'z' lets us skip
                    break;
                case 'P': {
                    int enc = c.u8();
                    // the personality routine pointer; indirect ones point into .got, which we can't read: skip
                    c.skipEncoded(enc);
                    break;
                }
                case 'R':
                    cie.fdeEnc = c.u8();
                    break;
                case 'S':
                    cie.signalFrame = true;
                    break;
                case 'B': // AArch64 PAC with the B key
                case 'G': // AArch64 MTE tagged stack frame
                    break;
                default:
                    if (augEnd < 0) {
                        throw new CfiFormatException("unknown augmentation '" + aug + "' at " + off);
                    }
                    break loop; // like libgcc: with 'z' we can skip what we don't understand
            }
        }
        if (augEnd >= 0) {
            if (c.pos > augEnd) {
                throw new CfiFormatException("CIE augmentation data overruns its length at " + off);
            }
            c.pos = augEnd;
        }
        int columns = Math.max(arch.dwarfRegisterCount(), cie.raColumn + 1);
        RowState st = new RowState(columns);
        run(c, st, cie, null, 0, 0, 0);
        cie.initial = st;
        return cie;
    }

    static final class Fde {
        Cie cie;
        long begin;
        long end;
        int instrStart;
        int instrEnd;
    }

    private Fde parseFde(int off) {
        Entry e = entry(off);
        if (e == null) {
            throw new CfiFormatException("terminator where an FDE was expected at " + off);
        }
        if (e.id == 0) {
            throw new CfiFormatException("CIE where an FDE was expected at " + off);
        }
        return parseFde(off, e);
    }

    private Fde parseFde(int off, Entry e) {
        // the CIE pointer is the distance back from the pointer field itself to the CIE
        long cieOff = e.idPos - e.id;
        if (cieOff < 0 || cieOff >= off) {
            throw new CfiFormatException("FDE at " + off + " has a CIE pointer outside the section");
        }
        Fde f = new Fde();
        f.cie = cie((int) cieOff);
        Cursor c = new Cursor(eh, ehVaddr, e.idPos + 4, e.end);
        int enc = f.cie.fdeEnc;
        if ((enc & Cursor.PE_INDIRECT) != 0) {
            throw new CfiFormatException("indirect FDE pc_begin at " + off);
        }
        f.begin = c.encoded(enc, null);
        // pc_range has the same format but is never relative
        f.end = f.begin + c.encodedValue(enc & 0x0f);
        if (f.cie.hasAugData) {
            long len = c.uleb();
            c.skip(len); // LSDA pointer
        }
        f.instrStart = c.pos;
        f.instrEnd = e.end;
        return f;
    }

    // ----------------------------------------------------------------------------------------- CFA instructions

    private UnwindRow execute(Fde f, long pc) {
        RowState st = f.cie.initial.copy();
        Cursor c = new Cursor(eh, ehVaddr, f.instrStart, f.instrEnd);
        long[] range = run(c, st, f.cie, f.cie.initial, f.begin, f.end, pc);
        return new UnwindRow(st, range[0], range[1], f.begin, f.end, f.cie.raColumn, f.cie.signalFrame);
    }

    /**
     * Runs CFA instructions from the cursor until the end or until the location passes {@code pc}.
     * {@code initial} is null while running a CIE's initial instructions (then advances are ignored).
     * Returns {rowStart, rowEnd}. Each instruction consumes at least one byte, so this terminates.
     */
    private long[] run(Cursor c, RowState st, Cie cie, RowState initial, long loc, long fdeEnd, long pc) {
        ArrayDeque<RowState> stack = null;
        long rowStart = loc;
        long rowEnd = fdeEnd;
        final long daf = cie.dataAlign;
        final long caf = cie.codeAlign;
        while (c.remaining() > 0) {
            int op = c.u8();
            int hi = op & 0xc0, low = op & 0x3f;
            long newLoc = 0;
            boolean advance = false;
            if (hi == 0x40) { // DW_CFA_advance_loc
                newLoc = loc + low * caf;
                advance = true;
            } else if (hi == 0x80) { // DW_CFA_offset
                st.set(low, Rule.OFFSET, c.uleb() * daf, null);
            } else if (hi == 0xc0) { // DW_CFA_restore
                restore(st, initial, low);
            } else {
                switch (op) {
                    case 0x00: break; // nop
                    case 0x01: // set_loc
                        newLoc = c.encoded(cie.fdeEnc & ~Cursor.PE_INDIRECT & 0xff, null);
                        advance = true;
                        break;
                    case 0x02: newLoc = loc + c.u8() * caf; advance = true; break;
                    case 0x03: newLoc = loc + c.u16() * caf; advance = true; break;
                    case 0x04: newLoc = loc + c.u32() * caf; advance = true; break;
                    case 0x05: { // offset_extended
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.OFFSET, c.uleb() * daf, null);
                        break;
                    }
                    case 0x06: restore(st, initial, c.ulebSmall("register")); break;
                    case 0x07: st.set(c.ulebSmall("register"), Rule.UNDEFINED, 0, null); break;
                    case 0x08: st.set(c.ulebSmall("register"), Rule.SAME_VALUE, 0, null); break;
                    case 0x09: { // register
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.REGISTER, c.ulebSmall("register"), null);
                        break;
                    }
                    case 0x0a: // remember_state: pushes every rule *and* the CFA (as GCC >= 4.5 and binutils do)
                        if (stack == null) {
                            stack = new ArrayDeque<>();
                        }
                        if (stack.size() >= MAX_STATE_DEPTH) {
                            throw new CfiFormatException("DW_CFA_remember_state nested deeper than " + MAX_STATE_DEPTH);
                        }
                        stack.push(st.copy());
                        break;
                    case 0x0b: { // restore_state
                        if (stack == null || stack.isEmpty()) {
                            throw new CfiFormatException("DW_CFA_restore_state without remember_state");
                        }
                        RowState s = stack.pop();
                        // the PAC state is not part of the remembered rules
                        boolean ra = st.raSigned;
                        copyInto(s, st);
                        st.raSigned = ra;
                        break;
                    }
                    case 0x0c: // def_cfa
                        st.cfaReg = c.ulebSmall("register");
                        st.cfaOff = c.uleb();
                        st.cfaExpr = null;
                        break;
                    case 0x0d: // def_cfa_register: keeps the offset
                        st.cfaReg = c.ulebSmall("register");
                        st.cfaExpr = null;
                        break;
                    case 0x0e: st.cfaOff = c.uleb(); break; // def_cfa_offset: not factored
                    case 0x0f: st.cfaExpr = c.bytes(c.uleb()); break; // def_cfa_expression
                    case 0x10: { // expression
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.EXPRESSION, 0, c.bytes(c.uleb()));
                        break;
                    }
                    case 0x11: { // offset_extended_sf
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.OFFSET, c.sleb() * daf, null);
                        break;
                    }
                    case 0x12: // def_cfa_sf: factored
                        st.cfaReg = c.ulebSmall("register");
                        st.cfaOff = c.sleb() * daf;
                        st.cfaExpr = null;
                        break;
                    case 0x13: st.cfaOff = c.sleb() * daf; break; // def_cfa_offset_sf
                    case 0x14: { // val_offset
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.VAL_OFFSET, c.uleb() * daf, null);
                        break;
                    }
                    case 0x15: { // val_offset_sf
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.VAL_OFFSET, c.sleb() * daf, null);
                        break;
                    }
                    case 0x16: { // val_expression
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.VAL_EXPRESSION, 0, c.bytes(c.uleb()));
                        break;
                    }
                    case 0x2d: // DW_CFA_AARCH64_negate_ra_state (SPARC's GNU_window_save elsewhere)
                        if (arch != Arch.AARCH64) {
                            throw new CfiFormatException("DW_CFA_GNU_window_save is not supported on " + arch.label);
                        }
                        st.raSigned = !st.raSigned;
                        break;
                    case 0x2e: c.uleb(); break; // GNU_args_size: only matters for landing pads
                    case 0x2f: { // GNU_negative_offset_extended
                        int r = c.ulebSmall("register");
                        st.set(r, Rule.OFFSET, -(c.uleb() * daf), null);
                        break;
                    }
                    default:
                        throw new CfiFormatException("unknown CFA instruction 0x" + Integer.toHexString(op));
                }
            }
            if (advance && initial != null) {
                if (Long.compareUnsigned(newLoc, pc) > 0) {
                    // the row built so far covers pc; it ends where the next one starts
                    rowEnd = Long.compareUnsigned(newLoc, fdeEnd) < 0 ? newLoc : fdeEnd;
                    break;
                }
                loc = newLoc;
                rowStart = loc;
            }
        }
        return new long[] {rowStart, rowEnd};
    }

    private static void restore(RowState st, RowState initial, int col) {
        if (initial == null) {
            st.set(col, Rule.UNSPECIFIED, 0, null); // DW_CFA_restore inside a CIE: back to "no rule"
        } else {
            st.restoreFrom(initial, col);
        }
    }

    private static void copyInto(RowState from, RowState to) {
        to.cfaReg = from.cfaReg;
        to.cfaOff = from.cfaOff;
        to.cfaExpr = from.cfaExpr;
        System.arraycopy(from.kind, 0, to.kind, 0, to.kind.length);
        System.arraycopy(from.op, 0, to.op, 0, to.op.length);
        System.arraycopy(from.expr, 0, to.expr, 0, to.expr.length);
    }
}
