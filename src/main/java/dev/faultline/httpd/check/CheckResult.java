package dev.faultline.httpd.check;

import java.util.List;

/**
 * What {@code faultline check} found for one candidate configuration: every probe it ran (the configtest, the
 * server's start, each request) and every finding, all named by the paths of the user's repository, never by the
 * private copy the server ran from.
 *
 * @param mainConfig the main config file as the user named it
 * @param serverRoot the ServerRoot the server ran with, as a repository path
 * @param probes every probe, in the order it ran
 * @param findings every finding; each names the probe that showed it
 * @param notes what weakened the check (not root, a probe that could not be derived, a file not copied)
 * @param couldNotRun why the check could not run at all, or null
 */
public record CheckResult(String mainConfig, String serverRoot, List<Probe> probes, List<Finding> findings,
        List<String> notes, long elapsedMillis, String couldNotRun) {

    public enum Outcome { CLEAN, FINDINGS, COULD_NOT_RUN }

    public Outcome outcome() {
        if (couldNotRun != null) {
            return Outcome.COULD_NOT_RUN;
        }
        return findings.isEmpty() ? Outcome.CLEAN : Outcome.FINDINGS;
    }

    /** The findings a probe showed. */
    public List<Finding> findingsOf(Probe p) {
        return findings.stream().filter(f -> f.probe().equals(p.name())).toList();
    }
}
