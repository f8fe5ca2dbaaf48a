package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.httpd.accesslog.AccessLogEntry;
import dev.faultline.httpd.accesslog.AccessLogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The live watch's cheap pre-filter never drops a failing answer of the recorded access logs. */
class AccessLogWatchFilterTest {
    @Test
    void everyRecordedFailureGetsThroughThePreFilter() throws Exception {
        AccessLogFormat common = AccessLogFormat.resolve("common", AccessLogFormat.debianDefaults());
        long failures = 0;
        long skipped = 0;
        try (Stream<Path> logs = Files.walk(Cli.repo().resolve("fixtures/apache"))) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("access")).toList()) {
                List<String> lines = Files.readAllLines(log);
                for (int i = 0; i < lines.size(); i++) {
                    AccessLogEntry e = common.match(i + 1, lines.get(i), ZoneOffset.UTC).orElseThrow();
                    boolean failure = e.status() >= 500 || e.status() == 403;
                    if (failure) {
                        failures++;
                        assertTrue(AccessLogWatch.mayHoldFailure(lines.get(i)), lines.get(i));
                    } else if (!AccessLogWatch.mayHoldFailure(lines.get(i))) {
                        skipped++;
                    }
                }
            }
        }
        assertTrue(failures >= 5, "the recordings hold failures: " + failures);
        assertTrue(skipped >= 10, "and the filter spares the regex on the good ones: " + skipped);
        assertFalse(AccessLogWatch.mayHoldFailure("127.0.0.1 - - [05/Dec/2026:17:31:46 +0000] \"GET /index.html HTTP/1.1\" 200 52"));
        assertTrue(AccessLogWatch.mayHoldFailure("127.0.0.1 - - [05/Dec/2026:17:31:47 +0000] \"GET /shop/ HTTP/1.1\" 500 -"));
        assertTrue(AccessLogWatch.mayHoldFailure("x 503"), "at the end of the line too");
        assertEquals(false, AccessLogWatch.mayHoldFailure(""));
    }
}
