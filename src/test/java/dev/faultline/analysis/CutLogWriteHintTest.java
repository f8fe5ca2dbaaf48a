package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import org.junit.jupiter.api.Test;

/**
 * The hint to trace with -s 1024 when httpd's error-log writes were cut: the recorded location-handler-prefork case
 * was traced with strace's default -s 32 (k.txt), so its error-log messages are cut at 32 bytes.
 */
class CutLogWriteHintTest {
    @Test
    void errorLogWritesCutAtStracesDefaultGetTheHint() {
        Cli r = Cli.run("analyze", Cli.repo().resolve("fixtures/httpd/location-handler-prefork/k.txt").toString(), "--format", "json");
        assertTrue(r.out.contains("error-log write(s) were cut at 32 bytes") && r.out.contains("-s 1024"), r.out);
    }
}
