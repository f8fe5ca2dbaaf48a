package dev.faultline.analysis;

import java.util.List;

/** The engine's answer for one incident. */
public final class Verdict {
    public enum Kind { CONFIG, MISSING_INCLUDE, PERMISSION, CODE, UNKNOWN;

        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public final Kind kind;
    public final double confidence;
    /** Null when no file is implicated. */
    public final Candidate culprit;
    public final String reason;
    public final List<Candidate> candidates;
    /** httpd knowledge, when the Apache rule decided: the phase, the crashing module and function, the directive. */
    public dev.faultline.httpd.HttpdPhase phase;
    public String module;
    public String function;
    public String directive;

    public Verdict(Kind kind, double confidence, Candidate culprit, String reason, List<Candidate> candidates) {
        this.kind = kind;
        this.confidence = confidence;
        this.culprit = culprit;
        this.reason = reason;
        this.candidates = candidates;
    }

    /** True when the verdict names a file and line to blame (config, a missing include's referrer, a permission): exit code 20. */
    public boolean namesCulprit() {
        return culprit != null && kind != Kind.CODE && kind != Kind.UNKNOWN;
    }
}
