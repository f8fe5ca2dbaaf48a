package dev.faultline.httpd.accesslog;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Apache {@code LogFormat} string (mod_log_config syntax) compiled into a matcher for the lines it writes,
 * which pulls out what faultline needs: time, status, request, pid/tid, duration, client and virtual host.
 * Every directive of mod_log_config is understood well enough to step over it; the ones not needed are matched
 * and dropped. Modifiers ({@code %>s}, {@code %<s}, {@code %!200,304{X}i}) are accepted; a field whose
 * condition failed is logged as "-" and read as absent.
 *
 * <p>Compiling never throws: a directive httpd would refuse becomes a text field and a {@link #warnings() warning}.
 */
public final class AccessLogFormat {
    /** mod_log_config's built-in format (DEFAULT_LOG_FORMAT), known as nickname CLF and used when no nicknameless LogFormat is set. */
    public static final String HTTPD_DEFAULT_FORMAT = "%h %l %u %t \"%r\" %>s %b";
    /** The nickname mod_log_config itself defines for {@link #HTTPD_DEFAULT_FORMAT}. */
    static final String HTTPD_DEFAULT_NICKNAME = "CLF";

    // Debian 12's /etc/apache2/apache2.conf, lines 212-216, after httpd's quote handling (\" is ")
    private static final Map<String, String> DEBIAN_DEFAULTS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vhost_combined", "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"");
        m.put("combined", "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"");
        m.put("common", "%h %l %u %t \"%r\" %>s %O");
        m.put("referer", "%{Referer}i -> %U");
        m.put("agent", "%{User-agent}i");
        DEBIAN_DEFAULTS = Collections.unmodifiableMap(m);
    }

    private final String format;
    private final String nickname;
    private final Pattern line;
    private final List<Field> groups; // the field behind each capture group, in order
    private final Map<Field, StrftimePattern> times;
    private final List<String> warnings;

    private AccessLogFormat(String format, String nickname, Pattern line, List<Field> groups,
            Map<Field, StrftimePattern> times, List<String> warnings) {
        this.format = format;
        this.nickname = nickname;
        this.line = line;
        this.groups = groups;
        this.times = times;
        this.warnings = warnings;
    }

    /** The nicknames Debian 12's apache2.conf defines (vhost_combined, combined, common, referer, agent) → their formats. */
    public static Map<String, String> debianDefaults() {
        return DEBIAN_DEFAULTS;
    }

    /** Compiles a format string, as LogFormat holds it ({@code "%r"}) or as written in the config ({@code \"%r\"}). */
    public static AccessLogFormat compile(String format) {
        return build(format == null ? "" : format, null);
    }

    /**
     * What httpd does with a CustomLog's format argument: a defined nickname stands for its format; any other
     * string is itself the format (so an undefined nickname logs its own name, and a warning says so).
     */
    public static AccessLogFormat resolve(String formatOrNickname, Map<String, String> nicknames) {
        String f = formatOrNickname == null ? "" : formatOrNickname;
        String defined = nicknames.get(f);
        if (defined != null) {
            return build(defined, f);
        }
        AccessLogFormat inline = build(f, null);
        if (!f.isEmpty() && f.indexOf('%') < 0) {
            inline.warnings.add("\"" + f + "\" is no defined LogFormat nickname, so httpd logs it as literal text");
        }
        return inline;
    }

    /** The format string. */
    public String format() {
        return format;
    }

    /** The nickname it was resolved from, or null for an inline format. */
    public String nickname() {
        return nickname;
    }

    /** Problems found while compiling (unknown directives, times that cannot be read back); empty when none. */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** Whether lines of this format carry a status and a time: the formats worth trying on a line of unknown format. */
    boolean carriesStatusAndTime() {
        return groups.stream().anyMatch(f -> f.directive().equals("s"))
                && groups.stream().anyMatch(f -> f.directive().equals("t"));
    }

    /** Reads one line (no line end); empty when the line is not in this format. Local times are read in {@code zone}. */
    public Optional<AccessLogEntry> match(long lineNumber, String text, ZoneId zone) {
        Matcher m = line.matcher(new MatchBudget(text));
        try {
            if (!m.matches()) {
                return Optional.empty();
            }
        } catch (MatchBudget.Exhausted backtrackingTooLong) {
            return Optional.empty();
        }
        return Optional.of(new EntryFields(this, m, zone).toEntry(lineNumber));
    }

    List<Field> groups() {
        return groups;
    }

    Instant time(Field f, String text, ZoneId zone) {
        StrftimePattern p = times.get(f);
        return p == null ? null : p.parse(text, zone);
    }

    @Override
    public String toString() {
        return nickname == null ? format : nickname + " (" + format + ")";
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * One {@code %} directive: its letter ("s", "P", "t"; "^ti"/"^to" for trailers), its {@code {argument}}, and
     * {@code '<'}/{@code '>'} when it asks for the original or final request. Identity matters (a map key per field).
     */
    static final class Field {
        private final String directive;
        private final String argument;
        private final char request;

        Field(String directive, String argument, char request) {
            this.directive = directive;
            this.argument = argument;
            this.request = request;
        }

        String directive() {
            return directive;
        }

        String argument() {
            return argument;
        }

        char request() {
            return request;
        }
    }

    // the directives mod_log_config registers (log_pre_config plus mod_logio's I, O, S, ^FU, ^FB), by how their value looks
    private static final String NUMBER_DIRECTIVES = "bBDIkOpPsST";
    private static final String TOKEN_DIRECTIVES = "aAhHlLmqRvVX";
    private static final String TEXT_DIRECTIVES = "CefinoruU";
    private static final String NUMBER = "(-?\\d+|-)";
    private static final String TOKEN = "(\\S*)";

    private static AccessLogFormat build(String format, String nickname) {
        List<Object> items = new ArrayList<>(); // String literals and Fields, in order
        List<String> warnings = new ArrayList<>();
        tokenize(format, items, warnings);
        StringBuilder regex = new StringBuilder();
        List<Field> groups = new ArrayList<>();
        Map<Field, StrftimePattern> times = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof String literal) {
                regex.append(Pattern.quote(literal));
                continue;
            }
            Field f = (Field) item;
            Object next = i + 1 < items.size() ? items.get(i + 1) : null;
            String d = f.directive();
            if (d.equals("t")) {
                regex.append(timeRegex(f, times, warnings));
            } else if (d.equals("q")) {
                regex.append("(\\?\\S*|)"); // "" or "?query": lets "%U%q" split where the query starts
            } else if (d.equals("P") && f.argument().equals("hextid")) {
                regex.append("([0-9a-fA-F]+|-)");
            } else if (d.length() == 1 && NUMBER_DIRECTIVES.contains(d)) {
                regex.append(NUMBER);
            } else if (d.length() == 1 && TOKEN_DIRECTIVES.contains(d)) {
                regex.append(TOKEN);
            } else {
                regex.append(textRegex(next));
            }
            groups.add(f);
        }
        Pattern line = Pattern.compile(regex.toString(), Pattern.DOTALL);
        return new AccessLogFormat(format, nickname, line, groups, times, warnings);
    }

    /**
     * A free-text field (%r, headers, %u, %U). httpd escapes {@code "} and {@code \} in them, so a field closed by
     * a quote is read exactly and without backtracking; elsewhere the shortest text that lets the rest match.
     */
    private static String textRegex(Object next) {
        if (next instanceof String literal && literal.startsWith("\"")) {
            return "((?:[^\"\\\\]|\\\\.)*+)";
        }
        return next == null ? "(.*)" : "(.*?)";
    }

    private static String timeRegex(Field f, Map<Field, StrftimePattern> times, List<String> warnings) {
        String arg = f.argument();
        if (arg.startsWith("begin")) {
            arg = arg.substring(5);
        } else if (arg.startsWith("end")) {
            arg = arg.substring(3);
        }
        if (arg.startsWith(":")) {
            arg = arg.substring(1);
        }
        switch (arg) {
            case "" -> {
                times.put(f, StrftimePattern.compile(StrftimePattern.CLF_TIME));
                return "(\\[[^\\]]*\\]|-)";
            }
            case "sec", "msec", "usec", "msec_frac", "usec_frac" -> {
                return NUMBER;
            }
            default -> {
                StrftimePattern p = StrftimePattern.compile(arg);
                if (p.problem() != null) {
                    warnings.add("%{" + f.argument() + "}t: " + p.problem());
                }
                times.put(f, p);
                return "(" + p.regex() + "|-)";
            }
        }
    }

    /** Splits a format into literal text and fields as mod_log_config's parse_log_string does. */
    private static void tokenize(String s, List<Object> items, List<String> warnings) {
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'n' || s.charAt(i + 1) == 't')) {
                literal.append(s.charAt(i + 1) == 'n' ? '\n' : '\t'); // the escapes mod_log_config reads
                i += 2;
            } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                literal.append('"'); // \" as written in the config file; httpd's quote handling makes it " before LogFormat sees it
                i += 2;
            } else if (c != '%') {
                literal.append(c);
                i++;
            } else if (i + 1 < s.length() && s.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
            } else {
                if (literal.length() > 0) {
                    items.add(literal.toString());
                    literal.setLength(0);
                }
                i = field(s, i + 1, items, warnings);
            }
        }
        if (literal.length() > 0) {
            items.add(literal.toString());
        }
    }

    /** Reads the field after a {@code %} at {@code i}; returns the index after it. */
    private static int field(String s, int i, List<Object> items, List<String> warnings) {
        String argument = "";
        char request = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '!' || c == ',' || Character.isDigit(c)) {
                i++; // a status condition: when it fails the field is "-", which every field pattern allows
            } else if (c == '<' || c == '>') {
                request = c;
                i++;
            } else if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    warnings.add("unterminated %{ at column " + (i + 1));
                    items.add(new Field("?", s.substring(i + 1), request));
                    return s.length();
                }
                argument = s.substring(i + 1, close);
                i = close + 1;
            } else if (c == '^' && i + 2 < s.length()) {
                items.add(new Field(s.substring(i, i + 3), argument, request));
                return i + 3;
            } else if (Character.isLetter(c)) {
                String d = String.valueOf(c);
                if (!(NUMBER_DIRECTIVES + TOKEN_DIRECTIVES + TEXT_DIRECTIVES + "t").contains(d)) {
                    warnings.add("%" + c + " is no mod_log_config directive (httpd refuses it); read as text");
                }
                items.add(new Field(d, argument, request));
                return i + 1;
            } else {
                break;
            }
        }
        warnings.add("a % with no directive at column " + i);
        items.add(new Field("?", argument, request));
        return i; // the character that is no directive stays literal text
    }
}
