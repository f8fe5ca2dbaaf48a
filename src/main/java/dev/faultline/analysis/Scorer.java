package dev.faultline.analysis;

import dev.faultline.httpd.modules.DirectiveCatalog;
import dev.faultline.model.FileActivity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Ranks the files an incident's thread touched, with the signals of BRIEF §2 and the weights in {@link Weights}. */
final class Scorer {

    private final ScoringContext ctx;
    /** The signals, in the order they add evidence (an error message is weighed after what it may confirm). */
    private final List<ScoringSignal> signals;

    Scorer(FileSource files) {
        this.ctx = new ScoringContext(files);
        this.signals = List.of(new RecencySignal(), new ReadInRequestSignal(), new OpenAtFaultSignal(), new OpenAtCrashSignal(ctx),
                new CoreConfigPhaseSignal(), new FailedOpenSignal(ctx), new ErrorMessageSignal(ctx), new ApacheTypoSignal(ctx));
    }

    void catalog(DirectiveCatalog c) {
        ctx.catalog(c);
    }

    /** mod_dir's default DirectoryIndex, until the server's configuration says more. */
    static final Set<String> DEFAULT_DIRECTORY_INDEX = ScoringContext.DEFAULT_DIRECTORY_INDEX;

    /** The names DirectoryIndex lists anywhere in the server's configuration (lower case). */
    void directoryIndex(Set<String> names) {
        ctx.directoryIndex = names;
    }

    Verdict score(Incident inc) {
        List<FileActivity> window = new ArrayList<>();
        for (FileActivity a : inc.timeline) {
            if (inc.windowStartSeq < 0 || a.seq >= inc.windowStartSeq) {
                window.add(a);
            }
        }
        Map<String, Candidate> cands = new LinkedHashMap<>();

        for (ScoringSignal signal : signals) {
            signal.score(inc, window, cands);
        }
        if (inc.kind == Incident.Kind.HTTP_ERROR) {
            for (Candidate c : cands.values()) {
                if (c.score >= Weights.PATH_PRIOR + Weights.RECENCY[Weights.RECENCY.length - 1]) {
                    c.add(new Evidence("http-status", Weights.HTTP_STATUS, "the same thread then answered HTTP " + inc.status)
                            .line(inc.source, inc.line, inc.text));
                }
            }
        }

        List<Candidate> ranked = new ArrayList<>(cands.values());
        ranked.removeIf(c -> c.score <= 0);
        for (Candidate c : ranked) {
            c.evidence.sort(Comparator.comparingInt((Evidence e) -> -e.weight));
        }
        ranked.sort(Comparator.comparingInt((Candidate c) -> -c.score));
        if (ranked.size() > 10) {
            ranked = new ArrayList<>(ranked.subList(0, 10));
        }
        Candidate best = ranked.isEmpty() ? null : ranked.get(0);
        if (best != null && best.code && !best.missingInclude && !best.permission) {
            return new Verdict(Verdict.Kind.CODE, 0.8, null, "no config file implicated: application code: a PHP error in "
                    + best.path + (best.line != null ? " line " + best.line : "") + " (the script to fix, not the configuration)", ranked);
        }
        if (best != null && best.score >= Weights.CULPRIT_THRESHOLD) {
            Verdict.Kind kind = best.permission ? Verdict.Kind.PERMISSION
                    : best.missingInclude ? Verdict.Kind.MISSING_INCLUDE : Verdict.Kind.CONFIG;
            return new Verdict(kind, Weights.confidence(best.score), best, summarize(best), ranked);
        }
        if (inc.kind == Incident.Kind.CRASH) {
            String fault = faultDescription(inc);
            if (inc.stackOverflowHint || stackLikeAddress(inc)) {
                return new Verdict(Verdict.Kind.CODE, inc.stackOverflowHint ? 0.8 : 0.6, null,
                        "no config file implicated: " + fault + " looks like a stack overflow, an application bug"
                                + (best != null ? " (weak config candidates listed below)" : ""), ranked);
            }
            return new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: " + fault
                    + (best == null ? "; the crashing thread touched no config-like file" : "; the files below are only weak candidates"), ranked);
        }
        return new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: the request failed with HTTP " + inc.status
                + (best == null ? " but the thread touched no config-like file" : "; the files below are only weak candidates"), ranked);
    }

    private static String summarize(Candidate c) {
        StringBuilder sb = new StringBuilder();
        for (Evidence e : c.evidence) {
            if (e.weight >= Weights.FAILED_OPEN_OTHER || c.evidence.size() == 1) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(e.reason);
            }
        }
        return sb.length() == 0 ? c.evidence.get(0).reason : sb.toString();
    }

    // -- the fault itself --------------------------------------------------------------------------------

    static String faultDescription(Incident inc) {
        Map<String, String> si = inc.siginfo == null ? Map.of() : inc.siginfo;
        String addr = si.get("si_addr");
        String code = si.get("si_code");
        StringBuilder sb = new StringBuilder(inc.signal == null ? "the crash" : inc.signal);
        if (code != null) {
            sb.append(" (").append(code);
            if (addr != null) {
                sb.append(" at ").append(addr);
            }
            sb.append(")");
        }
        return sb.toString();
    }

    /** A fault address near the top of the user address space, where the main thread's stack lives. */
    static boolean stackLikeAddress(Incident inc) {
        if (inc.siginfo == null) {
            return false;
        }
        String addr = inc.siginfo.get("si_addr");
        if (addr == null || !addr.startsWith("0x")) {
            return false;
        }
        try {
            long a = Long.parseUnsignedLong(addr.substring(2), 16);
            return a >= 0x7ff000000000L && a < 0x800000000000L;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
