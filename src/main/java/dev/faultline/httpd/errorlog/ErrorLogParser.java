package dev.faultline.httpd.errorlog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Streams Apache's error log line by line, handing each parsed line to a consumer, so memory stays bounded
 * whatever the log's size. Understands httpd 2.4's default format (Debian 12's apache2.conf sets no
 * ErrorLogFormat, so its logs are in it) and formats with httpd's source location ({@code %F: } as in
 * {@code [%{u}t] [%-m:%l] [pid %P:tid %T] %7F: %E: [client\ %a] %M}): bracketed fields come first and
 * whichever of them a line has are read. Lines that are not error-log lines (binary, cut short,
 * over {@link dev.faultline.Limits#LOG_LINE_BYTES}) are counted in {@link Stats} and skipped; nothing throws for bad input.
 */
public final class ErrorLogParser {


    /** What the parse saw besides the entries it handed out. */
    public static final class Stats extends LogLines.Counts {
        public long entries;
        public long unparsed;
    }

    // [Tue Nov 24 06:47:03.853648 2026] — %{u}t (microseconds) in both formats; %t has no fraction
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(
            "EEE MMM dd HH:mm:ss[.SSSSSS] yyyy", Locale.ROOT);
    private static final Pattern BRACKET = Pattern.compile("\\[([^\\]]*)\\]\\s*");
    private static final Pattern MODULE_LEVEL = Pattern.compile("([\\w.-]*):(\\w+)");
    private static final Pattern PID_TID = Pattern.compile("pid (\\d{1,18})(?::tid (\\d+))?");
    // Debian's "%7F: " — httpd's source file(line) before the message
    private static final Pattern SOURCE = Pattern.compile("^\\s*([\\w.-]+\\.c\\(\\d+\\)):\\s*");
    private static final Pattern AH = Pattern.compile("^(AH\\d{5}):\\s*");
    // %E: the OS error, "(13)Permission denied: ", before the client and the AH code
    private static final Pattern OS_ERROR = Pattern.compile("^(\\(\\d+\\)[^:\\[]*):\\s*");

    /** Linux's largest possible pid or tid (PID_MAX_LIMIT on 64-bit). */
    static final long PID_MAX_LIMIT = 4_194_304;

    private final ZoneId zone;

    public ErrorLogParser(ZoneId zone) {
        this.zone = zone;
    }

    /** Opens a log: {@code -} is stdin; gzip and zstd are told by their magic bytes, not the name. */
    public static InputStream open(String fileOrDash) throws IOException {
        InputStream raw = fileOrDash.equals("-") ? System.in
                : new dev.faultline.trace.PipeSafeInputStream(Files.newInputStream(Path.of(fileOrDash)));
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return new ZstdCompressorInputStream(in);
        }
        return in;
    }

    /** Reads {@code in} to its end; an I/O error part way ends the parse with what was read. */
    public Stats parse(InputStream in, Consumer<ErrorLogEntry> sink) {
        Stats stats = new Stats();
        LogLines.read(in, stats, (lineNo, text) -> {
            Optional<ErrorLogEntry> entry = parseLine(lineNo, text);
            if (entry.isPresent()) {
                stats.entries++;
                sink.accept(entry.get());
            } else {
                stats.unparsed++;
            }
        });
        return stats;
    }

    /** One line; empty when it is not an error-log line. */
    public Optional<ErrorLogEntry> parseLine(long lineNumber, String text) {
        Optional<java.time.ZonedDateTime> time = Optional.empty();
        String module = "";
        String level = "";
        long pid = -1;
        long tid = -1;
        Optional<String> client = Optional.empty();
        int at = 0;
        boolean sawField = false;
        Matcher bracket = BRACKET.matcher(text);
        while (bracket.region(at, text.length()).lookingAt()) {
            String field = bracket.group(1);
            Matcher m;
            if (!sawField && time.isEmpty() && (time = parseTime(field)).isPresent()) {
                // the time stamp
            } else if (field.startsWith("pid ") && (m = PID_TID.matcher(field)).matches()) {
                pid = Long.parseLong(m.group(1));
                tid = m.group(2) == null || m.group(2).length() > 18 ? -1 : Long.parseLong(m.group(2));
                if (tid > PID_MAX_LIMIT) {
                    // threaded MPMs (event, worker) log pthread_self(), an address, not the kernel's thread id
                    tid = -1;
                }
            } else if (field.startsWith("client ")) {
                client = Optional.of(field.substring("client ".length()).trim());
            } else if (module.isEmpty() && level.isEmpty() && (m = MODULE_LEVEL.matcher(field.trim())).matches()) {
                module = m.group(1);
                level = m.group(2);
            } else {
                break;
            }
            sawField = true;
            at = bracket.end();
        }
        if (time.isEmpty() || level.isEmpty()) {
            Optional<ErrorLogEntry> php = phpLine(lineNumber, text);
            if (php.isPresent() || sawField) {
                return php;
            }
            return startupLine(lineNumber, text);
        }
        String rest = text.substring(at);
        Optional<String> source = Optional.empty();
        Matcher sourceMatch = SOURCE.matcher(rest);
        if (sourceMatch.lookingAt()) {
            source = Optional.of(sourceMatch.group(1));
            rest = rest.substring(sourceMatch.end());
        }
        Optional<String> ah = Optional.empty();
        Matcher ahMatch = AH.matcher(rest);
        if (ahMatch.lookingAt()) {
            ah = Optional.of(ahMatch.group(1));
            rest = rest.substring(ahMatch.end());
        }
        Matcher osError = OS_ERROR.matcher(rest);
        String osErrorText = "";
        if (osError.lookingAt()) {
            osErrorText = osError.group(1) + ": ";
            rest = rest.substring(osError.end());
        }
        // "AH01630: [client 1.2.3.4:5] message" — the client comes after the code
        Matcher late = BRACKET.matcher(rest);
        if (client.isEmpty() && late.lookingAt() && late.group(1).startsWith("client ")) {
            client = Optional.of(late.group(1).substring("client ".length()).trim());
            rest = rest.substring(late.end());
        }
        if (ah.isEmpty() && (ahMatch = AH.matcher(rest)).lookingAt()) {
            ah = Optional.of(ahMatch.group(1));
            rest = rest.substring(ahMatch.end());
        }
        return Optional.of(new ErrorLogEntry(lineNumber, time, module, level, pid, tid, client, ah, source,
                osErrorText + rest.strip()));
    }

    // journalctl's default (short) format: "Dec 05 17:00:01 web1 apachectl[4121]: message"
    private static final Pattern JOURNAL = Pattern.compile("^([A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}) \\S+ [\\w.@/-]+?(?:\\[(\\d{1,9})\\])?: (.*)$");
    private static final DateTimeFormatter JOURNAL_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    // what httpd writes to stderr before its ErrorLog is open: "AH00526: Syntax error on line 2 of F:",
    // "apache2: Syntax error on line 2 of F: ..."
    private static final Pattern STARTUP = Pattern.compile("^(?:[\\w.-]+: )?(?:AH\\d{5}: |Syntax error on line \\d+ of )");

    /**
     * A start-up error, which goes to stderr or the journal on a cold start, not to ErrorLog: a line of
     * {@code journalctl -u apache2} (its own time and pid; an httpd log line inside is read as one), or a bare message
     * of httpd's stderr that starts with an AH code or "Syntax error on line N of F". Level "stderr".
     */
    private Optional<ErrorLogEntry> startupLine(long lineNumber, String text) {
        Matcher j = JOURNAL.matcher(text);
        Optional<java.time.ZonedDateTime> time = Optional.empty();
        long pid = -1;
        String message = text;
        if (j.matches()) {
            message = j.group(3);
            if (message.startsWith("[")) {
                return parseLine(lineNumber, message);
            }
            pid = j.group(2) == null ? -1 : Long.parseLong(j.group(2));
            time = journalTime(j.group(1));
        }
        if (!STARTUP.matcher(message).lookingAt()) {
            return Optional.empty();
        }
        String program = "";
        int colon = message.indexOf(": ");
        if (!message.startsWith("AH") && !message.startsWith("Syntax") && colon > 0) {
            program = message.substring(0, colon);
            message = message.substring(colon + 2);
        }
        Optional<String> ah = Optional.empty();
        Matcher ahMatch = AH.matcher(message);
        if (ahMatch.lookingAt()) {
            ah = Optional.of(ahMatch.group(1));
            message = message.substring(ahMatch.end());
        }
        return Optional.of(new ErrorLogEntry(lineNumber, time, program, "stderr", pid, -1, Optional.empty(), ah, Optional.empty(),
                message.strip()));
    }

    // php-fpm's log: "[05-Dec-2026 17:32:26] WARNING: [pool www] child 21758 said into stderr: \"NOTICE: PHP message: ...\""
    // PHP's own error_log: "[05-Dec-2026 17:32:26 UTC] PHP Warning:  require_once(...)"
    private static final Pattern PHP_LOG = Pattern.compile("^\\[(\\d{2}-[A-Z][a-z]{2}-\\d{4} \\d{2}:\\d{2}:\\d{2})(?: ([\\w/+-]+))?\\] (.*)$");
    private static final Pattern FPM_CHILD = Pattern.compile("^(\\w+): \\[pool ([^\\]]+)\\] child (\\d{1,9}) said into std(?:err|out): \"(.*?)\"?$");
    private static final DateTimeFormatter PHP_TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ROOT);

    /**
     * A line of php-fpm's log (a worker's stderr, with its pid: where PHP's messages go when the pool catches its
     * workers' output) or of PHP's own error_log. Level "php-fpm" or "php"; the message is PHP's.
     */
    private Optional<ErrorLogEntry> phpLine(long lineNumber, String text) {
        Matcher m = PHP_LOG.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<java.time.ZonedDateTime> time;
        try {
            ZoneId at = m.group(2) == null ? zone : ZoneId.of(m.group(2));
            time = Optional.of(LocalDateTime.parse(m.group(1), PHP_TIME).atZone(at));
        } catch (java.time.DateTimeException e) { // a bad date, or a zone name Java does not know
            return Optional.empty();
        }
        String message = m.group(3);
        Matcher child = FPM_CHILD.matcher(message);
        if (child.matches()) {
            return Optional.of(new ErrorLogEntry(lineNumber, time, "pool " + child.group(2), "php-fpm", Long.parseLong(child.group(3)), -1,
                    Optional.empty(), Optional.empty(), Optional.empty(), child.group(4).strip()));
        }
        if (!message.startsWith("PHP ")) {
            return Optional.empty(); // php-fpm's own notices (starting, reloading): nothing about a request
        }
        return Optional.of(new ErrorLogEntry(lineNumber, time, "", "php", -1, -1, Optional.empty(), Optional.empty(), Optional.empty(),
                message.strip()));
    }

    /** The journal's time has no year: this year, or last year when that would be more than a day ahead. */
    private Optional<java.time.ZonedDateTime> journalTime(String field) {
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now(zone);
        try {
            java.time.ZonedDateTime t = LocalDateTime.parse(field + " " + now.getYear(), JOURNAL_TIME).atZone(zone);
            return Optional.of(t.isAfter(now.plusDays(1)) ? t.minusYears(1) : t);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Optional<java.time.ZonedDateTime> parseTime(String field) {
        try {
            return Optional.of(LocalDateTime.parse(field.trim(), TIME).atZone(zone));
        } catch (DateTimeParseException notATime) {
            return Optional.empty();
        }
    }
}
