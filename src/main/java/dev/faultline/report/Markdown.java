package dev.faultline.report;

import dev.faultline.trace.Redactor;

/**
 * Makes untrusted text (paths, log lines, request lines, directive text) safe to put in CommonMark/GFM: secrets
 * masked as in the other reports' inputs, control characters shown as visible escapes (so a newline cannot end a
 * table row or start a heading), and every character that could open markup, HTML or a table cell escaped.
 */
final class Markdown {
    /**
     * ASCII punctuation that could start emphasis, code, a link, HTML, an entity, a table cell or strikethrough,
     * and the {@code @} of an address GFM would turn into a link.
     */
    private static final String SPECIAL = "\\`*_[]<>|&!~#@";

    private Markdown() {
    }

    /** Untrusted text for a paragraph, list item, heading or table cell: shows literally, opens nothing. */
    static String text(String s) {
        String safe = clean(s);
        StringBuilder out = new StringBuilder(safe.length() + 8);
        for (int i = 0; i < safe.length(); i++) {
            char c = safe.charAt(i);
            // "scheme://" with its slashes escaped is no bare URL for GFM to link (it still reads "://")
            boolean urlSlash = c == '/' && i > 0 && (safe.charAt(i - 1) == ':' || safe.charAt(i - 1) == '/' && i > 1 && safe.charAt(i - 2) == ':');
            if (SPECIAL.indexOf(c) >= 0 || urlSlash) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Untrusted text quoted as a code span, delimited by one backtick more than its longest run of backticks (so
     * backticks inside cannot close it). In a table a pipe ends the cell even inside a code span, so it is escaped
     * there; GFM removes that backslash before the span is read. A backslash right before a pipe cannot be kept in
     * a span in a table (GitHub reads it as escaping the escape, and the pipe then ends the cell), so such a quote
     * is written as escaped text instead: exact, only not monospaced.
     */
    static String code(String s, boolean inTable) {
        String safe = clean(s);
        if (safe.isEmpty()) {
            return "(empty)";
        }
        if (inTable && safe.contains("\\|")) {
            return text(s);
        }
        if (inTable) {
            safe = safe.replace("|", "\\|");
        }
        String fence = "`".repeat(longestRun(safe, '`') + 1);
        // a span's content that starts or ends with a backtick needs a space between it and the fence; one space
        // each side is stripped again when the content is not all spaces
        boolean pad = safe.startsWith("`") || safe.endsWith("`") || safe.startsWith(" ") && safe.endsWith(" ");
        return fence + (pad ? " " : "") + safe + (pad ? " " : "") + fence;
    }

    /**
     * Untrusted text as a fenced code block: a fence longer than any run of backticks in it, so no line can close
     * it early, and the content is shown as written (no markup, no HTML). Each line keeps its newline.
     */
    static String block(String info, String s) {
        String safe = Redactor.redact(s == null ? "" : s).replace("\r\n", "\n");
        if (safe.endsWith("\n")) {
            safe = safe.substring(0, safe.length() - 1);
        }
        String fence = "`".repeat(Math.max(3, longestRun(safe, '`') + 1));
        StringBuilder sb = new StringBuilder();
        sb.append(fence).append(info).append('\n');
        for (String line : safe.split("\n", -1)) {
            sb.append(Terminal.escape(line)).append('\n');
        }
        return sb.append(fence).append('\n').toString();
    }

    /** Secrets masked and control characters made visible, before any Markdown escaping. */
    private static String clean(String s) {
        return Terminal.escape(Redactor.redact(s == null ? "" : s));
    }

    private static int longestRun(String s, char c) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == c ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }
}
