package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real strace output in fixtures/strace-formats parses with no unknown line. */
class StraceFormatsCoverageTest {
    static final Path DIR = Cli.repo().resolve("fixtures/strace-formats");

    /** One entry per recording: a .txt file, or the set of -ff files sharing a prefix. */
    static Stream<List<String>> recordings() throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(DIR)) {
            List<Path> all = s.sorted().collect(Collectors.toList());
            for (Path p : all) {
                if (p.toString().endsWith(".txt")) {
                    out.add(List.of(p.toString()));
                }
            }
            for (String ff : new String[] {"04_ff.", "57_ff_tt."}) {
                List<String> set = all.stream().map(Path::toString)
                        .filter(n -> Path.of(n).getFileName().toString().matches(java.util.regex.Pattern.quote(ff) + "\\d+"))
                        .collect(Collectors.toList());
                out.add(set);
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void parsesWithNoUnknownLine(List<String> files) throws Exception {
        assertTrue(files.size() >= 1);
        long events = 0;
        ParseStats stats;
        try (TraceSet set = new TraceSet(files)) {
            while (set.next() != null) {
                events++;
            }
            stats = set.stats();
        }
        assertEquals(0, stats.unknownLines, () -> "unknown lines: " + String.join("\n", stats_samples(files)));
        boolean summaryOnly = files.get(0).contains("25_c_summary");
        if (!summaryOnly) {
            assertTrue(events > 0, "no events from " + files);
            assertTrue(stats.syscalls + stats.signals > 0);
        } else {
            assertTrue(stats.summaryLines > 10, "the -c table is recognised as a summary");
        }
    }

    private static List<String> stats_samples(List<String> files) {
        try (TraceSet set = new TraceSet(files)) {
            while (set.next() != null) {
                // drain
            }
            return set.stats().unknownSamples;
        } catch (Exception e) {
            return List.of(e.toString());
        }
    }

    @Test
    void eventsCommandReportsTheSame() throws IOException {
        List<String> files = recordings().flatMap(List::stream).collect(Collectors.toList());
        for (String f : files) {
            Cli r = Cli.run("events", "--format", "none", f);
            assertEquals(0, r.exit, r.err);
            assertTrue(r.err.contains(" 0 unknown lines"), f + ": " + r.err);
        }
    }

    @Test
    void everyReferenceSampleIsCovered() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            long cmds = s.filter(p -> p.toString().endsWith(".cmd")).count();
            assertEquals(59, cmds, "the 59 reference variants are in fixtures/strace-formats");
        }
    }
}
