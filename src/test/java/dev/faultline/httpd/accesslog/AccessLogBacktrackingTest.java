package dev.faultline.httpd.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** A format of free-text fields between spaces meets long lines that almost match: bounded work, no exception. */
class AccessLogBacktrackingTest {

    @Test
    void nearMissLinesOfAManyTextFieldFormatEndQuickly() {
        // five lazy text fields: a line of spaced words with no "[" makes a plain regex try every split of it
        AccessLogFormat format = AccessLogFormat.compile("%u %{X-A}i %{X-B}i %{X-C}i %{X-D}i [%>s]");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            lines.append("w ".repeat(30_000)).append("end\n");
        }
        byte[] log = lines.toString().getBytes(StandardCharsets.US_ASCII);
        AccessLogParser.Stats stats = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                new AccessLogParser(format, ZoneId.of("UTC")).parse(new ByteArrayInputStream(log), e -> { }));
        assertEquals(20, stats.lines);
        assertEquals(20, stats.unparsed);
    }
}
