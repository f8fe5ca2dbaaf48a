package dev.faultline.httpd.errorlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The parser on the committed real error logs of fixtures/apache, and on input that is not a log. */
class ErrorLogParserTest {

    private final ErrorLogParser parser = new ErrorLogParser(ZoneOffset.UTC);

    private List<ErrorLogEntry> read(InputStream in, ErrorLogParser.Stats[] stats) {
        List<ErrorLogEntry> entries = new ArrayList<>();
        stats[0] = parser.parse(in, entries::add);
        return entries;
    }

    @Test
    void htaccessTypoLogNamesTheHtaccessAndTheDirective() throws IOException {
        ErrorLogParser.Stats[] stats = new ErrorLogParser.Stats[1];
        List<ErrorLogEntry> entries;
        try (InputStream in = ErrorLogParser.open("fixtures/apache/htaccess-typo/error.log")) {
            entries = read(in, stats);
        }
        assertEquals(4, entries.size());
        assertEquals(0, stats[0].unparsed);
        ErrorLogEntry alert = entries.get(2);
        assertEquals(3, alert.logLine());
        assertEquals("core", alert.module());
        assertEquals("alert", alert.level());
        assertEquals(21738, alert.pid());
        assertEquals(21738, alert.tid());
        assertEquals("127.0.0.1:60044", alert.client().orElseThrow());
        assertEquals(2026, alert.time().orElseThrow().getYear());
        assertEquals(343642000, alert.time().orElseThrow().getNano());
        ErrorLogFinding finding = ErrorLogFinding.of(alert).orElseThrow();
        assertEquals(ErrorLogFinding.Kind.CONFIG, finding.kind());
        assertEquals("/tmp/faultline-apache/htaccess-typo/htdocs/app/.htaccess", finding.file().orElseThrow());
        assertEquals("RewriteEngin", finding.directive().orElseThrow());
        assertEquals("AH00163", entries.get(0).ahCode().orElseThrow());
        Path snapshot = Path.of("fixtures/apache/htaccess-typo/snapshot");
        assertEquals(2, DirectiveLine.find(snapshot, finding.file().orElseThrow(), "RewriteEngin").orElseThrow());
        assertTrue(DirectiveLine.find(snapshot, finding.file().orElseThrow(), "NoSuchDirective").isEmpty());
        assertTrue(DirectiveLine.find(snapshot, "/no/such/.htaccess", "RewriteEngin").isEmpty());
    }

    @Test
    void phpMissingIncludeNamesTheIncluderAndLine() throws IOException {
        List<ErrorLogEntry> entries;
        try (InputStream in = ErrorLogParser.open("fixtures/apache/php-missing-include/error.log")) {
            entries = read(in, new ErrorLogParser.Stats[1]);
        }
        ErrorLogFinding fatal = entries.stream().filter(e -> e.level().equals("error"))
                .map(ErrorLogFinding::of).flatMap(java.util.Optional::stream).findFirst().orElseThrow();
        assertEquals(ErrorLogFinding.Kind.MISSING_INCLUDE, fatal.kind());
        assertEquals("/tmp/faultline-apache/php-missing-include/htdocs/wp/wp-settings.php", fatal.file().orElseThrow());
        assertEquals(32, fatal.line().orElseThrow());
    }

    @Test
    void childCrashIsACrashOfItsPid() throws IOException {
        List<ErrorLogEntry> entries;
        try (InputStream in = ErrorLogParser.open("fixtures/apache/php-stack-overflow/error.log")) {
            entries = read(in, new ErrorLogParser.Stats[1]);
        }
        ErrorLogFinding crash = entries.stream().map(ErrorLogFinding::of).flatMap(java.util.Optional::stream)
                .filter(f -> f.kind() == ErrorLogFinding.Kind.CRASH).findFirst().orElseThrow();
        assertEquals(22757, crash.crashedPid().orElseThrow());
        assertTrue(crash.coreDir().isEmpty());
        ErrorLogFinding withCore = ErrorLogFinding.of(parser.parseLine(1,
                "[Tue Nov 24 06:47:17.927605 2026] [core:notice] [pid 9:tid 9] AH00051: child pid 22757 exit signal"
                        + " Segmentation fault (11), possible coredump in /tmp/cores").orElseThrow()).orElseThrow();
        assertEquals("/tmp/cores", withCore.coreDir().orElseThrow());
    }

    @Test
    void gzipOfALogReadsTheSameAndSourceFormatIsRead() throws IOException {
        byte[] plain = Files.readAllBytes(Path.of("fixtures/apache/htaccess-typo/error.log"));
        Path gz = Files.createTempFile("errorlog-", ".gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(plain);
        }
        try (InputStream in = ErrorLogParser.open(gz.toString())) {
            assertEquals(4, read(in, new ErrorLogParser.Stats[1]).size());
        } finally {
            Files.delete(gz);
        }
        Path zst = Files.createTempFile("errorlog-", ".zst");
        try (com.github.luben.zstd.ZstdOutputStream out =
                new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(zst))) {
            out.write(plain);
        }
        try (InputStream in = ErrorLogParser.open(zst.toString())) {
            assertEquals(4, read(in, new ErrorLogParser.Stats[1]).size());
        } finally {
            Files.delete(zst);
        }
        ErrorLogEntry withSource = parser.parseLine(7, "[Tue Nov 24 06:47:17.927605 2026] [authz_core:error]"
                + " [pid 5:tid 6] mod_authz_core.c(862): [client 127.0.0.1:1] AH01630: client denied").orElseThrow();
        assertEquals("mod_authz_core.c(862)", withSource.sourceFile().orElseThrow());
        assertEquals("AH01630", withSource.ahCode().orElseThrow());
        assertEquals("127.0.0.1:1", withSource.client().orElseThrow());
        assertEquals("client denied", withSource.message());
    }

    @Test
    void binaryHugeAndCutLinesAreCountedNotThrown() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("not a log line\n".getBytes());
        bytes.writeBytes(new byte[] {1, 0, 2, '\n'});
        bytes.writeBytes("[Tue Nov 24 06:47:17 2026] [core:error] [pid 1] ".getBytes());
        bytes.writeBytes("x".repeat(dev.faultline.Limits.LOG_LINE_BYTES + 10).getBytes());
        bytes.writeBytes("\n[Tue Nov 24 06:47:17 2026] [core:error] [pid 3] cut".getBytes());
        ErrorLogParser.Stats[] stats = new ErrorLogParser.Stats[1];
        List<ErrorLogEntry> entries = read(new ByteArrayInputStream(bytes.toByteArray()), stats);
        assertEquals(1, entries.size());
        assertEquals(3, entries.get(0).pid());
        assertEquals(-1, entries.get(0).tid());
        assertEquals(1, stats[0].unparsed);
        assertEquals(1, stats[0].binary);
        assertEquals(1, stats[0].tooLong);
    }

    /**
     * Found by ErrorLogFuzzTest (29 exec/s on the fixtures): the messages' patterns began with \\S+, so a long word
     * took quadratic time, over 2 minutes for one 60 KiB line. Now linear; the file names are read as before.
     */
    @Test
    void aLongWordTakesLinearTime() {
        String word = "a".repeat(60_000);
        long start = System.nanoTime();
        for (String tail : new String[] {"", ": Invalid command 'X'", " pcfg_openfile: unable to check htaccess file", ".conf:12"}) {
            ErrorMessages.parse(word + tail);
        }
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
        String log = "/srv/www/.htaccess: Invalid command 'RewriteEngin', perhaps misspelled; x/y.htaccess: Options not allowed here;"
                + " /srv/www/blog/.htaccess pcfg_openfile: unable to check htaccess file; at ../conf/site.conf:12.";
        List<ErrorMessages.Named> named = ErrorMessages.parse(log);
        assertEquals(List.of("/srv/www/.htaccess", "x/y.htaccess", "/srv/www/blog/.htaccess"),
                named.stream().map(n -> n.path).toList());
        assertEquals("RewriteEngin", named.get(0).directive);
        assertEquals("Options", named.get(1).directive);
        List<ErrorMessages.Named> fileLine = ErrorMessages.parse("failed at /srv/conf/site.conf:12 and etc/a.ini:3");
        assertEquals(List.of("/srv/conf/site.conf", "etc/a.ini"), fileLine.stream().map(n -> n.path).toList());
        assertEquals(12, fileLine.get(0).line);
    }
}
