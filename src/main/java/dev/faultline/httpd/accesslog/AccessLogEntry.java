package dev.faultline.httpd.accesslog;

import java.time.Instant;

/**
 * One request as an Apache access log recorded it. What the log's format does not carry is null (time), 0
 * (status, pid, tid), -1 (duration) or "" (the strings).
 *
 * @param line           1-based line number in the log
 * @param time           when the request began ({@code %t}, {@code %{...}t}; {@code end:} times only when no
 *                       begin time is logged), or null
 * @param status         the final status ({@code %>s}, else {@code %s}), 0 when absent or "-"
 * @param method         "GET", from {@code %r} or {@code %m}
 * @param path           the URL path without its query string, from {@code %r} (as sent) or {@code %U}
 * @param pid            the child's pid ({@code %P}), 0 when absent
 * @param tid            the serving thread as httpd names it ({@code %{tid}P}: APR's thread id, the same number
 *                       as the error log's {@code tid}, not the kernel's), 0 when absent
 * @param durationMicros {@code %D}, or {@code %T} in seconds scaled, -1 when absent
 * @param vhost          {@code %v} (the ServerName), else {@code %V}
 * @param client         {@code %a} (the client IP), else {@code %h}
 */
public record AccessLogEntry(
        long line,
        Instant time,
        int status,
        String method,
        String path,
        long pid,
        long tid,
        long durationMicros,
        String vhost,
        String client) {}
