package dev.faultline.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.faultline.analysis.Candidate;
import dev.faultline.analysis.Evidence;
import dev.faultline.analysis.Incident;
import dev.faultline.analysis.Verdict;
import dev.faultline.model.CrashCapture;

/**
 * The human report, answer first: line 1 says what broke and which file and line did it (or that no config file
 * did); under it a few evidence lines, each with its trace or log line number, and the fix. Incidents with the same
 * signature are one group ("×37"); the last line counts the incidents by class. -v adds the candidate table with
 * every signal, -vv each thread's last file activities. Every trace string is escaped; every line fits the width.
 */
public final class TextReport {
    /** At most this many evidence lines under an answer. */
    public static final int EVIDENCE_LINES = 8;
    /** The verdict's reason takes at most this many lines. */
    static final int WHY_LINES = 2;
    /** At most this many pids named in a group's line. */
    static final int GROUP_PIDS = 6;

    private final TextStyle style;

    public TextReport(TextStyle style) {
        this.style = style;
    }

    public TextReport(boolean color) {
        this(new TextStyle(TextStyle.DEFAULT_WIDTH, color, 0));
    }

    private String bold(String s) {
        return style.color() ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    private String red(String s) {
        return style.color() ? "\u001b[1;31m" + s + "\u001b[0m" : s;
    }

    private String dim(String s) {
        return style.color() ? "\u001b[2m" + s + "\u001b[0m" : s;
    }

    /** One line, escaped and cut to the width. */
    private String fit(String s) {
        return TextStyle.clip(Terminal.escape(s), style.width());
    }

    public String render(Report r) {
        StringBuilder sb = new StringBuilder();
        List<List<Incident>> groups = groups(r.incidents);
        if (groups.isEmpty()) {
            List<String> read = new ArrayList<>();
            (r.traced ? r.traces : r.errorLogs).forEach(f -> read.add(fileName(f)));
            sb.append(bold(fit("no incident: no crash and no HTTP 5xx answer in " + String.join(", ", read)))).append('\n');
        }
        int n = 0;
        for (List<Incident> g : groups) {
            if (n++ > 0 && style.verbosity() > 0) {
                sb.append('\n');
            }
            group(sb, g, r);
        }
        if (r.droppedIncidents > 0) {
            sb.append(fit("(" + r.droppedIncidents + " more incidents not analyzed)")).append('\n');
        }
        if (r.accessLog != null) {
            sb.append(fit(accessLog(r.accessLog))).append('\n');
        }
        for (String h : r.hints) {
            sb.append(fit("hint: " + h)).append('\n');
        }
        sb.append(dim(fit(summary(r, groups.size())))).append('\n');
        return sb.toString();
    }

    /**
     * Incidents with the same signature (kind, signal or status, verdict class, culprit, crashing module and
     * function, core signature) in one group each; groups that name a culprit first, else in trace order.
     */
    static List<List<Incident>> groups(List<Incident> incidents) {
        Map<String, List<Incident>> byKey = new LinkedHashMap<>();
        for (Incident inc : incidents) {
            byKey.computeIfAbsent(signature(inc), k -> new ArrayList<>()).add(inc);
        }
        List<List<Incident>> out = new ArrayList<>(byKey.values());
        out.sort(Comparator.comparing(g -> !g.get(0).verdict.namesCulprit()));
        return out;
    }

    private static String signature(Incident inc) {
        Verdict v = inc.verdict;
        return String.join("\u0000", inc.kind.name(), inc.kind == Incident.Kind.CRASH ? String.valueOf(inc.signal) : String.valueOf(inc.status),
                v.kind.name(), v.culprit == null ? "" : v.culprit.path + ":" + v.culprit.line, String.valueOf(v.module),
                String.valueOf(v.function), inc.core == null ? "" : inc.core.signature().hash(), String.valueOf(inc.requestLine));
    }

    /** "CRASH SIGSEGV in mod_x (x_handler)" or "500". */
    private static String what(Incident inc) {
        return what(inc, true);
    }

    private static String what(Incident inc, boolean withFunction) {
        if (inc.kind != Incident.Kind.CRASH) {
            return String.valueOf(inc.status);
        }
        Verdict v = inc.verdict;
        return "CRASH " + inc.signal + (v.module == null ? "" : " in " + v.module + (v.function == null || !withFunction ? "" : " (" + v.function + ")"));
    }

    /** Line 1 of a group: the answer. */
    String answer(Incident inc, Report r) {
        Verdict v = inc.verdict;
        if (!v.namesCulprit()) {
            return "no config culprit: " + (v.kind == Verdict.Kind.CODE ? "application code (" + what(inc) + "): " : what(inc) + ": ")
                    + plainReason(v.reason);
        }
        Candidate c = v.culprit;
        String where = " ← " + shortPath(c.path, r) + (c.line != null ? ":" + c.line : "");
        String head = what(inc, true) + where;
        String tail = String.format(" [%s, %d %%]", v.kind.label(), Math.round(v.confidence * 100))
                + (c.meant != null ? ": unknown directive (did you mean " + c.meant + "?)" : "");
        String text = culpritLineText(v);
        if (text == null) {
            return head + tail;
        }
        // the quoted line gives way first, so that the class and confidence stay on the line
        String quote = text.strip();
        if (head.length() + quote.length() + tail.length() + 3 > style.width()) {
            head = what(inc, false) + where; // the function is on the core's line; the config line matters more
        }
        int room = style.width() - head.length() - tail.length() - 3;
        return room < 8 ? head + tail : head + " \"" + TextStyle.clip(quote, room) + "\"" + tail;
    }

    /** The reason without the words that only make sense beside the candidate table. */
    private static String plainReason(String reason) {
        return reason.replaceFirst("^no config file implicated: ", "").replaceFirst(" \\((weak config )?candidates listed below\\)$", "")
                .replaceFirst("; the files below are only weak candidates$", "");
    }

    /** The culprit line as the evidence quoted it (the config file's own line), or its directive, or null. */
    private static String culpritLineText(Verdict v) {
        Candidate c = v.culprit;
        if (c.line != null) {
            for (Evidence e : c.evidence) {
                for (Evidence.LogLine l : e.log) {
                    if (l.source.equals(c.path) && l.line == c.line) {
                        return l.text;
                    }
                }
            }
        }
        return c.directive;
    }

    /** A path under the server's ServerRoot without it, else the path; cut in the middle to a third of the width. */
    String shortPath(String path, Report r) {
        String p = path;
        if (r.serverRoot != null && p.startsWith(r.serverRoot + "/")) {
            p = p.substring(r.serverRoot.length() + 1);
        }
        return TextStyle.middle(p, Math.max(20, style.width() / 3));
    }

    private void group(StringBuilder sb, List<Incident> g, Report r) {
        Incident inc = g.get(0);
        Verdict v = inc.verdict;
        String answer = fit(answer(inc, r));
        sb.append(v.namesCulprit() ? red(answer) : bold(answer)).append('\n');
        sb.append(fit("  " + context(g))).append('\n');
        if (inc.impact != null) {
            sb.append(fit("  impact: " + inc.impact.errors() + " failed answer(s) to " + inc.impact.request() + " "
                    + inc.impact.byStatus().toString().replaceAll("[{}]", "").replace("=", "×")
                    + (inc.impact.first() == null ? "" : ", " + inc.impact.first() + " to " + inc.impact.last()) + " (access log)")).append('\n');
        }
        for (Evidence.LogLine l : evidence(inc)) {
            sb.append(dim(fit(evidenceLine(l, r)))).append('\n');
        }
        if (v.namesCulprit()) {
            wrap(sb, "  why: ", v.reason, WHY_LINES);
        }
        if (inc.core != null) {
            dev.faultline.core.CoreReport c = inc.core;
            sb.append(fit("  core: " + c.fault().kind() + " in " + c.culprit().module() + (c.culprit().function() == null ? "" : " " + c.culprit().function())
                    + (c.phase() == null ? "" : " (phase: " + c.phase() + ")") + ", signature " + c.signature().hash())).append('\n');
        }
        FixText.append(sb, inc.fix, style.width());
        if (style.verbosity() == 0 && !v.namesCulprit() && !v.candidates.isEmpty()) {
            sb.append(fit("  (-v lists the " + v.candidates.size() + " weaker candidate" + (v.candidates.size() == 1 ? "" : "s") + " and every signal)")).append('\n');
        }
        if (style.verbosity() > 0) {
            detail(sb, inc);
        }
        if (style.verbosity() > 1 && !inc.timelineTail.isEmpty()) {
            sb.append("  timeline (last file activities of tid ").append(inc.tid).append("):\n");
            for (Evidence.LogLine l : inc.timelineTail) {
                sb.append(dim(fit(evidenceLine(l, r)))).append('\n');
            }
        }
    }

    /** {@code text} after {@code label}, wrapped at spaces onto at most {@code max} lines indented like the label, the last one cut. */
    private void wrap(StringBuilder sb, String label, String text, int max) {
        String rest = Terminal.escape(text);
        String indent = " ".repeat(label.length());
        int room = style.width() - label.length();
        for (int i = 0; i < max && !rest.isEmpty(); i++) {
            String line;
            if (rest.length() <= room || i == max - 1) {
                line = TextStyle.clip(rest, room);
                rest = "";
            } else {
                int cut = rest.lastIndexOf(' ', room);
                cut = cut <= room / 2 ? room : cut;
                line = rest.substring(0, cut);
                rest = rest.substring(cut).stripLeading();
            }
            sb.append(i == 0 ? label : indent).append(line).append('\n');
        }
    }

    /** "    f.txt:5564  4402 --- SIGSEGV {…}": a trace by its file name, a config file under ServerRoot; the time of day left out. */
    private String evidenceLine(Evidence.LogLine l, Report r) {
        String where = r.traces.contains(l.source) || r.errorLogs.contains(l.source) ? fileName(l.source) : shortPath(l.source, r);
        return "    " + TextStyle.middle(where, 36) + ":" + l.line + "  " + l.text.strip().replaceFirst("^(\\d+)\\s+\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?\\s+", "$1 ");
    }

    /** A trace or log by its file name (the user named it on the command line; the name is enough to find it). */
    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 || slash == path.length() - 1 ? path : path.substring(slash + 1);
    }

    /** The line under the answer: which processes, which request, how it ended. */
    private static String context(List<Incident> g) {
        Incident inc = g.get(0);
        StringBuilder s = new StringBuilder();
        if (g.size() == 1) {
            s.append("pid ").append(inc.pid).append(inc.tid != inc.pid ? " tid " + inc.tid : "");
        } else {
            s.append("×").append(g.size()).append(" (pids ");
            for (int i = 0; i < Math.min(GROUP_PIDS, g.size()); i++) {
                s.append(i > 0 ? ", " : "").append(g.get(i).pid);
            }
            s.append(g.size() > GROUP_PIDS ? ", …)" : ")");
        }
        if (inc.requestLine != null) {
            s.append(" · ").append(inc.requestLine);
        }
        if (inc.kind == Incident.Kind.CRASH && inc.siginfo != null && inc.siginfo.get("si_code") != null) {
            s.append(" · ").append(inc.siginfo.get("si_code")).append(inc.siginfo.get("si_addr") == null ? "" : " at " + inc.siginfo.get("si_addr"));
        }
        if (inc.outcome != null) {
            s.append(" · ").append(inc.outcome);
        }
        if (inc.verdict.phase != null) {
            s.append(" · phase: ").append(inc.verdict.phase.label);
        }
        if (inc.backend != null) {
            s.append(" · fastcgi ").append(inc.backend.address()).append(inc.backend.workerPid() > 0 ? " worker " + inc.backend.workerPid() : "");
        }
        return s.toString();
    }

    /** The anchor line, the culprit's quoted lines, then the lines after: at most {@link #EVIDENCE_LINES}, no line twice. */
    static List<Evidence.LogLine> evidence(Incident inc) {
        Map<String, Evidence.LogLine> lines = new LinkedHashMap<>();
        List<Evidence.LogLine> all = new ArrayList<>();
        if (inc.text != null) {
            all.add(new Evidence.LogLine(inc.source, inc.line, inc.text));
        }
        if (inc.verdict.namesCulprit()) {
            for (Evidence e : inc.verdict.culprit.evidence) {
                all.addAll(e.log);
            }
        }
        all.addAll(inc.related);
        for (Evidence.LogLine l : all) {
            if (lines.size() == EVIDENCE_LINES) {
                break;
            }
            lines.putIfAbsent(l.source + ":" + l.line, l);
        }
        return new ArrayList<>(lines.values());
    }

    /** -v: what the analysis saw besides the answer: notes, the live capture, the core's frames, every candidate with every signal. */
    private void detail(StringBuilder sb, Incident inc) {
        Verdict v = inc.verdict;
        StringBuilder d = new StringBuilder();
        d.append("  verdict: ").append(v.kind.label()).append(String.format(" (confidence %.2f)", v.confidence));
        if (v.directive != null) {
            d.append("  directive: ").append(v.directive);
        }
        d.append('\n');
        for (String note : inc.notes) {
            d.append("  note: ").append(note).append('\n');
        }
        if (inc.capture != null) {
            capture(d, inc.capture);
        }
        if (inc.core != null) {
            core(d, inc.core);
        }
        if (!v.candidates.isEmpty()) {
            d.append("  candidates:\n");
            int k = 1;
            for (Candidate c : v.candidates) {
                d.append(String.format("   %d. %s  score %d%n", k++, c.path + (c.line != null ? ":" + c.line : ""), c.score));
                for (Evidence e : c.evidence) {
                    d.append("      + ").append(String.format("%-4d", e.weight)).append(e.reason).append('\n');
                    for (Evidence.LogLine l : e.log) {
                        d.append("          ").append(l.source).append(':').append(l.line).append("  ").append(l.text.strip()).append('\n');
                    }
                }
            }
        }
        if (!inc.related.isEmpty()) {
            d.append("  related lines:\n");
            for (Evidence.LogLine l : inc.related) {
                d.append("    ").append(l.source).append(':').append(l.line).append("  ").append(l.text).append('\n');
            }
        }
        // -v shows every signal whole: a long line goes on, indented, on the next ones instead of being cut
        int w = style.width();
        for (String line : d.toString().split("\n")) {
            String rest = Terminal.escape(line);
            String indent = " ".repeat(Math.min(w / 2, rest.length() - rest.stripLeading().length() + 4));
            sb.append(rest, 0, Math.min(w, rest.length())).append('\n');
            rest = rest.length() > w ? rest.substring(w) : "";
            while (!rest.isEmpty()) {
                int take = Math.min(w - indent.length(), rest.length());
                sb.append(indent).append(rest, 0, take).append('\n');
                rest = rest.substring(take);
            }
        }
    }

    private static String accessLog(dev.faultline.analysis.AccessLogImpact a) {
        StringBuilder sb = new StringBuilder("access log: ").append(a.requests()).append(" request(s)")
                .append(a.window() == null ? "" : " in the trace's window").append(", failures: ")
                .append(a.failuresByStatus().isEmpty() ? "none" : a.failuresByStatus().toString().replaceAll("[{}]", "").replace("=", "×"));
        List<dev.faultline.analysis.AccessLogImpact.Impact> worst = a.worst(3);
        if (!worst.isEmpty()) {
            sb.append("; most: ");
            for (int i = 0; i < worst.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(worst.get(i).request()).append(" ").append(worst.get(i).errors());
            }
        }
        return sb.toString();
    }

    /** The last line: the incidents counted by class, and what was read. */
    static String summary(Report r, int groups) {
        Map<Verdict.Kind, Integer> byClass = new EnumMap<>(Verdict.Kind.class);
        for (Incident inc : r.incidents) {
            byClass.merge(inc.verdict.kind, 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder("summary: ").append(r.incidents.size()).append(r.incidents.size() == 1 ? " incident" : " incidents");
        if (groups > 1 && groups < r.incidents.size()) {
            s.append(" in ").append(groups).append(" groups");
        }
        String sep = ": ";
        for (Map.Entry<Verdict.Kind, Integer> e : byClass.entrySet()) {
            s.append(sep).append(e.getKey().label()).append(' ').append(e.getValue());
            sep = ", ";
        }
        if (r.droppedIncidents > 0) {
            s.append(" (+").append(r.droppedIncidents).append(" not analyzed)");
        }
        if (r.traced) {
            s.append(String.format(" · parsed %d lines, %d calls, %d signals; %d unknown lines", r.stats.lines, r.stats.syscalls,
                    r.stats.signals, r.stats.unknownLines));
        }
        return s.toString();
    }

    /**
     * One line for an incident the moment it is known (attach and run print it on stderr while they go on; the full
     * report comes when they end): "HTTP 500 pid 123: missing-include /srv/app/index.php:4".
     */
    public static String summaryLine(Incident inc, dev.faultline.analysis.Verdict v) {
        String head = inc.kind == Incident.Kind.CRASH ? "crash " + inc.signal : "HTTP " + inc.status;
        String what = v == null ? "no verdict yet"
                : v.culprit == null ? v.kind.label() + ": no config culprit"
                : v.kind.label() + " " + v.culprit.path + (v.culprit.line != null ? ":" + v.culprit.line : "");
        return Terminal.escape(head + (inc.pid > 0 ? " pid " + inc.pid : "") + (inc.requestLine != null ? " (" + clip(inc.requestLine) + ")" : "") + ": " + what);
    }

    private static String clip(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    /** The live capture in a few lines: where the pc was, and the files open with their positions. */
    static void capture(StringBuilder sb, CrashCapture c) {
        Long rip = c.register("rip");
        sb.append("  pc:      ").append(rip == null ? "?" : "0x" + Long.toHexString(rip));
        if (c.pcModule != null) {
            sb.append(" in ").append(Terminal.escape(c.pcModule)).append("+0x").append(Long.toHexString(c.pcModuleOffset));
        }
        sb.append("  (").append(c.threads.size()).append(" thread").append(c.threads.size() == 1 ? "" : "s").append(")\n");
        if (c.crashModule != null) {
            sb.append("  httpd module at the pc: ").append(Terminal.escape(c.crashModule)).append('\n');
        }
        if (c.configDirective != null) {
            CrashCapture.ConfigDirective d = c.configDirective;
            sb.append("  directive being run: ").append(Terminal.escape(d.text())).append(" at ")
                    .append(Terminal.escape(d.location())).append(d.module() == null ? "" : "  (" + Terminal.escape(d.module()) + ")")
                    .append('\n');
        }
        if (!c.cmdline.isEmpty()) {
            sb.append("  command: ").append(Terminal.escape(String.join(" ", c.cmdline))).append("  (cwd ")
                    .append(Terminal.escape(String.valueOf(c.cwd))).append(")\n");
        }
        for (CrashCapture.Fd fd : c.fds) {
            if (fd.isFile()) {
                sb.append("  open fd: ").append(fd.fd()).append(" -> ").append(Terminal.escape(fd.path()));
                if (fd.pos() >= 0) {
                    sb.append("  pos ").append(fd.pos()).append(fd.size() >= 0 ? " of " + fd.size() : "");
                }
                sb.append('\n');
            }
        }
        for (String n : c.notes) {
            sb.append("  note:    ").append(Terminal.escape(n)).append('\n');
        }
    }

    /** The core dump in a few lines: the real fault, the culprit, the phase and the top frames. */
    private static void core(StringBuilder sb, dev.faultline.core.CoreReport c) {
        sb.append("  core:    ").append(Terminal.escape(c.file())).append("  signature ").append(c.signature().hash()).append('\n');
        sb.append("  fault:   ").append(c.fault().kind()).append(": ").append(Terminal.escape(c.fault().description()));
        if ("sigframe".equals(c.fault().source())) {
            sb.append(" (from the signal frame; the core's siginfo says ").append(c.signal().codeName()).append(')');
        }
        sb.append('\n');
        sb.append("  in:      ").append(Terminal.escape(String.valueOf(c.culprit().module())));
        if (c.culprit().function() != null) {
            sb.append(' ').append(Terminal.escape(c.culprit().function()));
        }
        if (c.phase() != null) {
            sb.append("  (phase: ").append(c.phase()).append(')');
        }
        sb.append('\n');
        int shown = 0;
        for (dev.faultline.core.Frame f : c.backtrace()) {
            if (shown++ == 4) {
                break;
            }
            sb.append(String.format("    #%d %-7s %s  %s%n", f.index(), f.trust().label(), Terminal.escape(f.functionText()),
                    Terminal.escape(f.moduleOffsetText())));
        }
    }
}
