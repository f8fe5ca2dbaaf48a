package dev.faultline.httpd.configtest;

import dev.faultline.model.CrashCapture;

/**
 * One {@code apache2 -t}: how it ended, the crash capture when it crashed (null if it did not, or the tracer saw
 * no fault before the process died), and what it printed (stdout and stderr, bounded).
 */
public record ConfigTestResult(Outcome outcome, int exitCode, String signal, CrashCapture crash, String output) {
    public enum Outcome { OK, CRASHED, FAILED }

    /** The crash's identity, or null when the test did not crash. */
    public CrashIdentity identity() {
        if (outcome != Outcome.CRASHED) {
            return null;
        }
        return crash != null ? CrashIdentity.of(crash) : CrashIdentity.ofSignal(signal);
    }
}
