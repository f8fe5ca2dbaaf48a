package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two producers of events agree on one vocabulary: every real strace recording, parsed to events, written back by
 * {@link StraceWriter} (what attach/run write as their strace log) and parsed again, gives the same events, field by
 * field. Line numbers differ (a joined unfinished/resumed pair is written as one line) and so is the -i/-k decoration
 * the model does not keep; the rest must not.
 */
class StraceRoundTripTest {

    static Stream<List<String>> recordings() throws Exception {
        // the -c table is a summary, not events
        return StraceFormatsCoverageTest.recordings().filter(f -> !f.get(0).contains("25_c_summary"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void writingAndParsingBackGivesTheSameEvents(List<String> files) throws Exception {
        List<TraceEvent> original = new ArrayList<>();
        try (TraceSet set = new TraceSet(files)) {
            TraceEvent e;
            while ((e = set.next()) != null) {
                original.add(e);
            }
        }
        assertTrue(!original.isEmpty(), "no events in " + files);
        StraceWriter writer = new StraceWriter(StraceWriter.Clock.EXACT, ZoneOffset.UTC);
        StringBuilder text = new StringBuilder();
        for (TraceEvent e : original) {
            writer.write(e, text);
        }
        List<TraceEvent> back = new ArrayList<>();
        try (StraceParser p = new StraceParser(LineSource.of(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8))), "written", 0)) {
            TraceEvent e;
            while ((e = p.next()) != null) {
                back.add(e);
            }
            assertEquals(0, p.stats().unknownLines, () -> "the writer wrote lines the parser does not know: " + p.stats().unknownSamples);
        }
        assertEquals(original.size(), back.size(), () -> "event count; written:\n" + head(text));
        for (int i = 0; i < original.size(); i++) {
            TraceEvent a = original.get(i);
            TraceEvent b = back.get(i);
            String where = files.get(0) + " event " + i + " (line " + a.lineNo + "): " + a.text() + "\n  written: " + b.text();
            assertEquals(describe(a), describe(b), where);
        }
    }

    /** Every field the model and the analyzer read. */
    static String describe(TraceEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.kind).append(" tid=").append(e.tid).append(" t=").append(e.timeNs);
        switch (e.kind) {
            case SYSCALL:
                sb.append(' ').append(e.name).append(e.args()).append(" = ").append(e.result).append(" errno=").append(e.errno)
                        .append(" path=").append(e.resultPath).append(" incomplete=").append(e.incomplete)
                        .append(" orphan=").append(e.orphanResume).append(" injected=").append(e.injected);
                break;
            case SIGNAL:
                sb.append(' ').append(e.signalName()).append(" code=").append(e.siCode).append(" pid=").append(e.siPid)
                        .append(" addr=").append(e.siAddr).append(" stopped=").append(e.stopped);
                break;
            case EXITED:
                sb.append(" code=").append(e.exitCode);
                break;
            case KILLED:
                sb.append(' ').append(e.signalName()).append(" core=").append(e.coreDumped);
                break;
            default:
                sb.append(" other=").append(e.otherPid).append(' ').append(e.name);
                break;
        }
        sb.append(" stack=").append(e.stack);
        return sb.toString();
    }

    private static String head(CharSequence text) {
        return text.length() > 3000 ? text.subSequence(0, 3000) + "…" : text.toString();
    }
}
