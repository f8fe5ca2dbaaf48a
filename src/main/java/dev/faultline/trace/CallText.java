package dev.faultline.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Quote-, escape- and bracket-aware scanning of strace call text. strace's text has no machine grammar:
 * file names and buffers may contain {@code ) = }, {@code <unfinished ...>} or unbalanced brackets, so the
 * end of a call is found by a scan that tracks string, comment and {@code -y} decoration state, never by a
 * regular expression over the raw line.
 */
public final class CallText {

    private CallText() {
    }

    /**
     * Finds the {@code )} that closes a call whose arguments start at {@code from} (just after the opening
     * parenthesis), or -1 when the text ends first (an unfinished line, or a string strace did not escape).
     */
    public static int findClose(CharSequence s, int from) {
        int depth = 0;
        int n = s.length();
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    i = skipString(s, i);
                    continue;
                case '(':
                case '[':
                case '{':
                    depth++;
                    break;
                case ')':
                    if (depth == 0) {
                        return i;
                    }
                    depth--;
                    break;
                case ']':
                case '}':
                    if (depth > 0) {
                        depth--;
                    }
                    break;
                case '<':
                    if (i > from && isWordChar(s.charAt(i - 1))) {
                        i = skipDecoration(s, i);
                        continue;
                    }
                    break;
                case '/':
                    if (i + 1 < n && s.charAt(i + 1) == '*') {
                        int end = indexOf(s, "*/", i + 2);
                        i = end < 0 ? n : end + 2;
                        continue;
                    }
                    break;
                default:
                    break;
            }
            i++;
        }
        return -1;
    }

    /** Index just past the closing quote of the string starting at {@code open} (which holds '"'). */
    public static int skipString(CharSequence s, int open) {
        return skipString(s, open, s.length());
    }

    /** {@link #skipString(CharSequence, int)} within {@code s[.., limit)}: returns limit when the string runs past it. */
    static int skipString(CharSequence s, int open, int limit) {
        if (s instanceof String) {
            return skipString((String) s, open, limit);
        }
        int n = limit;
        int i = open + 1;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return n;
    }

    /**
     * The same scan on a String, jumping from quote to quote with {@link String#indexOf(int, int)} (vectorized): a quote
     * ends the string unless an odd run of backslashes comes just before it, since escapes pair up from the left and a
     * run of backslashes always starts on a pair boundary.
     */
    private static int skipString(String s, int open, int limit) {
        int from = open + 1;
        while (true) {
            int q = s.indexOf('"', from);
            if (q < 0 || q >= limit) {
                return limit;
            }
            int k = q - 1;
            while (k > open && s.charAt(k) == '\\') {
                k--;
            }
            if (((q - 1 - k) & 1) == 0) {
                return q + 1;
            }
            from = q + 1;
        }
    }

    /**
     * Index just past a -y/-yy decoration starting at {@code open} ('&lt;'). Decorations nest
     * ({@code 16</dev/null<char 1:3>>}); a raw '&gt;' inside one is either its end or part of a socket's
     * "->" arrow, since strace escapes '&lt;' and '&gt;' in paths as \74 and \76.
     */
    static int skipDecoration(CharSequence s, int open) {
        return skipDecoration(s, open, s.length());
    }

    /** {@link #skipDecoration(CharSequence, int)} within {@code s[.., limit)}. */
    static int skipDecoration(CharSequence s, int open, int limit) {
        int n = limit;
        int depth = 0;
        int i = open;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '<') {
                depth++;
            } else if (c == '>' && !(i > 0 && s.charAt(i - 1) == '-')) {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        return n;
    }

    static boolean isWordChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static int indexOf(CharSequence s, String needle, int from) {
        if (s instanceof String) {
            return ((String) s).indexOf(needle, from);
        }
        return s.toString().indexOf(needle, from);
    }

    /** Splits argument text at top-level commas. */
    public static List<String> splitArgs(String s) {
        int[] b = argBounds(s, 0, s.length());
        List<String> out = new ArrayList<>(Math.max(1, b.length / 2));
        for (int k = 0; k < b.length; k += 2) {
            out.add(s.substring(b[k], b[k + 1]));
        }
        return out;
    }

    /**
     * Where each top-level argument of {@code s[from, to)} starts and ends, trimmed: {start0, end0, start1, end1, ...},
     * the same pieces as {@link #splitArgs} without copying any of them.
     */
    public static int[] argBounds(String s, int from, int to) {
        int[] out = new int[12];
        int count = 0;
        int depth = 0;
        int start = from;
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '"') {
                i = Math.min(to, skipString(s, i, to));
                continue;
            }
            if (c == '<' && i > from && isWordChar(s.charAt(i - 1))) {
                i = Math.min(to, skipDecoration(s, i, to));
                continue;
            }
            if (c == '/' && i + 1 < to && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 || end + 2 > to ? to : end + 2;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                out = addTrimmed(out, count++, s, start, i);
                start = i + 1;
            }
            i++;
        }
        int a = start;
        int b = to;
        while (a < b && s.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && s.charAt(b - 1) <= ' ') {
            b--;
        }
        if (b > a || count > 0) {
            out = addTrimmed(out, count++, s, start, to);
        }
        return out.length == 2 * count ? out : java.util.Arrays.copyOf(out, 2 * count);
    }

    private static int[] addTrimmed(int[] out, int index, String s, int a, int b) {
        while (a < b && s.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && s.charAt(b - 1) <= ' ') {
            b--;
        }
        if (2 * index + 2 > out.length) {
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        out[2 * index] = a;
        out[2 * index + 1] = b;
        return out;
    }

    /**
     * Joins the argument text of an unfinished head and its resumed tail. strace keeps the comma after the
     * last complete argument in the head ({@code read(3, <unfinished ...>}); ltrace puts it in the tail.
     */
    static String joinArgs(String head, String tail) {
        return joinArgs(head, 0, head.length(), tail, 0, tail.length());
    }

    /** {@link #joinArgs(String, String)} of {@code headLine[hf, ht)} and {@code tailLine[tf, tt)}, with one copy. */
    static String joinArgs(String headLine, int hf, int ht, String tailLine, int tf, int tt) {
        // strip() both, in place
        while (hf < ht && Character.isWhitespace(headLine.charAt(hf))) {
            hf++;
        }
        while (ht > hf && Character.isWhitespace(headLine.charAt(ht - 1))) {
            ht--;
        }
        while (tf < tt && Character.isWhitespace(tailLine.charAt(tf))) {
            tf++;
        }
        while (tt > tf && Character.isWhitespace(tailLine.charAt(tt - 1))) {
            tt--;
        }
        if (hf == ht) {
            return tailLine.substring(tf, tt);
        }
        boolean headComma = headLine.charAt(ht - 1) == ',';
        if (tf == tt) {
            return headLine.substring(hf, headComma ? ht - 1 : ht);
        }
        String glue = headComma ? " " : tailLine.charAt(tf) == ',' ? "" : ", ";
        return new StringBuilder(ht - hf + glue.length() + tt - tf).append(headLine, hf, ht).append(glue)
                .append(tailLine, tf, tt).toString();
    }
}
