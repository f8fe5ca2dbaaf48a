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

    // what only the error log says (its AH codes); the message texts that name files are ErrorMessages'
    private static final Pattern PERMISSION_FILE = Pattern.compile("(?:access to \\S+ denied \\(filesystem path '([^']+)'\\)"
            + "|^(/\\S+?) pcfg_openfile)");
    // "Failed opening required 'X' (include_path=...) in Unknown on line 0": PHP's auto_prepend_file/auto_append_file
    private static final Pattern REQUIRED_BY_NOBODY = Pattern.compile("Failed opening required '[^']*'.*? in Unknown on line 0");
    // a pid has at most 9 digits (pid_max is at most 2^22); more is no pid, and would overflow Long.parseLong
    private static final Pattern CHILD_SIGNAL = Pattern.compile(
            "child pid (\\d{1,9}) exit signal [^,]*(?:, possible coredump in (\\S+))?");

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
        if ((ah.equals("AH00051") || ah.equals("AH00052")) && (m = CHILD_SIGNAL.matcher(message)).find()) {
            return Optional.of(new ErrorLogFinding(Kind.CRASH, Optional.empty(), OptionalInt.empty(),
                    Optional.empty(), OptionalLong.of(Long.parseLong(m.group(1))),
                    Optional.ofNullable(m.group(2))));
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
        if (REQUIRED_BY_NOBODY.matcher(message).find()) {
            // no script included it: PHP's auto_prepend_file/auto_append_file did, and the log cannot say where that is set
            return Optional.of(new ErrorLogFinding(Kind.MISSING_INCLUDE, Optional.empty(), OptionalInt.empty(), Optional.empty(),
                    OptionalLong.empty(), Optional.empty()));
        }
        for (ErrorMessages.Named n : ErrorMessages.parse(message)) {
            Kind kind = switch (n.says) {
                case CONFIG -> Kind.CONFIG;
                case MISSING -> Kind.MISSING_INCLUDE;
                case PERMISSION -> Kind.PERMISSION;
                case MODULE -> Kind.MODULE_LOAD;
                case CODE -> Kind.PHP_CODE;
                case FILE -> null; // "an error in F": a warning or notice, not a failure the log explains
            };
            if (kind != null) {
                return Optional.of(new ErrorLogFinding(kind, Optional.of(n.path),
                        n.line == null ? OptionalInt.empty() : OptionalInt.of(n.line), Optional.ofNullable(n.directive),
                        OptionalLong.empty(), Optional.empty(), Optional.ofNullable(n.includer)));
            }
        }
        if (ah.equals("AH00060") || ah.equals("AH00171")) {
            return Optional.of(new ErrorLogFinding(Kind.LIFECYCLE, Optional.empty(), OptionalInt.empty(),
                    Optional.empty(), OptionalLong.empty(), Optional.empty()));
        }
        return Optional.empty();
    }
}
