package dev.faultline.report;

import dev.faultline.httpd.fix.FixHint;

/** The fix under a verdict in the text report: what to change, as a one-line before and after. */
final class FixText {
    private FixText() {
    }

    /** The fix in two or three lines cut to {@code width}: what to do, then the line before and after (or the chmod). */
    static void append(StringBuilder sb, FixHint h, int width) {
        if (h == null) {
            return;
        }
        line(sb, "  fix: " + h.explanation(), width);
        if (h.isEdit()) {
            line(sb, "       line " + h.line() + ": - " + h.oldLine().strip(), width);
            line(sb, "       line " + h.line() + ": + " + (h.newLine() == null ? "(deleted)" : h.newLine().strip()), width);
        } else {
            FixHint.Access a = h.access();
            String who = a.owner() != null ? "chown " + a.owner() + (a.group() == null ? "" : ":" + a.group()) + " " + h.path() + " && "
                    : a.group() != null ? "chgrp " + a.group() + " " + h.path() + " && " : "";
            line(sb, "       " + who + "chmod " + a.mode() + " " + h.path(), width);
        }
    }

    private static void line(StringBuilder sb, String s, int width) {
        sb.append(TextStyle.clip(Terminal.escape(s), width)).append('\n');
    }
}
