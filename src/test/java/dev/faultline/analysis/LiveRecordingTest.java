package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records every native/ fixture afresh with the real strace on this machine (gcc-built native/confsrv) and
 * checks the verdicts: the committed recordings are not the only evidence the engine works.
 */
class LiveRecordingTest {
    @TempDir
    Path out;

    @Test
    void freshRecordingsGiveTheExpectedVerdicts() throws Exception {
        Path script = Cli.repo().resolve("native/record-fixtures.sh");
        Process p = new ProcessBuilder("bash", script.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "recording finished");
        assertEquals(0, p.exitValue(), "record-fixtures.sh failed:\n" + log);
        List<Object[]> recordings = FixtureVerdictTest.recordingsUnder(out);
        assertTrue(recordings.size() >= 6 * 7, "every case under every flag set: " + recordings.size());
        for (Object[] r : recordings) {
            @SuppressWarnings("unchecked")
            List<String> args = (List<String>) r[2];
            FixtureVerdictTest.check((Path) r[1], args);
        }
    }
}
