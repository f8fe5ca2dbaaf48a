package dev.faultline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Limits;
import dev.faultline.trace.LineSource;
import dev.faultline.trace.StraceParser;
import dev.faultline.trace.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The file activities of a trace stay within {@link Limits#TRACE_ACTIVITIES} (plus each thread's floor), however many
 * threads it has, and each thread keeps its most recent ones, in order.
 */
class ActivityBudgetTest {

    /** {@code threads} threads, taking turns, each probing {@code probes} missing config files (no two alike). */
    private static TraceModel replay(int threads, int probes) throws IOException {
        StringBuilder trace = new StringBuilder();
        for (int k = 0; k < probes; k++) {
            for (int t = 0; t < threads; t++) {
                int tid = 1000 + t;
                trace.append(tid).append(" stat(\"/srv/conf/t").append(tid).append("-").append(k)
                        .append(".conf\", 0x7ffc2e1a3b40) = -1 ENOENT (No such file or directory)\n");
            }
        }
        TraceModel model = new TraceModel();
        StraceParser parser = new StraceParser(LineSource.of(new ByteArrayInputStream(trace.toString().getBytes(StandardCharsets.ISO_8859_1))), "t", 0);
        TraceEvent e;
        while ((e = parser.next()) != null) {
            model.apply(e);
        }
        return model;
    }

    private static int kept(TraceModel model, int threads) {
        int total = 0;
        for (int t = 0; t < threads; t++) {
            total += model.existing(1000 + t).snapshot().size();
        }
        return total;
    }

    @Test
    void aFewThreadsUnderTheBudgetKeepEverything() throws IOException {
        TraceModel model = replay(4, 100);
        assertEquals(400, kept(model, 4));
    }

    @Test
    void manyThreadsShareTheBudgetAndKeepTheirLatest() throws IOException {
        int threads = 1000;
        int probes = 3 * Limits.TRACE_ACTIVITIES / threads;
        TraceModel model = replay(threads, probes);
        int kept = kept(model, threads);
        assertTrue(kept <= Limits.TRACE_ACTIVITIES + threads * Limits.TIMELINE_FLOOR, "kept " + kept);
        assertTrue(kept >= Math.min(Limits.TRACE_ACTIVITIES, threads * Limits.TIMELINE_FLOOR), "kept " + kept);
        List<FileActivity> last = model.existing(1000 + threads - 1).snapshot();
        assertTrue(last.size() >= Limits.TIMELINE_FLOOR, "a thread keeps at least its floor: " + last.size());
        assertEquals("/srv/conf/t" + (1000 + threads - 1) + "-" + (probes - 1) + ".conf", last.get(last.size() - 1).path);
        for (int i = 1; i < last.size(); i++) {
            assertEquals(last.get(i - 1).seq + 1, last.get(i).seq, "consecutive, oldest first");
        }
    }
}
