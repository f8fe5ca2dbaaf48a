package dev.faultline.report;

/**
 * Makes untrusted text (paths and buffers from a trace) safe for a terminal: control characters, escape
 * sequences and other invisible code points are shown as visible escapes so a hostile file name cannot move
 * the cursor, change colours or hide text.
 */
public final class Terminal {
    private Terminal() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
            if (bad) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16);
                    out.append(s, 0, i);
                }
                switch (c) {
                    case '\n': out.append("\\n"); break;
                    case '\t': out.append("\\t"); break;
                    case '\r': out.append("\\r"); break;
                    default: out.append(String.format("\\u%04x", (int) c));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
