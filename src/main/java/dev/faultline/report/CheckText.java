package dev.faultline.report;

import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import dev.faultline.httpd.check.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code faultline check} for the terminal: the answer first, then one FAIL block per finding, the passing probes
 * in one compact block, then the notes. Every string from the check is untrusted and goes through
 * {@link Terminal#escape}.
 */
public final class CheckText {
    static final int MAX_EVIDENCE_LINES = 8;
    private static final int WIDTH = 100;
    private static final String RED = "\u001b[1;31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RESET = "\u001b[0m";

    private CheckText() {
    }

    public static String render(CheckResult r, boolean color) {
        StringBuilder sb = new StringBuilder();
        int probes = r.probes().size();
        switch (r.outcome()) {
            case COULD_NOT_RUN -> sb.append(paint("check: could not run: " + Terminal.escape(r.couldNotRun()), RED,
                    color));
            case CLEAN -> sb.append(paint("check: clean (" + count(probes, "probe") + ")", GREEN, color));
            default -> sb.append(paint("check: " + count(r.findings().size(), "finding") + " in "
                    + count(probes, "probe"), RED, color));
        }
        sb.append('\n');
        for (Finding f : r.findings()) {
            finding(sb, f, color);
        }
        passing(sb, r, color);
        for (String n : r.notes()) {
            sb.append(paint("note: ", YELLOW, color)).append(Terminal.escape(n)).append('\n');
        }
        return sb.toString();
    }

    /** {@code FAIL GET /z/ → crash SIGSEGV in fixups ← conf/conf.d/40-z.conf:9 "FaultdemoHandler bogus" [config, 92 %]}. */
    private static void finding(StringBuilder sb, Finding f, boolean color) {
        sb.append(paint("FAIL", RED, color)).append(' ').append(Terminal.escape(f.probe())).append(" → ")
                .append(Terminal.escape(f.kind()));
        if (f.message() != null) {
            sb.append(' ').append(Terminal.escape(f.message()));
        }
        String culprit = CheckRules.culprit(f);
        if (culprit != null) {
            sb.append(" ← ").append(Terminal.escape(culprit));
            String quoted = CheckRules.culpritText(f);
            if (quoted != null) {
                sb.append(" \"").append(Terminal.escape(quoted)).append('"');
            }
        }
        sb.append(" [").append(Terminal.escape(f.verdict())).append(", ").append(CheckRules.percent(f.confidence()))
                .append("]\n");
        if (f.module() != null) {
            sb.append("     module ").append(Terminal.escape(f.module())).append('\n');
        }
        List<Finding.Evidence> evidence = f.evidence() == null ? List.of() : f.evidence();
        for (Finding.Evidence e : evidence.subList(0, Math.min(MAX_EVIDENCE_LINES, evidence.size()))) {
            sb.append("     ").append(Terminal.escape(e.location())).append("  ").append(Terminal.escape(e.text()))
                    .append('\n');
        }
        if (evidence.size() > MAX_EVIDENCE_LINES) {
            sb.append("     … ").append(count(evidence.size() - MAX_EVIDENCE_LINES, "more evidence line"))
                    .append(" (--format json has them all)\n");
        }
        if (f.fix() != null) {
            sb.append("     fix:\n");
            for (String line : f.fix().split("\n", -1)) {
                if (!line.isEmpty()) {
                    sb.append("       ").append(Terminal.escape(line)).append('\n');
                }
            }
        }
    }

    /** {@code ok   configtest · start · GET / 200 · GET /status 200}, wrapped. */
    private static void passing(StringBuilder sb, CheckResult r, boolean color) {
        List<String> names = new ArrayList<>();
        for (Probe p : r.probes()) {
            if (r.findingsOf(p).isEmpty()) {
                names.add(Terminal.escape(p.name()) + (p.status() >= 0 ? " " + p.status() : ""));
            }
        }
        if (names.isEmpty()) {
            return;
        }
        sb.append(paint("ok", GREEN, color)).append("  ");
        int column = 4;
        for (int i = 0; i < names.size(); i++) {
            String item = names.get(i) + (i + 1 < names.size() ? " ·" : "");
            if (column > 4 && column + 1 + item.length() > WIDTH) {
                sb.append("\n    ");
                column = 4;
            } else if (column > 4) {
                sb.append(' ');
                column++;
            }
            sb.append(item);
            column += item.length();
        }
        sb.append('\n');
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String paint(String s, String ansi, boolean color) {
        return color ? ansi + s + RESET : s;
    }
}
