package dev.faultline.report;

import java.util.List;

import dev.faultline.analysis.Candidate;
import dev.faultline.analysis.Evidence;
import dev.faultline.analysis.Incident;
import dev.faultline.analysis.Verdict;
import dev.faultline.model.CrashCapture;

/** The human report: the verdict first, then the evidence with log line numbers. Every trace string is escaped. */
public final class TextReport {
    private final boolean color;

    public TextReport(boolean color) {
        this.color = color;
    }

    private String bold(String s) {
        return color ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    private String red(String s) {
        return color ? "\u001b[1;31m" + s + "\u001b[0m" : s;
    }

    private String dim(String s) {
        return color ? "\u001b[2m" + s + "\u001b[0m" : s;
    }

    public String render(Report r) {
        StringBuilder sb = new StringBuilder();
        if (r.incidents.isEmpty()) {
            sb.append("No crash and no HTTP 5xx answer in ").append(Terminal.escape(String.join(", ", r.traces))).append(".\n");
        }
        int n = 0;
        for (Incident inc : r.incidents) {
            if (n++ > 0) {
                sb.append('\n');
            }
            incident(sb, inc);
        }
        if (r.droppedIncidents > 0) {
            sb.append("\n(").append(r.droppedIncidents).append(" more incidents not analyzed)\n");
        }
        if (r.accessLog != null) {
            dev.faultline.analysis.AccessLogImpact a = r.accessLog;
            sb.append("\naccess log: ").append(a.requests()).append(" request(s)")
                    .append(a.window() == null ? "" : " in the trace's window").append(", failures: ")
                    .append(a.failuresByStatus().isEmpty() ? "none" : a.failuresByStatus().toString().replaceAll("[{}]", "").replace("=", "×"));
            List<dev.faultline.analysis.AccessLogImpact.Impact> worst = a.worst(3);
            if (!worst.isEmpty()) {
                sb.append("; most: ");
                for (int i = 0; i < worst.size(); i++) {
                    sb.append(i > 0 ? ", " : "").append(Terminal.escape(worst.get(i).request())).append(" ").append(worst.get(i).errors());
                }
            }
            sb.append('\n');
        }
        for (String h : r.hints) {
            sb.append("hint: ").append(Terminal.escape(h)).append('\n');
        }
        if (r.traced) {
            sb.append('\n').append(dim(String.format("parsed %d lines, %d calls, %d signals; %d unknown lines",
                    r.stats.lines, r.stats.syscalls, r.stats.signals, r.stats.unknownLines))).append('\n');
        }
        return sb.toString();
    }

    private void incident(StringBuilder sb, Incident inc) {
        String head = inc.kind == Incident.Kind.CRASH
                ? "CRASH  " + inc.signal + siginfoSummary(inc)
                : "HTTP " + inc.status;
        sb.append(red(head)).append("  pid ").append(inc.pid).append(" tid ").append(inc.tid)
                .append("  at ").append(Terminal.escape(inc.source)).append(':').append(inc.line).append('\n');
        if (inc.requestLine != null) {
            sb.append("  request: ").append(Terminal.escape(inc.requestLine)).append('\n');
        }
        if (inc.impact != null) {
            sb.append("  impact:  ").append(inc.impact.errors()).append(" failed answer(s) to ").append(Terminal.escape(inc.impact.request()))
                    .append(" ").append(inc.impact.byStatus().toString().replaceAll("[{}]", "").replace("=", "×"))
                    .append(inc.impact.first() == null ? "" : ", " + inc.impact.first() + " to " + inc.impact.last()).append(" (access log)\n");
        }
        if (inc.backend != null) {
            sb.append("  fastcgi: ").append(Terminal.escape(inc.backend.address()));
            if (inc.backend.script() != null) {
                sb.append(" script ").append(Terminal.escape(inc.backend.script()));
            }
            sb.append(inc.backend.workerPid() > 0 ? ", served by worker pid " + inc.backend.workerPid() : ", its worker is not in the trace")
                    .append('\n');
        }
        if (inc.outcome != null) {
            sb.append("  outcome: ").append(inc.outcome).append('\n');
        }
        if (inc.capture != null) {
            capture(sb, inc.capture);
        }
        if (inc.core != null) {
            core(sb, inc.core);
        }
        Verdict v = inc.verdict;
        sb.append("  verdict: ").append(bold(v.kind.label())).append(String.format(" (confidence %.2f)", v.confidence)).append('\n');
        if (v.phase != null || v.module != null) {
            // the Apache chain, outermost cause last: module → directive → file:line
            StringBuilder chain = new StringBuilder();
            if (v.module != null) {
                chain.append(v.module).append(v.function != null ? " (" + v.function + ")" : "");
            }
            if (v.directive != null) {
                chain.append(chain.length() > 0 ? " → " : "").append(v.directive);
            }
            if (v.culprit != null) {
                chain.append(chain.length() > 0 ? " → " : "").append(v.culprit.path).append(v.culprit.line != null ? ":" + v.culprit.line : "");
            }
            sb.append("  apache:  ").append(bold(Terminal.escape(chain.toString())));
            if (v.phase != null) {
                sb.append("  [phase: ").append(v.phase.label).append(']');
            }
            sb.append('\n');
        }
        if (v.culprit != null) {
            sb.append("  culprit: ").append(bold(Terminal.escape(v.culprit.path) + (v.culprit.line != null ? " line " + v.culprit.line : ""))).append('\n');
            sb.append("  why:     ").append(Terminal.escape(v.reason)).append('\n');
            FixText.append(sb, inc.fix);
        } else {
            sb.append("  ").append(Terminal.escape(v.reason)).append('\n');
        }
        for (String note : inc.notes) {
            sb.append("  note:    ").append(Terminal.escape(note)).append('\n');
        }
        if (!v.candidates.isEmpty()) {
            sb.append("  candidates:\n");
            int k = 1;
            for (Candidate c : v.candidates) {
                if (k > 5) {
                    break;
                }
                sb.append(String.format("   %d. %-50s score %3d%n", k++, Terminal.escape(c.path) + (c.line != null ? ":" + c.line : ""), c.score));
                for (Evidence e : c.evidence) {
                    sb.append("      + ").append(String.format("%-4d", e.weight)).append(Terminal.escape(e.reason)).append('\n');
                    for (Evidence.LogLine l : e.log) {
                        sb.append(dim("          " + Terminal.escape(l.source) + ":" + l.line + "  " + Terminal.escape(clip(l.text)))).append('\n');
                    }
                }
            }
        }
        if (!inc.related.isEmpty()) {
            sb.append("  related lines:\n");
            for (Evidence.LogLine l : inc.related) {
                sb.append(dim("    " + Terminal.escape(l.source) + ":" + l.line + "  " + Terminal.escape(clip(l.text)))).append('\n');
            }
        }
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

    private static String siginfoSummary(Incident inc) {
        if (inc.siginfo == null) {
            return "";
        }
        String code = inc.siginfo.get("si_code");
        String addr = inc.siginfo.get("si_addr");
        if (code == null) {
            return "";
        }
        return " (" + code + (addr != null ? " at " + addr : "") + ")";
    }
}
