package dev.faultline.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faultline.Limits;
import dev.faultline.httpd.accesslog.AccessLogEntry;
import dev.faultline.httpd.accesslog.AccessLogFormat;
import dev.faultline.httpd.accesslog.AccessLogParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the access-log reader: a LogFormat string compiled by {@link AccessLogFormat#resolve} (fuzzed too: unknown
 * directives, {@code %{...}t} strftime formats, conditions, escapes), and a log file read through
 * {@link AccessLogParser#open} and {@link AccessLogParser#parse}, with the fallback Debian formats.
 *
 * <p>Contract: only the {@link IOException} of opening a corrupt compressed file may escape; no entry's string holds
 * more than its line; a format that backtracks is cut by the match budget (libFuzzer's {@code -timeout} turns a hang
 * into a finding).
 */
class AccessLogFuzzTest {

    private static final FuzzFiles FILES = new FuzzFiles();

    @AfterAll
    static void cleanUp() throws IOException {
        FILES.remove();
    }

    private static final String[] FORMATS = {"combined", "common", "vhost_combined", "referer", "agent", "CLF",
        AccessLogFormat.HTTPD_DEFAULT_FORMAT, "%h %l %u %t \\\"%r\\\" %>s %b", "%a %{%d/%b/%Y:%H:%M:%S}t %P %{tid}P %D %>s %U",
        "%v %h %{end:%s}t %T %m %U%q %H %s", "nickname-not-defined"};

    /** The log as the input; the format picked from Debian's and httpd's (the combined ones the fixtures hold). */
    @DictionaryEntries({"127.0.0.1 - - ", "[05/Dec/2026:17:32:43 +0000] ", "\"GET / HTTP/1.1\" ", "\"POST /app/index.php?x=1 HTTP/1.0\" ",
        "200 ", "500 ", "503 ", "- ", "571", "\"-\" ", "\"Mozilla/5.0\"", "example.com:80 ", "\\\"", "\\x"})
    @FuzzTest
    void fuzzAccessLogFile(byte[] input) throws IOException {
        parseLikeCli("combined", input);
    }

    /** A fuzzed LogFormat (built from its directives, or free text) and a fuzzed log. */
    @DictionaryEntries({"%h", "%a", "%{c}a", "%l", "%u", "%t", "%{%d/%b/%Y:%H:%M:%S %z}t", "%{sec}t", "%{msec_frac}t",
        "%{begin:%H:%M}t", "%{end:", "%r", "%>s", "%<s", "%s", "%b", "%B", "%O", "%I", "%D", "%T", "%{ms}T", "%P", "%{pid}P",
        "%{tid}P", "%v", "%V", "%p", "%U", "%q", "%m", "%H", "%{Referer}i", "%{User-Agent}i", "%{X}o", "%{X}e", "%{X}n",
        "%{X}C", "%400,501{Referer}i", "%!200s", "%%", "%", "%{", "}", "\\\"", "\"", "\\t", "\\n", " ", "%Z", "%f", "%k",
        "%L", "%R", "%X", "%^ti", "%{%s}t", "%j", "%e", "%F"})
    @FuzzTest
    void fuzzAccessLogFormat(FuzzedDataProvider data) throws IOException {
        String format = data.consumeBoolean() ? data.pickValue(FORMATS) : data.consumeString(200);
        parseLikeCli(format, data.consumeRemainingAsBytes());
    }

    private static void parseLikeCli(String formatOrNickname, byte[] log) throws IOException {
        Map<String, String> nicknames = new java.util.HashMap<>(AccessLogFormat.debianDefaults());
        AccessLogFormat format = AccessLogFormat.resolve(formatOrNickname, nicknames);
        assertNotNull(format.format());
        assertNotNull(format.warnings());
        assertNotNull(format.toString());
        FILES.empty();
        Path file = FILES.dir().resolve("access.log");
        Files.write(file, log);
        long bound = Limits.LOG_LINE_BYTES + 1L;
        AccessLogParser.Stats stats;
        try (InputStream in = AccessLogParser.open(file.toString())) {
            stats = new AccessLogParser(format, ZoneOffset.UTC).parse(in, e -> checkEntry(e, bound));
        } catch (IOException e) {
            boolean compressed = log.length >= 2 && ((log[0] & 0xff) == 0x1f || (log[0] & 0xff) == 0x28);
            assertTrue(compressed, "only a compressed log may fail to open: " + e);
            return;
        }
        assertTrue(stats.otherFormat <= stats.entries);
        assertTrue(stats.entries + stats.unparsed <= stats.lines + 1, stats.entries + " entries, " + stats.lines + " lines");
    }

    private static void checkEntry(AccessLogEntry e, long bound) {
        assertTrue(e.line() >= 1);
        for (String s : new String[] {e.method(), e.path(), e.vhost(), e.client()}) {
            assertNotNull(s);
            assertTrue(s.length() <= bound, "a field of " + s.length() + " chars");
        }
        assertTrue(e.status() >= 0, "status " + e.status());
    }
}
