package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strace -ff set with more files than a process may hold open (ulimit -n is often 1024) is merged with a bounded
 * number of them open: the rest are reopened at their offset when their turn comes (issue #10, item E).
 */
class ManyTraceFilesTest {
    @TempDir
    Path dir;

    private static long openFds() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aThousandFileSetReadsWithABoundedNumberOfDescriptors() throws Exception {
        // a real -ff file (timed, so the set is merged by time), under 1,000 different pids
        List<String> lines = Files.readAllLines(Cli.repo().resolve("fixtures/strace-formats/57_ff_tt.10272"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Path f = dir.resolve("trace." + (30000 + i));
            Files.write(f, lines);
            names.add(f.toString());
        }
        long before = openFds();
        long most = 0;
        long events = 0;
        try (TraceSet set = new TraceSet(names)) {
            while (set.next() != null) {
                if (++events % 500 == 0) {
                    most = Math.max(most, openFds() - before);
                }
            }
        }
        long perFile = 0;
        try (TraceSet one = new TraceSet(List.of(names.get(0)))) {
            while (one.next() != null) {
                perFile++;
            }
        }
        assertEquals(1000 * perFile, events, "every event of every file");
        assertTrue(most <= dev.faultline.Limits.OPEN_TRACE_FILES + 8,
                "at most " + dev.faultline.Limits.OPEN_TRACE_FILES + " trace files open at once, saw " + most + " more descriptors");
        assertTrue(openFds() <= before + 2, "every file closed afterwards");
    }
}
