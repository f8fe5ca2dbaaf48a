package dev.faultline.trace;

/**
 * Formats bytes the way strace prints a string argument (its {@code string_quote}, default style: no -x), so a
 * captured buffer reads like a strace log line and {@link CString#unescape} gives the bytes back.
 */
public final class StraceQuote {

    private StraceQuote() {
    }

    /**
     * A buffer argument such as write's: the first {@code min(len, cap)} bytes of {@code data} quoted, then
     * {@code ...} when {@code len} was longer. {@code data} may hold fewer bytes (memory read only in part): then
     * only those are shown, and the ellipsis says so.
     */
    public static String quote(byte[] data, int len, int cap) {
        int shown = Math.max(0, Math.min(Math.min(len, cap), data.length));
        StringBuilder out = new StringBuilder(shown + 8);
        appendQuoted(out, data, shown);
        if (len > shown) {
            out.append("...");
        }
        return out.toString();
    }

    /**
     * A NUL-terminated string argument (a path, an execve argument), from the bytes read at its address: the tracer
     * reads {@code cap + 1} bytes to learn whether the string is longer than {@code cap}. Without a NUL within
     * them, the string is cut at {@code cap} (or where the read stopped) and {@code ...} follows.
     */
    public static String quoteCString(byte[] read, int cap) {
        int limit = Math.max(0, Math.min(cap, read.length));
        for (int i = 0; i < limit; i++) {
            if (read[i] == 0) {
                return quote(read, i, i);
            }
        }
        boolean nulRightAfter = limit == cap && read.length > cap && read[cap] == 0;
        StringBuilder out = new StringBuilder(limit + 8);
        appendQuoted(out, read, limit);
        if (!nulRightAfter) {
            out.append("...");
        }
        return out.toString();
    }

    private static void appendQuoted(StringBuilder out, byte[] data, int size) {
        out.append('"');
        for (int i = 0; i < size; i++) {
            int c = data[i] & 0xff;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        out.append((char) c);
                    } else {
                        // shortest octal, unless a digit 0-7 follows and would be read as part of the number
                        boolean octalDigitNext = i + 1 < size && data[i + 1] >= '0' && data[i + 1] <= '7';
                        out.append('\\');
                        if (octalDigitNext || c >= 0100) {
                            out.append((char) ('0' + (c >> 6)));
                        }
                        if (octalDigitNext || c >= 010) {
                            out.append((char) ('0' + ((c >> 3) & 7)));
                        }
                        out.append((char) ('0' + (c & 7)));
                    }
                }
            }
        }
        out.append('"');
    }
}
