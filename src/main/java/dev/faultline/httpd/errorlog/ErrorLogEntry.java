package dev.faultline.httpd.errorlog;

import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * One line of Apache's error log. Fields the line does not carry are empty (or -1 for pid/tid).
 *
 * @param logLine    1-based line number in the log file
 * @param time       when the line was written, in the log's zone (log times are local)
 * @param module     "core" in {@code [core:alert]}
 * @param level      "alert" in {@code [core:alert]}
 * @param pid        process id, -1 if absent
 * @param tid        thread id, -1 if absent
 * @param client     "127.0.0.1:43482" of {@code [client 127.0.0.1:43482]}
 * @param ahCode     "AH00051", or empty
 * @param sourceFile httpd's own source file:line that logged the line ("core.c(4350)"), or empty
 * @param message    the message text, after the bracketed fields and the AH code
 */
public record ErrorLogEntry(
        long logLine,
        Optional<ZonedDateTime> time,
        String module,
        String level,
        long pid,
        long tid,
        Optional<String> client,
        Optional<String> ahCode,
        Optional<String> sourceFile,
        String message) {}
