package dev.faultline.core.unwind;

import java.nio.ByteBuffer;

/**
 * A bounds-checked little-endian reader over [pos, end) of a section. {@code vaddr} is the link-time address of
 * offset 0, used for pc-relative pointers. Every read throws {@link CfiFormatException} instead of running past
 * {@code end}.
 */
final class Cursor {
    /** DW_EH_PE_* pointer encodings (LSB "Linux Standard Base Core Specification", .eh_frame chapter). */
    static final int PE_ABSPTR = 0x00, PE_ULEB128 = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04,
            PE_SLEB128 = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c;
    static final int PE_PCREL = 0x10, PE_TEXTREL = 0x20, PE_DATAREL = 0x30, PE_FUNCREL = 0x40, PE_ALIGNED = 0x50;
    static final int PE_INDIRECT = 0x80, PE_OMIT = 0xff;

    private final ByteBuffer buf;
    private final long vaddr;
    int pos;
    final int end;

    Cursor(ByteBuffer buf, long vaddr, int pos, int end) {
        if (pos < 0 || end < pos || end > buf.limit()) {
            throw new CfiFormatException("range " + pos + ".." + end + " outside section of " + buf.limit());
        }
        this.buf = buf;
        this.vaddr = vaddr;
        this.pos = pos;
        this.end = end;
    }

    int remaining() {
        return end - pos;
    }

    long addressHere() {
        return vaddr + pos;
    }

    private void need(int n) {
        if (n > end - pos) {
            throw new CfiFormatException("truncated: need " + n + " bytes at offset " + pos + ", have " + (end - pos));
        }
    }

    void skip(long n) {
        if (n < 0 || n > end - pos) {
            throw new CfiFormatException("skip of " + n + " bytes at offset " + pos + " runs past " + end);
        }
        pos += (int) n;
    }

    int u8() {
        need(1);
        return buf.get(pos++) & 0xff;
    }

    int u16() {
        need(2);
        int v = (buf.get(pos) & 0xff) | (buf.get(pos + 1) & 0xff) << 8;
        pos += 2;
        return v;
    }

    long u32() {
        need(4);
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (buf.get(pos + i) & 0xff);
        }
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf.get(pos + i) & 0xff);
        }
        pos += 8;
        return v;
    }

    long uleb() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new CfiFormatException("LEB128 longer than 10 bytes at offset " + pos);
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        while (true) {
            int b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
            if ((b & 0x80) == 0) {
                if (shift < 64 && (b & 0x40) != 0) {
                    result |= -1L << shift;
                }
                return result;
            }
            if (shift >= 70) {
                throw new CfiFormatException("LEB128 longer than 10 bytes at offset " + pos);
            }
        }
    }

    /** A uleb128 that names a register or a small count; rejects absurd values. */
    int ulebSmall(String what) {
        long v = uleb();
        if (v < 0 || v > 0xffff) {
            throw new CfiFormatException(what + " out of range: " + Long.toUnsignedString(v));
        }
        return (int) v;
    }

    /** NUL-terminated string of at most {@code max} bytes (ASCII). */
    String cstring(int max) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == 0) {
                return sb.toString();
            }
            if (sb.length() >= max) {
                throw new CfiFormatException("string longer than " + max + " bytes at offset " + pos);
            }
            sb.append((char) c);
        }
    }

    /** The raw value of a pointer in encoding {@code enc}'s format (low 4 bits), without applying pcrel etc. */
    long encodedValue(int enc) {
        switch (enc & 0x0f) {
            case PE_ABSPTR: return u64(); // both supported arches are 64-bit
            case PE_ULEB128: return uleb();
            case PE_UDATA2: return u16();
            case PE_UDATA4: return u32();
            case PE_UDATA8: return u64();
            case PE_SLEB128: return sleb();
            case PE_SDATA2: return (short) u16();
            case PE_SDATA4: return (int) u32();
            case PE_SDATA8: return u64();
            default: throw new CfiFormatException("unsupported pointer encoding 0x" + Integer.toHexString(enc));
        }
    }

    /**
     * A pointer in DW_EH_PE encoding {@code enc}. {@code dataRelBase} is the base for DW_EH_PE_datarel (only
     * meaningful in .eh_frame_hdr, where it is the header's own address); pass null where datarel is not allowed.
     * An indirect pointer (0x80) is returned as the address of the pointer: callers that need the target must
     * reject it, callers that skip the value (personality) just ignore it.
     */
    long encoded(int enc, Long dataRelBase) {
        if (enc == PE_OMIT) {
            throw new CfiFormatException("omitted pointer read");
        }
        int app = enc & 0x70;
        if (app == PE_ALIGNED) {
            // aligned: pad to the natural (8-byte) alignment of the *address*, then an absolute pointer
            long a = addressHere();
            skip((int) ((8 - (a & 7)) & 7));
            return u64();
        }
        long here = addressHere();
        long v = encodedValue(enc);
        switch (app) {
            case 0: return v;
            case PE_PCREL: return v + here;
            case PE_DATAREL:
                if (dataRelBase == null) {
                    throw new CfiFormatException("DW_EH_PE_datarel not supported here");
                }
                return v + dataRelBase;
            default:
                throw new CfiFormatException("unsupported pointer application 0x" + Integer.toHexString(app));
        }
    }

    /** Skips a pointer in encoding {@code enc} without interpreting it (any application, indirect or not). */
    void skipEncoded(int enc) {
        if (enc == PE_OMIT) {
            return;
        }
        if ((enc & 0x70) == PE_ALIGNED) {
            long a = addressHere();
            skip((int) ((8 - (a & 7)) & 7));
            skip(8);
            return;
        }
        encodedValue(enc);
    }

    /** Copies n bytes (n already bounds-checked against the section). */
    byte[] bytes(long n) {
        if (n < 0 || n > end - pos) {
            throw new CfiFormatException("block of " + n + " bytes at offset " + pos + " runs past " + end);
        }
        byte[] out = new byte[(int) n];
        buf.get(pos, out);
        pos += (int) n;
        return out;
    }
}
