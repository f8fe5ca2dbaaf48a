package dev.faultline.httpd.check;

import java.util.List;

/**
 * A problem {@code check} found, with the usual verdict: the file and line that cause it (repository paths), the
 * directive and module, and the evidence.
 *
 * @param probe the {@link Probe#name()} that showed it
 * @param kind {@code crash}, {@code http_error}, {@code configtest} (apache2 -t crashed or failed), {@code start}
 *     (the server did not start) or {@code error_log} (an entry no request explains)
 * @param verdict the verdict's class: {@code config}, {@code missing-include}, {@code permission}, {@code code},
 *     {@code unknown}
 * @param file the culprit file as a repository path, or null when no file is to blame
 * @param line the culprit line (1-based), or 0 (a permission problem is a whole file's)
 * @param directive the directive on that line, or null
 * @param module the module behind the crash or the directive, or null
 * @param message one line that says what happened
 * @param confidence the verdict's confidence, 0 to 1
 * @param evidence the lines that prove it, each with its location
 * @param fix the fix as a unified diff on repository paths, or null when none is known or the evidence is weak
 */
public record Finding(String probe, String kind, String verdict, String file, int line, String directive,
        String module, String message, double confidence, List<Evidence> evidence, String fix) {

    /** One quoted line and where it is: {@code trace:5558}, {@code error.log:3}, {@code htdocs/app/.htaccess:2}. */
    public record Evidence(String location, String text) {
    }

    public boolean hasCulprit() {
        return file != null && line > 0;
    }
}
