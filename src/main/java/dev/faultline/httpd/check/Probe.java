package dev.faultline.httpd.check;

/**
 * One thing {@code check} tried: the configtest, the server's start, or one request.
 *
 * @param name unique within a check: {@code configtest}, {@code start}, or {@code GET /app/}
 * @param why where the probe comes from: {@code <Location /app> at conf/conf.d/40-z.conf:7}, {@code .htaccess in
 *     htdocs/app}, {@code DirectoryIndex target}, {@code --url}
 * @param status the HTTP status, or -1 when there was none (a crash, a refused connection, not a request)
 * @param result one line: {@code 200}, {@code 500 Internal Server Error}, {@code no response (the child crashed)}
 */
public record Probe(String name, String why, int status, String result, long millis) {
}
