package dev.faultline.analysis;

import java.util.ArrayList;
import java.util.List;

/** A file the anchoring thread touched, with its score and why. */
public final class Candidate {
    public final String path;
    public Integer line;
    public int score;
    public final List<Evidence> evidence = new ArrayList<>();
    /** For a referrer: the missing path it names. */
    public String names;
    /** For a file the server may not read: the {@code file:line} that needs it (its includer), or null. */
    public String includer;
    /** For a config line: the directive on it ({@code FaultdemoHandler}), else null. */
    public String directive;
    /** For a misspelled directive ({@link #directive} as written): the directive a loaded module registers that it is a near miss of. */
    public String meant;
    /** The strongest kind of evidence, for the verdict class. */
    boolean missingInclude;
    boolean permission;
    boolean missingOther;
    /** Named by a PHP error in application code: where to look, never a config culprit. */
    boolean code;
    String codeMessage;

    public Candidate(String path) {
        this.path = path;
    }

    void add(Evidence e) {
        for (Evidence x : evidence) {
            if (x.signal.equals(e.signal)) {
                return;
            }
        }
        evidence.add(e);
        score += e.weight;
    }

    public boolean has(String signal) {
        for (Evidence e : evidence) {
            if (e.signal.equals(signal)) {
                return true;
            }
        }
        return false;
    }
}
