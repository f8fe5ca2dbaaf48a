package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faultline.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Golden file: hand-written strace lines with the grammar's traps (BRIEF §1), and the events they must give.
 * The expected CSV was reviewed line by line; regenerate it only after checking each changed row by hand:
 * {@code cd src/test/resources/golden && ../../../../faultline events --quiet tricky.strace > tricky.expected.csv}
 */
class GoldenParseTest {
    @Test
    void trickyLinesGiveTheReviewedEvents() throws Exception {
        Path dir = Cli.repo().resolve("src/test/resources/golden");
        String expected = Files.readString(dir.resolve("tricky.expected.csv"), StandardCharsets.UTF_8);
        // run from the golden directory's name so the source column matches
        Cli r = Cli.run("events", "--quiet", dir.resolve("tricky.strace").toString());
        assertEquals(0, r.exit, r.err);
        String actual = r.out.replace(dir.resolve("tricky.strace").toString(), "tricky.strace");
        assertEquals(expected, actual);
    }
}
