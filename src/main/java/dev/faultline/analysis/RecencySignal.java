package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import dev.faultline.model.PathClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Signals 6 and 9: recency among the config-class files the thread read before the anchor, and the path prior. */
final class RecencySignal implements ScoringSignal {

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        recencyAndPrior(window, cands);
    }

    private static void recencyAndPrior(List<FileActivity> window, Map<String, Candidate> cands) {
        int rank = 0;
        Map<String, Boolean> seen = new HashMap<>();
        for (int i = window.size() - 1; i >= 0; i--) {
            FileActivity a = window.get(i);
            if (a.kind != FileActivity.Kind.READ && a.kind != FileActivity.Kind.OPEN) {
                continue;
            }
            if (a.file == null || a.file.pathClass != PathClass.CONFIG && a.file.pathClass != PathClass.INCLUDE) {
                continue;
            }
            if (a.kind == FileActivity.Kind.OPEN && a.file.bytesRead == 0 && a.file.reads == 0) {
                continue; // opened but never read: a probe, or an mmap'd module
            }
            if (seen.putIfAbsent(a.path, Boolean.TRUE) != null) {
                continue;
            }
            Candidate c = cands.computeIfAbsent(a.path, Candidate::new);
            if (rank < Weights.RECENCY.length) {
                String nth = rank == 0 ? "the last" : ordinal(rank + 1) + "-last";
                c.add(new Evidence("recency", Weights.RECENCY[rank], nth + " config-class file the thread read before the anchor")
                        .line(a.source, a.lastLine, a.lastText));
            }
            c.add(new Evidence("path-prior", Weights.PATH_PRIOR, "its name looks like " + (a.file.pathClass == PathClass.CONFIG ? "configuration" : "an include"))
                    .line(a.source, a.file.openedLine, a.file.openedText));
            rank++;
        }
    }

    private static String ordinal(int n) {
        return n == 2 ? "2nd" : n == 3 ? "3rd" : n + "th";
    }
}
