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
 * @param tid            the serving thread as {@code %{tid}P} names it, 0 when absent. This is APR's thread id
 *                       (pthread_self), NOT the kernel tid that httpd 2.4.71's error log and strace show on Linux:
 *                       equal numbers mean the same thread, but it never equals an error-log tid
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
