package dev.faultline.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faultline.Limits;
import dev.faultline.analysis.Analyzer;
import dev.faultline.analysis.ErrorLogEvidence;
import dev.faultline.analysis.FileSource;
import dev.faultline.analysis.Incident;
import dev.faultline.httpd.errorlog.ErrorLogEntry;
import dev.faultline.httpd.errorlog.ErrorLogFinding;
import dev.faultline.httpd.errorlog.ErrorLogParser;
import dev.faultline.report.JsonReport;
import dev.faultline.report.MarkdownReport;
import dev.faultline.report.Report;
import dev.faultline.report.TextReport;
import dev.faultline.trace.ParseStats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes Apache's error-log reader the way {@code analyze --error-log FILE} takes it: the file opened by
 * {@link ErrorLogParser#open} (gzip/zstd sniffing), every line through {@link ErrorLogParser#parse}, each entry
 * classified by {@link ErrorLogFinding#of} and kept by {@link ErrorLogEvidence}, the incidents the log makes on its
 * own through the {@link Analyzer}, and the report rendered as JSON, text and Markdown.
 *
 * <p>Contract: only the {@link IOException} of opening a corrupt compressed file may escape; no entry holds more
 * text than its line, and no line more than {@link Limits#LOG_LINE_BYTES}. See docs/fuzzing.md.
 */
class ErrorLogFuzzTest {

    private static final FuzzFiles FILES = new FuzzFiles();

    @AfterAll
    static void cleanUp() throws IOException {
        FILES.remove();
    }

    /** Arbitrary bytes as an error-log file. */
    @DictionaryEntries({"[Sat Dec 05 17:32:01.551391 2026] ", "[Tue Nov 24 06:47:03 2026] ", "[core:alert] ", "[php:error] ",
        "[mpm_prefork:notice] ", "[proxy_fcgi:error] ", "[:error] ", "[pid ", ":tid ", "] ", "[client 127.0.0.1:38144] ",
        "[remote ::1:80] ", "AH00051: ", "AH00052: ", "AH00529: ", "AH00132: ", "AH00035: ", "AH01630: ", "AH01071: ",
        "AH00526: ", "AH00094: ", "AH00169: ", "core.c(4350): ", "(13)Permission denied: ", "(2)No such file or directory: ",
        "child pid 1234 exit signal Segmentation fault (11), possible coredump in /tmp", "exit signal Aborted (6)",
        "Syntax error on line 12 of /etc/apache2/apache2.conf:", "Invalid command 'RewriteEngin', perhaps misspelled",
        ".htaccess: ", "pcfg_openfile: unable to check htaccess file", "PHP Fatal error:  ", "PHP Warning:  ",
        "Failed opening required '", "' (include_path='.:/usr/share/php') in ", " on line ", ".php:4\\nStack trace:",
        "Got error 'PHP message: ", "; PHP message: ", "Could not open configuration file "})
    @FuzzTest
    void fuzzErrorLogFile(byte[] input) throws IOException {
        analyzeLikeCli(input);
    }

    private static final String[] MODULES = {"core", "php", "php7", "mpm_prefork", "mpm_event", "proxy_fcgi", "authz_core",
        "ssl", "", "x"};
    private static final String[] LEVELS = {"alert", "crit", "error", "warn", "notice", "emerg", "info", "debug", "trace8"};
    private static final String[] CODES = {"AH00051", "AH00052", "AH00529", "AH00132", "AH00035", "AH01630", "AH01071",
        "AH00526", "AH00094", "AH00169", "AH99999", "AH"};
    private static final String[] PATHS = {"/etc/apache2/apache2.conf", "/srv/www/.htaccess", "/srv/www/index.php",
        "/etc/apache2/sites-enabled/000-default.conf", "", "relative.conf", "/srv/a b/c.php", "/tmp/\u00e9t\u00e9.ini"};
    private static final String[] MESSAGES = {"child pid %d exit signal Segmentation fault (11), possible coredump in %s",
        "child pid %d exit signal Aborted (6)", "Syntax error on line %d of %s:", "%s: Invalid command 'RewriteEngin', perhaps misspelled",
        "%s pcfg_openfile: unable to check htaccess file, ensure it is readable and that '%s' is executable",
        "PHP Fatal error:  Uncaught Error: Failed opening required '%s' (include_path='.:/usr/share/php') in %s on line %d",
        "PHP Warning:  include(%s): Failed to open stream: No such file or directory in %s on line %d",
        "Got error 'PHP message: PHP Parse error:  syntax error in %s on line %d'", "client denied by server configuration: %s",
        "Could not open configuration file %s: No such file or directory", "caught SIGTERM, shutting down", "%s"};

    /**
     * Plausible error-log lines: date forms, module:level pairs, pid/tid, client, source file, AH codes and the
     * messages the finding classifier knows, with fuzzed numbers, paths and cuts.
     */
    @FuzzTest
    void fuzzErrorLogLines(FuzzedDataProvider data) throws IOException {
        StringBuilder log = new StringBuilder();
        int lines = data.consumeInt(1, 40);
        for (int n = 0; n < lines && data.remainingBytes() > 0; n++) {
            StringBuilder line = new StringBuilder(160);
            switch (data.consumeInt(0, 3)) {
                case 0 -> line.append("[Sat Dec 05 17:32:").append(data.consumeInt(0, 99)).append('.').append(data.consumeInt(0, 999999))
                        .append(" 2026] ");
                case 1 -> line.append("[Tue Nov 24 06:47:03 ").append(data.consumeInt(-1, 99999)).append("] ");
                case 2 -> line.append('[').append(data.consumeString(40)).append("] ");
                default -> { }
            }
            if (data.consumeBoolean()) {
                line.append('[').append(data.pickValue(MODULES)).append(':').append(data.pickValue(LEVELS)).append("] ");
            }
            if (data.consumeBoolean()) {
                line.append("[pid ").append(number(data));
                if (data.consumeBoolean()) {
                    line.append(":tid ").append(number(data));
                }
                line.append("] ");
            }
            if (data.consumeInt(0, 3) == 0) {
                line.append("core.c(").append(number(data)).append("): ");
            }
            if (data.consumeBoolean()) {
                line.append("[client 127.0.0.1:").append(data.consumeInt(0, 70000)).append("] ");
            }
            if (data.consumeBoolean()) {
                line.append(data.pickValue(CODES)).append(": ");
            }
            String msg = data.pickValue(MESSAGES);
            line.append(fill(msg, data));
            if (data.consumeInt(0, 7) == 0) {
                line.append(data.consumeString(200));
            }
            String text = line.toString();
            if (data.consumeInt(0, 9) == 0) {
                text = text.substring(0, data.consumeInt(0, text.length()));
            }
            log.append(text).append(data.consumeInt(0, 9) == 0 ? "\r\n" : "\n");
        }
        analyzeLikeCli(log.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The message with each %d a fuzzed number and each %s a path. */
    private static String fill(String msg, FuzzedDataProvider data) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < msg.length(); i++) {
            char c = msg.charAt(i);
            if (c == '%' && i + 1 < msg.length()) {
                char k = msg.charAt(++i);
                out.append(k == 'd' ? number(data) : data.pickValue(PATHS));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Small, negative, huge and over-long numbers: the parser's integer fields must take them all. */
    private static String number(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0 -> Long.toString(data.consumeLong());
            case 1 -> "99999999999999999999999";
            case 2 -> "-" + data.consumeInt(0, 100);
            default -> Integer.toString(data.consumeInt(0, 40000));
        };
    }

    /** What {@code analyze --error-log FILE} does with no trace: AnalyzeCommand.readErrorLog, then logsOnly. */
    private static void analyzeLikeCli(byte[] input) throws IOException {
        FILES.empty();
        Path file = FILES.dir().resolve("error.log");
        Files.write(file, input);
        long longest = longestLine(input);
        ErrorLogEvidence logs = new ErrorLogEvidence(FILES.dir());
        List<ErrorLogEntry> entries = new ArrayList<>();
        ErrorLogParser.Stats stats;
        try (InputStream in = ErrorLogParser.open(file.toString())) {
            stats = new ErrorLogParser(ZoneOffset.UTC).parse(in, e -> {
                checkEntry(e, longest);
                ErrorLogFinding.of(e);
                logs.accept(file.toString(), e);
                if (entries.size() < 1000) {
                    entries.add(e);
                }
            });
        } catch (IOException e) {
            boolean compressed = input.length >= 2 && (input[0] & 0xff) == 0x1f && (input[1] & 0xff) == 0x8b
                    || input.length >= 4 && (input[0] & 0xff) == 0x28 && (input[1] & 0xff) == 0xb5;
            assertTrue(compressed, "only a compressed log may fail to open: " + e);
            return;
        }
        assertTrue(stats.entries + stats.unparsed + stats.binary + stats.tooLong >= stats.entries);
        for (ErrorLogEntry e : entries) {
            logs.incidentFor(file.toString(), e);
        }
        logs.coreHints();
        logs.hints();
        List<Incident> fromLog = logs.apply(List.of());
        assertTrue(fromLog.size() <= Limits.LOG_INCIDENTS * 4, fromLog.size() + " incidents from a log");
        Analyzer analyzer = new Analyzer(new FileSource(FILES.dir()));
        fromLog.forEach(analyzer::addExternal);
        List<Incident> incidents = analyzer.finish();
        for (Incident inc : incidents) {
            assertNotNull(inc.verdict, "every reported incident has a verdict");
        }
        Report report = new Report(List.of(file.toString()), new ArrayList<>(incidents), new ParseStats());
        report.traced = false;
        report.errorLogs.add(file.toString());
        assertNotNull(JsonReport.render(report));
        assertNotNull(new TextReport(false).render(report));
        assertNotNull(MarkdownReport.render(report));
    }

    /** Bounded memory: an entry's strings come from its one line, which is at most LOG_LINE_BYTES. */
    private static void checkEntry(ErrorLogEntry e, long longestLine) {
        long bound = Math.min(longestLine, Limits.LOG_LINE_BYTES) + 1;
        assertTrue(e.message().length() <= bound, "message of " + e.message().length() + " chars, line " + longestLine);
        assertTrue(e.module().length() <= bound && e.level().length() <= bound);
        assertTrue(e.client().map(String::length).orElse(0) <= bound);
        assertTrue(e.logLine() >= 1);
    }

    private static long longestLine(byte[] c) {
        if (c.length >= 2 && ((c[0] & 0xff) == 0x1f || (c[0] & 0xff) == 0x28)) {
            return Limits.LOG_LINE_BYTES; // compressed, maybe: its lines are not these bytes'
        }
        long longest = 0;
        long cur = 0;
        for (byte b : c) {
            if (b == '\n') {
                cur = 0;
            } else {
                longest = Math.max(longest, ++cur);
            }
        }
        return longest;
    }
}
