package dev.faultline.report;

import dev.faultline.httpd.check.Finding;
import java.util.Locale;
import java.util.Map;

/**
 * What the check renderers share about a finding: its rule (one per kind and verdict), the words that describe
 * the rule, and the one-line "file:line" of its culprit.
 */
final class CheckRules {
    private static final Map<String, String> KINDS = Map.of(
            "crash", "httpd crashed while serving a request",
            "http_error", "httpd answered a request with a server error (5xx)",
            "configtest", "apache2 -t crashed or rejected the configuration",
            "start", "httpd did not start from the configuration",
            "error_log", "httpd logged an error that no request explains");
    private static final Map<String, String> VERDICTS = Map.of(
            "config", "a configuration line is to blame",
            "missing-include", "a file the configuration includes is missing",
            "permission", "a file the configuration names cannot be read",
            "code", "a module's code is to blame, not the configuration",
            "unknown", "the cause is not known");
    private static final Map<String, String> HELP = Map.of(
            "config", "Fix or remove the directive on the named line; the diff, when given, is the fix faultline"
                    + " proposes.",
            "missing-include", "Create the included file or correct the Include/IncludeOptional path.",
            "permission", "Make the file readable by the user httpd runs as, or point the directive elsewhere.",
            "code", "The module crashes on a valid configuration: report it to the module's authors, or disable"
                    + " the module.",
            "unknown", "Read the evidence lines; run faultline analyze on a trace of the failing request for more.");

    private CheckRules() {
    }

    /** {@code faultline.crash.config}: one rule per kind and verdict, in the characters a rule id may use. */
    static String ruleId(Finding f) {
        return "faultline." + token(f.kind()) + "." + token(f.verdict());
    }

    static String kindText(String kind) {
        return kind == null ? "faultline found a problem" : KINDS.getOrDefault(kind, "faultline found a problem of kind " + kind);
    }

    static String verdictText(String verdict) {
        return verdict == null ? VERDICTS.get("unknown") : VERDICTS.getOrDefault(verdict, "verdict " + verdict);
    }

    static String help(String verdict) {
        return verdict == null ? HELP.get("unknown") : HELP.getOrDefault(verdict, HELP.get("unknown"));
    }

    /** {@code conf/conf.d/40-z.conf:9}, or null when no file is to blame. */
    static String culprit(Finding f) {
        return f.hasCulprit() ? f.file() + ":" + f.line() : null;
    }

    /**
     * The culprit line's text as the evidence quotes it ({@code FaultdemoHandler bogus}), else the directive,
     * else null.
     */
    static String culpritText(Finding f) {
        String at = culprit(f);
        if (at != null && f.evidence() != null) {
            for (Finding.Evidence e : f.evidence()) {
                if (at.equals(e.location()) && e.text() != null) {
                    return e.text().strip();
                }
            }
        }
        return f.directive();
    }

    /** {@code 92 %}: the confidence as a whole percentage, clamped to 0..100. */
    static String percent(double confidence) {
        double c = Double.isNaN(confidence) ? 0 : Math.max(0, Math.min(1, confidence));
        return Math.round(c * 100) + " %";
    }

    private static String token(String s) {
        String t = s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "_");
        return t.isEmpty() ? "unknown" : t;
    }
}
