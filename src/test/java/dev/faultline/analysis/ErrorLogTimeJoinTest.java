package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.httpd.errorlog.ErrorLogEntry;
import dev.faultline.httpd.errorlog.ErrorLogParser;
import dev.faultline.trace.TraceEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An event child's error log names no kernel tid (it logs pthread_self()), so an entry is joined to the incident of
 * its process closest in time: the log's local time against the trace's time of day.
 */
class ErrorLogTimeJoinTest {
    private static final Path CASE = Cli.repo().resolve("fixtures/apache/fpm-missing-include");

    @Test
    void theRecordedEntryIsWithinASecondOfItsTraced500() throws Exception {
        List<String> log = Files.readAllLines(CASE.resolve("error.log"));
        ErrorLogEntry entry = null;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains("AH01071")) {
                entry = new ErrorLogParser(ZoneOffset.UTC).parseLine(i + 1, log.get(i)).orElseThrow();
            }
        }
        assertTrue(entry != null && entry.tid() == -1, "event MPM: no kernel tid in the log");
        // the trace's 500: "PID HH:MM:SS.micros writev(..., "HTTP/1.1 500"
        String line = Files.readAllLines(CASE.resolve("f_tt_T_yy_s1024.txt")).stream()
                .filter(l -> l.contains("HTTP/1.1 500")).findFirst().orElseThrow();
        String[] hms = line.split("\\s+")[1].split("[:.]");
        long tod = ((Long.parseLong(hms[0]) * 60 + Long.parseLong(hms[1])) * 60 + Long.parseLong(hms[2])) * 1_000_000_000L
                + Long.parseLong(hms[3]) * 1_000L;
        assertTrue(ErrorLogEvidence.apart(tod, entry.time().orElseThrow()) < 1_000_000_000L, "recorded on a UTC host: the same second");
        assertTrue(ErrorLogEvidence.apart(tod + 3_600_000_000_000L, entry.time().orElseThrow()) > 3_000_000_000_000L, "an hour apart");
        assertEquals(Long.MAX_VALUE, ErrorLogEvidence.apart(TraceEvent.NO_TIME, entry.time().orElseThrow()));
        // just before midnight and just after are close, not a day apart
        var late = java.time.ZonedDateTime.of(2026, 12, 5, 23, 59, 59, 0, ZoneId.of("UTC"));
        assertTrue(ErrorLogEvidence.apart(2_000_000_000L, late) < 5_000_000_000L);
    }
}
