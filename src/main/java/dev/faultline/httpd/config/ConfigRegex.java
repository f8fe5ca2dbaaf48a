package dev.faultline.httpd.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression the configuration's author wrote ({@code <IfVersion ~ re>}): compiling it is what httpd does
 * too, and an invalid one is the author's error, reported as a warning. The one place the parser compiles config text
 * as a regex; the reason Jazzer's regex-injection sanitizer is off in the fuzz runs (pom.xml, fuzz-regression).
 */
final class ConfigRegex {
    private ConfigRegex() {
    }

    /** The pattern, or null when it does not compile. */
    static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }
}
