package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import dev.faultline.model.OpenFile;
import dev.faultline.model.PathClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Signal 3: a config file still open, and being read, when the thread faulted (from the trace). */
final class OpenAtFaultSignal implements ScoringSignal {

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        if (inc.kind == Incident.Kind.CRASH) {
            openAtFault(inc, cands);
        }
    }

    private static void openAtFault(Incident inc, Map<String, Candidate> cands) {
        OpenFile reading = null;
        List<OpenFile> open = new ArrayList<>();
        for (OpenFile f : inc.openFiles.values()) {
            if (f.kind != OpenFile.Kind.FILE || f.pathClass != PathClass.CONFIG || f.lastReaderTid != inc.tid || f.bytesRead == 0) {
                continue;
            }
            if (!open.contains(f)) {
                open.add(f);
            }
            if (reading == null || f.lastReadLine > reading.lastReadLine) {
                reading = f;
            }
        }
        for (OpenFile f : open) {
            Candidate c = cands.computeIfAbsent(f.path, Candidate::new);
            Integer line = f.lineAtPosition();
            if (f == reading) {
                String where = line != null ? "; " + line + " line" + (line == 1 ? "" : "s") + " consumed, so line " + line + " was being parsed" : "";
                c.add(new Evidence("open-at-fault", Weights.OPEN_AT_FAULT,
                        "still open and the last file the crashing thread read when it faulted (" + f.bytesRead + " bytes read" + where + ")")
                        .line(f.source, f.openedLine, f.openedText));
                if (line != null && c.line == null) {
                    c.line = line;
                }
            } else {
                c.add(new Evidence("also-open", Weights.ALSO_OPEN_AT_FAULT, "also open at the fault (an including file?)")
                        .line(f.source, f.openedLine, f.openedText));
            }
        }
    }
}
