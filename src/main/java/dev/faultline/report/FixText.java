package dev.faultline.report;

import dev.faultline.httpd.fix.FixHint;

/** The fix under a verdict in the text report: what to change, as a one-line before and after. */
final class FixText {
    private FixText() {
    }

    static void append(StringBuilder sb, FixHint h) {
        if (h == null) {
            return;
        }
        sb.append("  fix:     ").append(Terminal.escape(h.explanation())).append('\n');
        if (h.isEdit()) {
            sb.append("           line ").append(h.line()).append(": - ").append(Terminal.escape(h.oldLine())).append('\n');
            sb.append("           line ").append(h.line()).append(": + ")
                    .append(h.newLine() == null ? "(deleted)" : Terminal.escape(h.newLine())).append('\n');
        } else {
            FixHint.Access a = h.access();
            String who = a.owner() != null ? "chown " + a.owner() + (a.group() == null ? "" : ":" + a.group()) + " " + h.path() + " && "
                    : a.group() != null ? "chgrp " + a.group() + " " + h.path() + " && " : "";
            sb.append("           ").append(Terminal.escape(who + "chmod " + a.mode() + " " + h.path())).append('\n');
        }
        sb.append("           (faultline analyze --fix-format diff|puppet|ansible prints it; faultline fix applies it to a copy)\n");
    }
}
