package dev.faultline.report;

import dev.faultline.analysis.Incident;
import dev.faultline.analysis.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * A report's incidents grouped by root cause, so that a postmortem tells each cause once however many incidents it
 * made: the same culprit file with the same verdict class, on the same line (or a line only one of them knows);
 * without a culprit, the same verdict class, module, function and reason (pids and counts set aside). The error
 * log's record of a crash the trace also shows (same pid, no culprit of its own) is that crash.
 */
final class RootCauses {
    /**
     * One root cause.
     *
     * @param incidents indexes into the report's incidents, in report order
     * @param lead      the incident whose verdict speaks for the cause: the first that names the culprit's line, else
     *                  the first
     */
    record Cause(List<Integer> incidents, Incident lead) {
    }

    private RootCauses() {
    }

    /** The causes, in the order of their first incident. */
    static List<Cause> of(List<Incident> incidents) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < incidents.size(); i++) {
            List<Integer> target = null;
            for (List<Integer> g : groups) {
                for (int member : g) {
                    if (sameCause(incidents, incidents.get(member), incidents.get(i))) {
                        target = g;
                    }
                }
                if (target != null) {
                    break;
                }
            }
            if (target == null) {
                target = new ArrayList<>();
                groups.add(target);
            }
            target.add(i);
        }
        List<Cause> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            out.add(new Cause(List.copyOf(g), lead(incidents, g)));
        }
        return out;
    }

    private static boolean sameCause(List<Incident> all, Incident a, Incident b) {
        a = traced(all, a);
        b = traced(all, b);
        if (a == b) {
            return true;
        }
        Verdict va = a.verdict;
        Verdict vb = b.verdict;
        if (va == null || vb == null) {
            return va == vb;
        }
        if (va.culprit != null && vb.culprit != null) {
            return va.kind == vb.kind && va.culprit.path.equals(vb.culprit.path)
                    && (va.culprit.line == null || vb.culprit.line == null || va.culprit.line.equals(vb.culprit.line));
        }
        return va.culprit == null && vb.culprit == null && signature(va).equals(signature(vb));
    }

    private static String signature(Verdict v) {
        return v.kind + "\0" + v.module + "\0" + v.function + "\0" + String.valueOf(v.reason).replaceAll("[0-9]+", "N");
    }

    /** The traced crash an error-log crash entry without a culprit records (same pid), else the incident itself. */
    private static Incident traced(List<Incident> all, Incident inc) {
        if (inc.fromErrorLog && inc.kind == Incident.Kind.CRASH && (inc.verdict == null || inc.verdict.culprit == null)) {
            for (Incident t : all) {
                if (!t.fromErrorLog && t.kind == Incident.Kind.CRASH && t.pid == inc.pid) {
                    return t;
                }
            }
        }
        return inc;
    }

    private static Incident lead(List<Incident> all, List<Integer> group) {
        for (int i : group) {
            Verdict v = all.get(i).verdict;
            if (v != null && v.culprit != null && v.culprit.line != null) {
                return all.get(i);
            }
        }
        return all.get(group.get(0));
    }
}
