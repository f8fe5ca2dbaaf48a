package dev.faultline.httpd.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Times written by the real strftime (date(1) uses it) are read back; glibc's output is the oracle. */
class StrftimePatternTest {

    /** Found by AccessLogFuzzTest: %e followed by a number (%e%H) threw ClassCastException out of compile. */
    @Test
    void spacePaddedDayFollowedByANumberReadsBack() throws Exception {
        for (long epoch : new long[] {1796437262L, 1795338062L}) { // 2026-12-05 and 2026-11-22, one and two-digit days
            for (String format : new String[] {"%Y-%m-%e%H:%M:%S", "%b %e %H:%M:%S %Y", "[%e/%b/%Y:%T %z]"}) {
                String written = strftime(format, epoch);
                StrftimePattern p = StrftimePattern.compile(format);
                assertTrue(written.matches(p.regex()), written + " against " + p.regex());
                assertEquals(Instant.ofEpochSecond(epoch), p.parse(written, ZoneOffset.UTC), format + ": " + written);
            }
        }
    }

    private static String strftime(String format, long epoch) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("date", "-u", "-d", "@" + epoch, "+" + format).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("date(1) is not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0);
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }
}
