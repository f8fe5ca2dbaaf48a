package dev.faultline.core;

import java.util.regex.Pattern;

/**
 * Which frames of a crashed thread's stack are never the culprit: infrastructure modules (libc, the loader, and
 * whatever the server itself is built on) and frames that only say how the process died (raise, abort, a fatal-signal
 * handler). {@link #GENERIC} knows the C runtime; a server adds its own (httpd's are in {@code httpd.HttpdFrames}).
 */
public record FrameRoles(Pattern infrastructureModules, Pattern deathFrames) {

    /** The C runtime and the dynamic loader; the libc functions a dying process goes through. */
    public static final FrameRoles GENERIC = new FrameRoles(
            Pattern.compile("libc\\.so.*|libc-.*|ld-linux.*|ld-.*\\.so.*|libpthread.*"),
            Pattern.compile("raise|gsignal|abort|__GI_raise|__GI_abort|__assert_fail.*|__pthread_kill.*|pthread_kill.*|kill|tgkill"
                    + "|__restore_rt|__libc_message.*|__fortify_fail|__stack_chk_fail|__chk_fail"));

    /** These roles and a server's own: its modules (by file name) and its fatal-signal and assert handlers. */
    public FrameRoles plus(String moreModules, String moreDeathFrames) {
        return new FrameRoles(Pattern.compile(infrastructureModules.pattern() + "|" + moreModules),
                Pattern.compile(deathFrames.pattern() + "|" + moreDeathFrames));
    }

    public boolean infrastructure(String module) {
        return module != null && infrastructureModules.matcher(module).matches();
    }

    public boolean death(String function) {
        return function != null && deathFrames.matcher(function).matches();
    }
}
