package dev.faultline.httpd.errorlog;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one error-log message means: the kind of failure, the file (and line) it names, and for crashes the pid
 * and core directory. The knowledge of httpd's and PHP's message texts lives here, once.
 *
 * @param kind       what went wrong
 * @param file       the file the message names (the .htaccess, the config file, the PHP includer)
 * @param line       the line in that file, when the message says it
 * @param directive  the misspelled directive of "Invalid command 'X'"
 * @param crashedPid the child of AH00051/AH00052
 * @param coreDir    the directory of "possible coredump in DIR"
 * @param includer   for a PHP include the server may not read, the "file:line" that includes it
 */
public record ErrorLogFinding(
        Kind kind,
        Optional<String> file,
        OptionalInt line,
        Optional<String> directive,
        OptionalLong crashedPid,
        Optional<String> coreDir,
        Optional<String> includer) {

    public ErrorLogFinding(Kind kind, Optional<String> file, OptionalInt line, Optional<String> directive, OptionalLong crashedPid,
            Optional<String> coreDir) {
        this(kind, file, line, directive, crashedPid, coreDir, Optional.empty());
    }

    public enum Kind {
        /** a directive httpd does not know, in .htaccess or config: 500 */
        CONFIG,
        /** a file httpd may not read: 403 */
        PERMISSION,
        /** a PHP fatal in code */
        PHP_CODE,
        /** a PHP require of a file that is not there */
        MISSING_INCLUDE,
        /** a child died of a signal */
        CRASH,
        /** a module that cannot be loaded */
        MODULE_LOAD,
        /** restarts and scoreboard notes: context, not a failure */
        LIFECYCLE
    }

    /**
     * httpd's codes for "the server may not read it", each answered with 403: AH00529 (an .htaccess it cannot
     * open), AH00132 (file permissions deny server access), AH00035 (search permission missing on a directory).
     * An authorization refusal (AH01630, "client denied by server configuration") is not one: it is policy.
     */
    public static final java.util.Set<String> PERMISSION_CODES = java.util.Set.of("AH00529", "AH00132", "AH00035");

    private static final Pattern INVALID_COMMAND = Pattern.compile(
            "^(/\\S+?): Invalid command '([^']+)'");
    private static final Pattern HTACCESS_UNREADABLE = Pattern.compile("^(/\\S+?) pcfg_openfile: unable to check");
    private static final Pattern PERMISSION_FILE = Pattern.compile("(?:access to \\S+ denied \\(filesystem path '([^']+)'\\)"
            + "|^(/\\S+?) pcfg_openfile)");
    private static final Pattern SYNTAX_ERROR = Pattern.compile("Syntax error on line (\\d+) of (/\\S+?):");
    // PHP Warning:  require(/srv/app/config.php): Failed to open stream: Permission denied in /srv/app/index.php on line 4
    private static final Pattern INCLUDE_DENIED = Pattern.compile("PHP Warning:\\s+(?:require|include)(?:_once)?\\(([^)]+)\\): "
            + "[Ff]ailed to open stream: Permission denied in (/\\S+?) on line (\\d+)");
    private static final Pattern FAILED_REQUIRED = Pattern.compile(
            "Failed opening required '([^']*)'.*? in (\\S+?)(?::(\\d+)| on line (\\d+))");
    private static final Pattern PHP_FATAL = Pattern.compile("PHP (?:Fatal error|Parse error):\\s+.*? in (/\\S+?)"
            + "(?::(\\d+)| on line (\\d+))");
    private static final Pattern CHILD_SIGNAL = Pattern.compile(
            "child pid (\\d+) exit signal [^,]*(?:, possible coredump in (\\S+))?");
    private static final Pattern CANNOT_LOAD = Pattern.compile("Cannot load (\\S+) into server");

    /** The finding of one entry; empty when the message is not one faultline knows. */
    public static Optional<ErrorLogFinding> of(ErrorLogEntry entry) {
        String message = entry.message();
        // FastCGI: AH01071: Got error 'PHP message: PHP Fatal error: ...' — the PHP text is inside
        int phpInside = message.indexOf("PHP message: ");
        if (phpInside >= 0) {
            message = message.substring(phpInside + "PHP message: ".length());
        }
        String ah = entry.ahCode().orElse("");
        Matcher m;
        if ((m = INVALID_COMMAND.matcher(message)).find()) {
            return Optional.of(new ErrorLogFinding(Kind.CONFIG, Optional.of(m.group(1)), OptionalInt.empty(),
                    Optional.of(m.group(2)), OptionalLong.empty(), Optional.empty()));
        }
        if ((m = SYNTAX_ERROR.matcher(message)).find()) {
            return Optional.of(fileLine(Kind.CONFIG, m.group(2), m.group(1)));
        }
        if (PERMISSION_CODES.contains(ah)) {
            Matcher file = PERMISSION_FILE.matcher(message);
            Optional<String> named = Optional.empty();
            if (file.find()) {
                named = Optional.ofNullable(file.group(1) != null ? file.group(1) : file.group(2));
            } else if ((m = Pattern.compile("(/\\S+)").matcher(message)).find()) {
                named = Optional.of(m.group(1).replaceAll("[:,]$", ""));
            }
            return Optional.of(new ErrorLogFinding(Kind.PERMISSION, named, OptionalInt.empty(), Optional.empty(),
                    OptionalLong.empty(), Optional.empty()));
        }
        if ((m = INCLUDE_DENIED.matcher(message)).find()) {
            return Optional.of(new ErrorLogFinding(Kind.PERMISSION, Optional.of(m.group(1)), OptionalInt.empty(), Optional.empty(),
                    OptionalLong.empty(), Optional.empty(), Optional.of(m.group(2) + ":" + m.group(3))));
        }
        if ((m = FAILED_REQUIRED.matcher(message)).find()) {
            if (m.group(2).equals("Unknown")) {
                // "in Unknown on line 0": no script included it; PHP's auto_prepend_file/auto_append_file did
                return Optional.of(new ErrorLogFinding(Kind.MISSING_INCLUDE, Optional.empty(), OptionalInt.empty(), Optional.empty(),
                        OptionalLong.empty(), Optional.empty()));
            }
            return Optional.of(fileLine(Kind.MISSING_INCLUDE, m.group(2), m.group(3) != null ? m.group(3) : m.group(4)));
        }
        if ((m = PHP_FATAL.matcher(message)).find()) {
            return Optional.of(fileLine(Kind.PHP_CODE, m.group(1), m.group(2) != null ? m.group(2) : m.group(3)));
        }
        if ((ah.equals("AH00051") || ah.equals("AH00052")) && (m = CHILD_SIGNAL.matcher(message)).find()) {
            return Optional.of(new ErrorLogFinding(Kind.CRASH, Optional.empty(), OptionalInt.empty(),
                    Optional.empty(), OptionalLong.of(Long.parseLong(m.group(1))),
                    Optional.ofNullable(m.group(2))));
        }
        if ((m = CANNOT_LOAD.matcher(message)).find()) {
            return Optional.of(new ErrorLogFinding(Kind.MODULE_LOAD, Optional.of(m.group(1)), OptionalInt.empty(),
                    Optional.empty(), OptionalLong.empty(), Optional.empty()));
        }
        if (ah.equals("AH00060") || ah.equals("AH00171")) {
            return Optional.of(new ErrorLogFinding(Kind.LIFECYCLE, Optional.empty(), OptionalInt.empty(),
                    Optional.empty(), OptionalLong.empty(), Optional.empty()));
        }
        return Optional.empty();
    }

    private static ErrorLogFinding fileLine(Kind kind, String file, String line) {
        OptionalInt number = OptionalInt.empty();
        try {
            number = line == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(line));
        } catch (NumberFormatException tooBig) {
            // a line number past int range is not one; the file still stands
        }
        return new ErrorLogFinding(kind, Optional.of(file), number, Optional.empty(), OptionalLong.empty(),
                Optional.empty());
    }
}
