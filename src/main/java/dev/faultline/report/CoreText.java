package dev.faultline.report;

import dev.faultline.core.CoreReport;
import dev.faultline.core.Frame;

/** The human report of `faultline core`. Every string from the core passes through {@link Terminal#escape}. */
public final class CoreText {
    private CoreText() {
    }

    private static String e(String s) {
        return s == null ? "?" : Terminal.escape(s);
    }

    /** True when httpd's memory in the core names the directive (file and line) that was running: a config culprit. */
    public static boolean namesCulprit(CoreReport r) {
        return r.httpd() != null && r.httpd().directive() != null && r.httpd().file() != null;
    }

    /** Line 1, answer first as in analyze: "CRASH SIGSEGV in mod_x (fn) ← file:line \"Directive args\"", or that no directive was running. */
    static String answer(CoreReport r) {
        String what = "CRASH " + (r.signal().name() == null ? "?" : r.signal().name()) + " in " + r.culprit().module()
                + (r.culprit().function() != null ? " (" + r.culprit().function() + ")" : "");
        if (!namesCulprit(r)) {
            return "no config culprit: " + what + ": httpd's memory names no directive being run" + (r.phase() == null ? "" : " (phase: " + r.phase() + ")");
        }
        CoreReport.Httpd h = r.httpd();
        return what + " ← " + h.file() + ":" + h.line() + " \"" + (h.args().isEmpty() ? h.directive() : h.directive() + " " + h.args()) + "\""
                + (r.phase() == null ? "" : " [phase: " + r.phase() + "]");
    }

    public static String render(CoreReport r) {
        StringBuilder b = new StringBuilder();
        b.append(TextStyle.clip(e(answer(r)), TextStyle.DEFAULT_WIDTH)).append('\n');
        CoreReport.Process p = r.process();
        b.append("core: ").append(e(r.file()));
        if (!"none".equals(r.compression())) {
            b.append(" (").append(r.compression()).append(")");
        }
        b.append(", ").append(r.arch()).append('\n');
        b.append("process: ").append(e(p.name())).append(" pid ").append(p.pid()).append(" (ppid ").append(p.ppid())
                .append(", uid ").append(p.uid()).append(")  ").append(e(p.executable())).append('\n');
        if (p.args() != null && !p.args().isEmpty()) {
            b.append("command: ").append(e(p.args())).append('\n');
        }
        CoreReport.Signal s = r.signal();
        b.append("signal:  ").append(s.name() == null ? "none" : s.name());
        if (s.codeName() != null) {
            b.append(' ').append(s.codeName());
        }
        if (s.address() != null) {
            b.append(" at 0x").append(Long.toHexString(s.address()));
        }
        if (s.senderPid() != null) {
            b.append(", sent by pid ").append(s.senderPid());
        }
        b.append('\n');
        CoreReport.Fault f = r.fault();
        b.append("fault:   ").append(f.kind()).append(": ").append(e(f.description()));
        if ("sigframe".equals(f.source())) {
            b.append("  [recovered from the kernel signal frame at 0x").append(Long.toHexString(f.sigframeAddress())).append(']');
        }
        b.append('\n');
        b.append("thread:  ").append(r.crashingTid()).append(" — ").append(e(r.crashingThreadReason())).append('\n');
        b.append("culprit: ").append(e(r.culprit().module())).append(r.culprit().function() != null ? " " + e(r.culprit().function()) : "");
        if (r.phase() != null) {
            b.append("  (phase: ").append(r.phase()).append(')');
        }
        b.append('\n');
        CoreReport.Httpd h = r.httpd();
        if (h != null) {
            if (h.directive() != null) {
                b.append("directive being run: ").append(e(h.args().isEmpty() ? h.directive() : h.directive() + " " + h.args()))
                        .append(" at ").append(e(h.file())).append(':').append(h.line())
                        .append(h.directiveModule() != null ? "  (" + e(h.directiveModule()) + ")" : "").append('\n');
            }
            b.append("httpd:   ").append(h.configNodes()).append(" config nodes in ap_conftree");
            if (h.crashModule() != null) {
                b.append("; module at the pc: ").append(e(h.crashModule()));
            }
            b.append('\n');
            for (String problem : h.problems()) {
                b.append("httpd memory: ").append(e(problem)).append('\n');
            }
        }
        b.append("signature: ").append(r.signature().hash()).append("  ").append(e(r.signature().text())).append('\n');
        b.append("\nbacktrace of thread ").append(r.crashingTid()).append(":\n");
        for (Frame fr : r.backtrace()) {
            b.append(String.format("  #%-3d %-7s 0x%016x  %s  %s%n", fr.index(), fr.trust().label(), fr.pc(),
                    e(fr.functionText()), e(fr.moduleOffsetText())));
        }
        b.append("\nthreads (").append(r.threads().size()).append("):\n");
        for (CoreReport.ThreadSummary t : r.threads()) {
            b.append(String.format("  %s %-7d %-24s %s%n", t.crashing() ? "*" : " ", t.tid(), e(t.state()), e(t.where())));
        }
        b.append("\nmodules (").append(r.modules().size()).append("):\n");
        for (CoreReport.ModuleSummary m : r.modules()) {
            b.append(String.format("  0x%012x  %-40s %s %s%n", m.base(), e(m.path()),
                    m.buildId() == null ? "no-build-id" : m.buildId(), m.diskState()));
        }
        for (String w : r.warnings()) {
            b.append("warning: ").append(e(w)).append('\n');
        }
        return b.toString();
    }
}
