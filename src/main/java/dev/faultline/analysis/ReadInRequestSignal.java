package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import dev.faultline.model.PathClass;
import java.util.List;
import java.util.Map;

/** A crash in a request: the only config file read for it had its settings applied. */
final class ReadInRequestSignal implements ScoringSignal {

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        if (inc.kind == Incident.Kind.CRASH && inc.windowStartSeq >= 0) {
            readInCrashingRequest(inc, window, cands);
        }
    }

    private static void readInCrashingRequest(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        FileActivity only = null;
        for (FileActivity a : window) {
            if (a.kind == FileActivity.Kind.READ && a.file != null && a.file.pathClass == PathClass.CONFIG) {
                if (only != null && !only.path.equals(a.path)) {
                    return; // several config files: nothing singles one out
                }
                only = a;
            }
        }
        Candidate c = only == null ? null : cands.get(only.path);
        if (c != null) {
            c.add(new Evidence("read-in-request", Weights.READ_IN_CRASHING_REQUEST,
                    "the only config file read for the request that crashed"
                            + (inc.requestLine != null ? " (" + inc.requestLine + ")" : "") + ": its settings were applied to it")
                    .line(only.source, only.lastLine, only.lastText));
        }
    }
}
