package dev.faultline.core;

/** Little-endian field access on byte arrays, bounds-checked: a field outside the array is a corrupt structure. */
final class Le {
    private Le() {
    }

    static int u8(byte[] b, int off) {
        check(b, off, 1);
        return b[off] & 0xff;
    }

    static int u16(byte[] b, int off) {
        check(b, off, 2);
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    static int s32(byte[] b, int off) {
        check(b, off, 4);
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static long u32(byte[] b, int off) {
        return s32(b, off) & 0xffffffffL;
    }

    static long u64(byte[] b, int off) {
        check(b, off, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** A NUL-terminated string inside [off, off+max), decoded as Latin-1 so every byte survives. */
    static String cstring(byte[] b, int off, int max) {
        if (off < 0 || off >= b.length) {
            return "";
        }
        int end = off;
        int limit = (int) Math.min((long) off + Math.max(0, max), b.length);
        while (end < limit && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void check(byte[] b, int off, int len) {
        if (off < 0 || off > b.length - len) {
            throw new ElfFormatException("field at " + off + " (" + len + " bytes) lies outside a " + b.length + "-byte structure");
        }
    }
}
