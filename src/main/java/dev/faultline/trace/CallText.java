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
        int n = s.length();
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
     * Index just past a -y/-yy decoration starting at {@code open} ('&lt;'). Decorations nest
     * ({@code 16</dev/null<char 1:3>>}); a raw '&gt;' inside one is either its end or part of a socket's
     * "->" arrow, since strace escapes '&lt;' and '&gt;' in paths as \74 and \76.
     */
    static int skipDecoration(CharSequence s, int open) {
        int n = s.length();
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
        List<String> out = new ArrayList<>(6);
        int depth = 0;
        int start = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                i = skipString(s, i);
                continue;
            }
            if (c == '<' && i > 0 && isWordChar(s.charAt(i - 1))) {
                i = skipDecoration(s, i);
                continue;
            }
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
            i++;
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty() || !out.isEmpty()) {
            out.add(last);
        }
        return out;
    }

    /**
     * Joins the argument text of an unfinished head and its resumed tail. strace keeps the comma after the
     * last complete argument in the head ({@code read(3, <unfinished ...>}); ltrace puts it in the tail.
     */
    static String joinArgs(String head, String tail) {
        String h = head.strip();
        String t = tail.strip();
        if (h.isEmpty()) {
            return t;
        }
        if (t.isEmpty()) {
            return h.endsWith(",") ? h.substring(0, h.length() - 1) : h;
        }
        if (h.endsWith(",")) {
            return h + " " + t;
        }
        if (t.startsWith(",")) {
            return h + t;
        }
        return h + ", " + t;
    }
}
