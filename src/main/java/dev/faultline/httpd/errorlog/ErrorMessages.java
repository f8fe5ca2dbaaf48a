package dev.faultline.httpd.errorlog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages that name the culprit outright (Apache, PHP and confsrv forms, BRIEF §2): the one place that knows their
 * texts, for the error-log writes a trace shows (the Scorer) and for the error log itself ({@link ErrorLogFinding}).
 */
public final class ErrorMessages {

    /** What a message says about the file it names. */
    public enum Says {
        /** a directive or syntax error in a configuration file or .htaccess */
        CONFIG,
        /** it includes (or loads) a file that is not there */
        MISSING,
        /** the server may not read it */
        PERMISSION,
        /** a module that cannot be loaded */
        MODULE,
        /** a PHP error in the site's own code */
        CODE,
        /** only that an error is at that file (and line) */
        FILE
    }

    /** A file (and maybe a line, or a directive to look for) named by a message. */
    public static final class Named {
        public Says says;
        public final String path;
        public final Integer line;
        public final String directive;
        public final String what;
        public final boolean missing;
        public final boolean permission;
        /** A PHP error in the site's own code (not a failed include): the file to look at, but no config culprit. */
        public boolean code;
        /** For a file the server may not read: the {@code file:line} that includes it. */
        public String includer;
        /** For a missing include: the path PHP could not open, as it printed it (relative when the script named it so). */
        public String names;

        Named(String path, Integer line, String directive, String what, boolean missing, boolean permission) {
            this.path = path;
            this.line = line;
            this.directive = directive;
            this.what = what;
            this.missing = missing;
            this.permission = permission;
        }
    }

    private static final Pattern INVALID_COMMAND = Pattern.compile("(\\S+): Invalid command '([^']+)'");
    private static final Pattern NOT_ALLOWED = Pattern.compile("(\\S+\\.htaccess): (\\S+) not allowed here");
    private static final Pattern SYNTAX_ERROR = Pattern.compile("Syntax error on line (\\d+) of ([^:\\s]+):");
    private static final Pattern PHP_IN_ON_LINE = Pattern.compile("(?:require|include)(?:_once)?\\(([^)]*)\\): Failed to open stream.*? in (\\S+) on line (\\d+)");
    private static final Pattern PHP_REQUIRED = Pattern.compile("Failed opening required '([^']+)'.*? in (/\\S+?):(\\d+)");
    private static final Pattern HTACCESS_PERM = Pattern.compile("(\\S+) pcfg_openfile: unable to check htaccess file");
    private static final Pattern CANNOT_LOAD = Pattern.compile("Cannot load (\\S+) into server");
    /** PHP's own error levels (php_error_cb): a fatal, parse or recoverable error raised by the script. */
    private static final Pattern PHP_ERROR = Pattern.compile("PHP (?:Fatal|Parse|Recoverable fatal) error:");
    private static final Pattern GENERIC_IN_ON_LINE = Pattern.compile(" in (\\S+\\.[A-Za-z0-9]{1,9}) on line (\\d+)");
    private static final Pattern FILE_COLON_LINE = Pattern.compile("((?:/|\\b)[\\w./-]+\\.(?:conf|inc|ini|htaccess|php|cfg|load)):(\\d+)\\b");

    private ErrorMessages() {
    }

    private static Named says(Says says, Named n) {
        n.says = says;
        return n;
    }

    /** A line number from a message, or null when it is too long to be one (no file has 2^31 lines). */
    private static Integer lineNumber(String digits) {
        return digits.length() > 9 ? null : Integer.valueOf(digits);
    }

    public static List<Named> parse(String text) {
        List<Named> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        Matcher m = INVALID_COMMAND.matcher(text);
        while (m.find()) {
            out.add(says(Says.CONFIG, new Named(m.group(1), null, m.group(2), "Invalid command '" + m.group(2) + "'", false, false)));
        }
        m = NOT_ALLOWED.matcher(text);
        while (m.find()) {
            out.add(says(Says.CONFIG, new Named(m.group(1), null, m.group(2), m.group(2) + " not allowed here", false, false)));
        }
        m = SYNTAX_ERROR.matcher(text);
        while (m.find()) {
            out.add(says(Says.CONFIG, new Named(m.group(2), lineNumber(m.group(1)), null, "Syntax error on line " + m.group(1), false, false)));
        }
        m = PHP_IN_ON_LINE.matcher(text);
        boolean phpInclude = false;
        java.util.Set<String> denied = new java.util.HashSet<>();
        while (m.find()) {
            phpInclude = true;
            if (m.group(0).contains("Permission denied")) {
                // the included file exists but the server user may not read it: its mode is what to fix
                Named n = new Named(m.group(1), null, null, "the server may not read it (Permission denied)", false, true);
                n.includer = m.group(2) + ":" + m.group(3);
                out.add(says(Says.PERMISSION, n));
                denied.add(m.group(1));
            } else {
                Named n = new Named(m.group(2), lineNumber(m.group(3)), null, "includes missing " + m.group(1), true, false);
                n.names = m.group(1);
                out.add(says(Says.MISSING, n));
            }
        }
        m = PHP_REQUIRED.matcher(text);
        while (m.find()) {
            phpInclude = true;
            if (!denied.contains(m.group(1))) {
                Named n = new Named(m.group(2), lineNumber(m.group(3)), null, "requires missing " + m.group(1), true, false);
                n.names = m.group(1);
                out.add(says(Says.MISSING, n));
            }
        }
        m = HTACCESS_PERM.matcher(text);
        while (m.find()) {
            out.add(says(Says.PERMISSION, new Named(m.group(1), null, null, "unable to check htaccess file", false, true)));
        }
        m = CANNOT_LOAD.matcher(text);
        while (m.find()) {
            out.add(says(Says.MODULE, new Named(m.group(1), null, null, "cannot load module", true, false)));
        }
        // a PHP error that is not a failed include is the application's: it names the script, not a config culprit
        boolean phpCode = !phpInclude && PHP_ERROR.matcher(text).find();
        if (!phpInclude) {
            m = GENERIC_IN_ON_LINE.matcher(text);
            while (m.find()) {
                if (!m.group(1).equals("Unknown")) {
                    Named n = new Named(m.group(1), lineNumber(m.group(2)), null, phpCode ? "a PHP error in it" : "error in file", false, false);
                    n.code = phpCode;
                    out.add(says(phpCode ? Says.CODE : Says.FILE, n));
                }
            }
        }
        if (out.isEmpty()) {
            m = FILE_COLON_LINE.matcher(text);
            while (m.find()) {
                Named n = new Named(m.group(1), lineNumber(m.group(2)), null, phpCode ? "a PHP error at it" : "error at file:line", false, false);
                n.code = phpCode;
                out.add(says(phpCode ? Says.CODE : Says.FILE, n));
            }
        }
        return out;
    }
}
