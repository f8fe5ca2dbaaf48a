package dev.faultline.trace;

import java.util.Arrays;
import java.nio.charset.StandardCharsets;

/** Decodes strace's C-escaped strings: {@code \n}, {@code \"}, octal {@code \303\251}, hex {@code \x2f}. */
public final class CString {

    private CString() {
    }

    /** True when strace cut the string at -s ({@code "abc"...}). */
    public static boolean isTruncated(String quoted) {
        return quoted != null && quoted.endsWith("\"...");
    }

    /**
     * The bytes of a quoted strace string (with or without its quotes and trailing "..."), decoded as UTF-8
     * with malformed input replaced. Returns null when the argument is not a quoted string (e.g. a pointer).
     */
    public static String decode(String arg) {
        byte[] b = bytes(arg);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Like {@link #decode} but as raw bytes. */
    public static byte[] bytes(String arg) {
        if (arg == null) {
            return null;
        }
        int start = arg.indexOf('"');
        if (start < 0) {
            return null;
        }
        int end = CallText.skipString(arg, start) - 1;
        if (end <= start) {
            end = arg.length();
        }
        return unescape(arg, start + 1, end);
    }

    /** Unescapes {@code s[from, to)} (no quotes). Characters above 0xff (impossible in Latin-1 input) are UTF-8. */
    public static byte[] unescape(CharSequence s, int from, int to) {
        // one byte per character at most, except the (impossible) characters above 0xff: sized for the common case
        byte[] out = new byte[Math.max(0, to - from)];
        int o = 0;
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= to) {
                if (c < 0x100) {
                    // no room check: the array always has a byte left for each character still to read
                    out[o++] = (byte) c;
                } else {
                    byte[] u = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    out = room(out, o, u.length + (to - i - 1)); // and one byte for each character left
                    System.arraycopy(u, 0, out, o, u.length);
                    o += u.length;
                }
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            i += 2;
            int b;
            switch (e) {
                case 'n': b = '\n'; break;
                case 't': b = '\t'; break;
                case 'r': b = '\r'; break;
                case 'v': b = 0x0b; break;
                case 'f': b = '\f'; break;
                case 'a': b = 0x07; break;
                case 'b': b = '\b'; break;
                case 'e': b = 0x1b; break;
                case 'x': {
                    int v = 0;
                    int k = 0;
                    while (k < 2 && i < to && Character.digit(s.charAt(i), 16) >= 0) {
                        v = v * 16 + Character.digit(s.charAt(i), 16);
                        i++;
                        k++;
                    }
                    b = k == 0 ? 'x' : v;
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int k = 1;
                        while (k < 3 && i < to && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + (s.charAt(i) - '0');
                            i++;
                            k++;
                        }
                        b = v & 0xff;
                    } else {
                        b = e; // as ByteArrayOutputStream.write(int): the low 8 bits
                    }
            }
            out[o++] = (byte) b;
        }
        return o == out.length ? out : Arrays.copyOf(out, o);
    }

    private static byte[] room(byte[] out, int used, int more) {
        return used + more <= out.length ? out : Arrays.copyOf(out, Math.max(16, Math.max(used + more, out.length * 2)));
    }

    /** Decodes a -y decoration's path text (escapes like \74 for '&lt;'). */
    public static String decodePath(String s) {
        if (s.indexOf('\\') < 0) {
            boolean ascii = true;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0x7f) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return s;
            }
        }
        return new String(unescape(s, 0, s.length()), StandardCharsets.UTF_8);
    }
}
