package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import java.util.List;
import java.util.Map;

/**
 * One signal of the generic scorer (BRIEF §2): it looks at an incident and the activities of its window and adds
 * evidence, each with its weight from {@link Weights} and its reason, to the candidate files. One signal, one class.
 */
interface ScoringSignal {
    void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands);
}
