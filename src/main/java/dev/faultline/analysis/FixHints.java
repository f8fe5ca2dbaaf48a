package dev.faultline.analysis;

import dev.faultline.httpd.fix.FixHint;
import dev.faultline.httpd.fix.FixRules;
import dev.faultline.httpd.fix.ServerAccount;
import dev.faultline.httpd.modules.DirectiveCatalog;
import java.util.Optional;

/**
 * The exact fix for an analysed incident, when its verdict is strong enough to name one (the rules themselves are
 * Apache knowledge, in {@link FixRules}). Weak evidence gives none: a confidence below the report's culprit
 * threshold, no culprit line, a class of CODE or UNKNOWN, or a line that no longer says what the evidence quoted.
 */
public final class FixHints {
    private FixHints() {
    }

    /** The least confidence a verdict needs for a hint: the one a culprit gets at {@link Weights#CULPRIT_THRESHOLD}. */
    public static double minimumConfidence() {
        return Weights.confidence(Weights.CULPRIT_THRESHOLD);
    }

    /** With the account of this machine's Debian apache2 (its envvars) for a permission fix. */
    public static Optional<FixHint> of(Incident incident, FileSource files) {
        return of(incident, files, ServerAccount.debianDefault());
    }

    /** @param account the server's User/Group (see {@link ServerAccount#of}); null: no permission fix is offered */
    public static Optional<FixHint> of(Incident incident, FileSource files, ServerAccount account) {
        Verdict v = incident == null ? null : incident.verdict;
        if (v == null || v.culprit == null || files == null || v.confidence < minimumConfidence()) {
            return Optional.empty();
        }
        Candidate c = v.culprit;
        Optional<FixHint> hint = rule(incident, v, c, files, account);
        // a fix quotes its line whole (a diff must, to apply): a line holding a secret gets none, never a masked diff
        if (hint.isPresent() && hint.get().isEdit() && (holdsSecret(hint.get().oldLine()) || holdsSecret(hint.get().newLine()))) {
            return Optional.empty();
        }
        return hint;
    }

    private static boolean holdsSecret(String line) {
        return line != null && !dev.faultline.trace.Redactor.redact(line).equals(line);
    }

    private static Optional<FixHint> rule(Incident incident, Verdict v, Candidate c, FileSource files, ServerAccount account) {
        switch (v.kind) {
            case PERMISSION:
                return FixRules.permission(c.path, account, files);
            case MISSING_INCLUDE:
                return c.line == null ? Optional.empty() : FixRules.missingInclude(c.path, c.line, c.names, files);
            case CONFIG:
                if (c.line == null) {
                    return Optional.empty();
                }
                if (incident.kind == Incident.Kind.CRASH && v.module != null && v.directive != null) {
                    return FixRules.crashingDirective(c.path, c.line, v.directive, v.module, files);
                }
                if (incident.kind == Incident.Kind.HTTP_ERROR && c.directive != null) {
                    String meant = c.meant != null ? c.meant : DirectiveCatalog.installed().nearMiss(c.directive);
                    return FixRules.misspelledDirective(c.path, c.line, c.directive, meant, files);
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }
}
