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

    // The messages that name a file before a fixed text are found by the text, and the file read backwards from it:
    // a pattern that begins with \S+ tries every start in a long word, quadratic time on a 64 KiB line.
    private static final String INVALID_COMMAND = ": Invalid command '";
    private static final String NOT_ALLOWED = " not allowed here";
    private static final String HTACCESS_PERM = " pcfg_openfile: unable to check htaccess file";
    private static final Pattern SYNTAX_ERROR = Pattern.compile("Syntax error on line (\\d+) of ([^:\\s]+):");
    private static final Pattern PHP_IN_ON_LINE = Pattern.compile("(?:require|include)(?:_once)?\\(([^)]*)\\): Failed to open stream.*? in (\\S+) on line (\\d+)");
    private static final Pattern PHP_REQUIRED = Pattern.compile("Failed opening required '([^']+)'.*? in (/\\S+?):(\\d+)");
    private static final Pattern CANNOT_LOAD = Pattern.compile("Cannot load (\\S+) into server");
    /** PHP's own error levels (php_error_cb): a fatal, parse or recoverable error raised by the script. */
    private static final Pattern PHP_ERROR = Pattern.compile("PHP (?:Fatal|Parse|Recoverable fatal) error:");
    private static final Pattern GENERIC_IN_ON_LINE = Pattern.compile(" in (\\S+\\.[A-Za-z0-9]{1,9}) on line (\\d+)");
    /** The end of a file:line ({@code .conf:12}); the name before it is read backwards by {@link #pathStart}. */
    private static final Pattern FILE_COLON_LINE = Pattern.compile("\\.(?:conf|inc|ini|htaccess|php|cfg|load):(\\d+)\\b");

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

    /** Where the word (a run of non-space characters) that ends at {@code end} begins. */
    private static int wordStart(String text, int end, int floor) {
        int i = end;
        while (i > floor && !Character.isWhitespace(text.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /**
     * Where the path that ends at {@code end} begins: the run of letters, digits, '_', '.', '/' and '-' before it,
     * from its first '/' or word boundary, as {@code (?:/|\\b)[\\w./-]+} would begin.
     */
    private static int pathStart(String text, int end, int floor) {
        int i = end;
        while (i > floor && (isWordChar(text.charAt(i - 1)) || "./-".indexOf(text.charAt(i - 1)) >= 0)) {
            i--;
        }
        while (i < end && text.charAt(i) != '/' && !wordBoundary(text, i)) {
            i++;
        }
        return i;
    }

    /** Regex {@code \\b} at {@code i}: a word character on one side only (Java counts any letter or digit). */
    private static boolean wordBoundary(String text, int i) {
        return (i > 0 && isBoundaryWord(text.charAt(i - 1))) != isBoundaryWord(text.charAt(i));
    }

    private static boolean isBoundaryWord(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static boolean isWordChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }

    public static List<Named> parse(String text) {
        List<Named> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        // as Matcher.find does, a match begins after the previous one ends (floor)
        int floor = 0;
        for (int at = text.indexOf(INVALID_COMMAND); at >= 0; at = text.indexOf(INVALID_COMMAND, at + 1)) {
            int from = wordStart(text, at, floor);
            int nameEnd = text.indexOf('\'', at + INVALID_COMMAND.length());
            if (from < at && nameEnd > at + INVALID_COMMAND.length()) {
                String name = text.substring(at + INVALID_COMMAND.length(), nameEnd);
                out.add(says(Says.CONFIG, new Named(text.substring(from, at), null, name, "Invalid command '" + name + "'", false, false)));
                at = nameEnd; // go on after the closing quote
                floor = nameEnd + 1;
            }
        }
        floor = 0;
        for (int at = text.indexOf(NOT_ALLOWED); at >= 0; at = text.indexOf(NOT_ALLOWED, at + 1)) {
            int directive = wordStart(text, at, floor);
            int fileEnd = directive - 2;
            if (directive < at && fileEnd > floor && text.startsWith(": ", fileEnd)) {
                String file = text.substring(wordStart(text, fileEnd, floor), fileEnd);
                if (file.length() > ".htaccess".length() && file.endsWith(".htaccess")) {
                    String d = text.substring(directive, at);
                    out.add(says(Says.CONFIG, new Named(file, null, d, d + " not allowed here", false, false)));
                    floor = at + NOT_ALLOWED.length();
                }
            }
        }
        Matcher m = SYNTAX_ERROR.matcher(text);
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
        floor = 0;
        for (int at = text.indexOf(HTACCESS_PERM); at >= 0; at = text.indexOf(HTACCESS_PERM, at + 1)) {
            int from = wordStart(text, at, floor);
            if (from < at) {
                out.add(says(Says.PERMISSION, new Named(text.substring(from, at), null, null, "unable to check htaccess file", false, true)));
                floor = at + HTACCESS_PERM.length();
            }
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
            floor = 0;
            while (m.find()) {
                int from = pathStart(text, m.start(), floor);
                if (from == m.start()) {
                    continue; // ".conf:12" with no name before it
                }
                floor = m.end();
                Named n = new Named(text.substring(from, m.start() + m.group().indexOf(':')), lineNumber(m.group(1)), null,
                        phpCode ? "a PHP error at it" : "error at file:line", false, false);
                n.code = phpCode;
                out.add(says(phpCode ? Says.CODE : Says.FILE, n));
            }
        }
        return out;
    }
}
