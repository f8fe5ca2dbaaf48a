package dev.faultline.analysis;

import dev.faultline.model.CrashCapture;
import dev.faultline.model.FileActivity;
import dev.faultline.model.PathClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Signal 3, live: the crashed process's fd table at the signal-delivery-stop. */
final class OpenAtCrashSignal implements ScoringSignal {
    private final ScoringContext ctx;

    OpenAtCrashSignal(ScoringContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        if (inc.kind == Incident.Kind.CRASH && inc.capture != null) {
            openAtCrash(inc, cands);
        }
    }

    /**
     * A live capture lists every fd of the crashed process with its read position (/proc/PID/fdinfo). A config
     * file still open there is usually the one being parsed; among several, the highest fd is the most recently
     * opened (an include inside its includer). The position gives the line when the reader stopped mid-file.
     */
    private void openAtCrash(Incident inc, Map<String, Candidate> cands) {
        CrashCapture.Fd reading = null;
        List<CrashCapture.Fd> open = new ArrayList<>();
        for (CrashCapture.Fd fd : inc.capture.fds) {
            if (!fd.isFile() || PathClass.of(fd.path()) != PathClass.CONFIG || fd.pos() <= 0) {
                continue;
            }
            open.add(fd);
            if (reading == null || fd.fd() > reading.fd()) {
                reading = fd;
            }
        }
        for (CrashCapture.Fd fd : open) {
            Candidate existing = cands.get(fd.path());
            if (existing != null && (existing.has("open-at-fault") || existing.has("also-open"))) {
                continue; // the trace already showed it open at the fault
            }
            Candidate c = cands.computeIfAbsent(fd.path(), Candidate::new);
            String where = "fd " + fd.fd() + ", read position " + fd.pos() + (fd.size() >= 0 ? " of " + fd.size() + " bytes" : "");
            if (fd == reading) {
                Integer line = lineAt(fd);
                c.add(new Evidence("open-at-crash", Weights.OPEN_AT_FAULT,
                        "open in the crashed process at the fault (" + where + (line != null ? "; the reader stopped inside line " + line : "")
                                + ", from /proc/" + inc.capture.pid + "/fdinfo at the signal stop)"));
                if (line != null && c.line == null) {
                    c.line = line;
                }
            } else {
                c.add(new Evidence("also-open", Weights.ALSO_OPEN_AT_FAULT, "also open at the fault (" + where + "; an including file?)"));
            }
        }
    }

    /** The line holding the last byte read, when the reader stopped before the end of the file. */
    private Integer lineAt(CrashCapture.Fd fd) {
        if (fd.size() <= 0 || fd.pos() >= fd.size()) {
            return null; // read to the end (a buffered reader slurps small files): the position says nothing
        }
        String text = ctx.files.read(fd.path(), null);
        if (text == null) {
            return null;
        }
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int end = (int) Math.min(fd.pos(), bytes.length);
        int line = 1;
        for (int i = 0; i < end - 1; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
