package dev.faultline.core.unwind;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Little-endian byte writer for hand-built CFI in tests. Positions are section offsets. */
final class CfiBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    int pos() {
        return out.size();
    }

    CfiBytes u8(int... v) {
        for (int b : v) {
            out.write(b);
        }
        return this;
    }

    CfiBytes u16(int v) {
        return u8(v & 0xff, (v >>> 8) & 0xff);
    }

    CfiBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    CfiBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    CfiBytes uleb(long v) {
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return this;
    }

    CfiBytes sleb(long v) {
        while (true) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            out.write(done ? b : b | 0x80);
            if (done) {
                return this;
            }
        }
    }

    CfiBytes cstring(String s) {
        for (char c : s.toCharArray()) {
            out.write(c);
        }
        out.write(0);
        return this;
    }

    CfiBytes bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    byte[] toArray() {
        return out.toByteArray();
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(toArray());
    }

    /** An entry (CIE or FDE): 32-bit length then body; pads the body with DW_CFA_nop to a multiple of 4. */
    static byte[] entry(byte[] body, boolean length64) {
        CfiBytes e = new CfiBytes();
        int padded = (body.length + 3) & ~3;
        if (length64) {
            e.u32(0xffffffffL).u64(padded);
        } else {
            e.u32(padded);
        }
        e.bytes(body);
        for (int i = body.length; i < padded; i++) {
            e.u8(0);
        }
        return e.toArray();
    }
}
