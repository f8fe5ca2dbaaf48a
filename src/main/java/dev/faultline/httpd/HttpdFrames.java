package dev.faultline.httpd;

import dev.faultline.core.FrameRoles;

/**
 * httpd's part of a core's stack that is never the culprit: APR, apr-util and the server binary itself, and the frames
 * of httpd's own fatal-signal handler (sig_coredump, which re-raises the fault) and of ap_log_assert.
 */
public final class HttpdFrames {
    public static final FrameRoles ROLES = FrameRoles.GENERIC.plus("libapr-1\\.so.*|libaprutil-1\\.so.*|httpd|apache2",
            "sig_coredump|ap_log_assert");

    private HttpdFrames() {
    }
}
