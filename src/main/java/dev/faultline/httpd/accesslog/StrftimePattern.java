package dev.faultline.httpd.accesslog;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A strftime(3) format as mod_log_config's {@code %{format}t} writes it (C locale), turned into a regex that
 * matches its output and a parser back to an {@link Instant}. Times without an offset ({@code %z}) are read in
 * the zone given to {@link #parse}, which must be the server's (httpd writes local time). Conversions that
 * cannot be read back ({@code %U}, {@code %c} and the like) still match, but make the time unreadable.
 */
final class StrftimePattern {
    /** What httpd's plain {@code %t} writes between its brackets: {@code 05/Dec/2026:16:47:03 +0000}. */
    static final String CLF_TIME = "%d/%b/%Y:%H:%M:%S %z";

    private final String regex;
    private final DateTimeFormatter formatter; // null: the output cannot be read back into a time
    private final String problem;

    private StrftimePattern(String regex, DateTimeFormatter formatter, String problem) {
        this.regex = regex;
        this.formatter = formatter;
        this.problem = problem;
    }

    static StrftimePattern compile(String strftime) {
        StringBuilder regex = new StringBuilder();
        DateTimeFormatterBuilder fmt = new DateTimeFormatterBuilder().parseCaseInsensitive();
        String problem = null;
        for (int i = 0; i < strftime.length(); i++) {
            char c = strftime.charAt(i);
            if (c != '%' || i + 1 == strftime.length()) {
                regex.append(Pattern.quote(String.valueOf(c)));
                fmt.appendLiteral(c);
                continue;
            }
            char conv = strftime.charAt(++i);
            // glibc flags and widths (%-d, %_H, %02d) are rare in log formats: skip them and read the digits loosely
            while ((conv == '-' || conv == '_' || conv == '0' || conv == 'E' || conv == 'O') && i + 1 < strftime.length()) {
                conv = strftime.charAt(++i);
            }
            switch (conv) {
                case 'Y' -> add(regex, fmt, "\\d{4}", "yyyy");
                case 'y' -> add(regex, fmt, "\\d{2}", "yy");
                // strftime pads these to a fixed width, which also lets %Y%m%d run together
                case 'm' -> add(regex, fmt, "\\d{2}", "MM");
                case 'd' -> add(regex, fmt, "\\d{2}", "dd");
                case 'e' -> {
                    // space-padded day: not the pattern "ppd", whose pad decorator breaks the adjacent-value parsing
                    // of a number that follows it (%e%H throws ClassCastException in DateTimeFormatterBuilder)
                    regex.append("[ \\d]\\d");
                    fmt.optionalStart().appendLiteral(' ').optionalEnd().appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE);
                }
                case 'H' -> add(regex, fmt, "\\d{2}", "HH");
                case 'I' -> add(regex, fmt, "\\d{2}", "hh");
                case 'M' -> add(regex, fmt, "\\d{2}", "mm");
                case 'S' -> add(regex, fmt, "\\d{2}", "ss");
                case 'j' -> add(regex, fmt, "\\d{3}", "DDD");
                case 'p' -> add(regex, fmt, "[AaPp][Mm]", "a");
                case 'b', 'h' -> add(regex, fmt, "[A-Za-z]{3}", "MMM");
                case 'B' -> add(regex, fmt, "[A-Za-z]+", "MMMM");
                case 'a' -> add(regex, fmt, "[A-Za-z]{3}", "EEE");
                case 'A' -> add(regex, fmt, "[A-Za-z]+", "EEEE");
                case 'z' -> add(regex, fmt, "[+-]\\d{4}", "xx");
                case 'Z' -> add(regex, fmt, "[A-Za-z][A-Za-z0-9+-]*", "z");
                case 'T' -> add(regex, fmt, "\\d{2}:\\d{2}:\\d{2}", "HH:mm:ss");
                case 'R' -> add(regex, fmt, "\\d{2}:\\d{2}", "HH:mm");
                case 'D' -> add(regex, fmt, "\\d{2}/\\d{2}/\\d{2}", "MM/dd/yy");
                case 'F' -> add(regex, fmt, "\\d{4}-\\d{2}-\\d{2}", "yyyy-MM-dd");
                case 's' -> {
                    regex.append("\\d+");
                    fmt.appendValue(ChronoField.INSTANT_SECONDS);
                }
                case '%' -> {
                    regex.append('%');
                    fmt.appendLiteral('%');
                }
                case 'n', 't' -> {
                    regex.append("\\s");
                    fmt.appendLiteral(conv == 'n' ? '\n' : '\t');
                }
                default -> {
                    regex.append(".*?");
                    problem = "strftime %" + conv + " cannot be read back into a time";
                }
            }
        }
        // httpd runs strftime in the C locale: English month and day names
        DateTimeFormatter built = problem == null ? fmt.toFormatter(Locale.ENGLISH) : null;
        return new StrftimePattern(regex.toString(), built, problem);
    }

    private static void add(StringBuilder regex, DateTimeFormatterBuilder fmt, String re, String pattern) {
        regex.append(re);
        fmt.appendPattern(pattern);
    }

    /** A regex (no groups) that matches what the format writes. */
    String regex() {
        return regex;
    }

    /** Why times in this format cannot be read, or null when they can. */
    String problem() {
        return problem;
    }

    /** The time the text names, or null when it names no full date and time (e.g. only {@code %H:%M}). */
    Instant parse(String text, ZoneId zone) {
        if (formatter == null) {
            return null;
        }
        try {
            TemporalAccessor t = formatter.parse(text);
            if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
                return Instant.from(t);
            }
            if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                return OffsetDateTime.from(t).toInstant();
            }
            ZoneId named = t.query(TemporalQueries.zone()); // %Z
            return LocalDateTime.from(t).atZone(named != null ? named : zone).toInstant();
        } catch (DateTimeException notATime) {
            return null;
        }
    }
}
