package dev.faultline.httpd.accesslog;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;

/** Turns the groups of one matched line into an {@link AccessLogEntry}, choosing among fields that say the same thing. */
final class EntryFields {
    private Instant beginTime;
    private Instant endTime;
    private long fractionNanos = -1;
    private int finalStatus;
    private int anyStatus;
    private String requestLine = "";
    private String method = "";
    private String urlPath = "";
    private long pid;
    private long tid;
    private long durationMicros = -1;
    private String vhost = "";
    private String requestedHost = "";
    private String clientIp = "";
    private String remoteHost = "";

    EntryFields(AccessLogFormat format, Matcher m, ZoneId zone) {
        List<AccessLogFormat.Field> fields = format.groups();
        for (int g = 0; g < fields.size(); g++) {
            String value = m.group(g + 1);
            if (value == null || value.equals("-")) {
                continue; // "-": the value was absent, or the field's condition failed
            }
            read(format, fields.get(g), value, zone);
        }
    }

    private void read(AccessLogFormat format, AccessLogFormat.Field f, String value, ZoneId zone) {
        String arg = f.argument();
        switch (f.directive()) {
            case "t" -> readTime(format, f, value, zone);
            case "s" -> {
                long n = number(value, 0);
                int s = n >= 100 && n <= 999 ? (int) n : 0; // an HTTP status has three digits
                if (f.request() == '>') {
                    finalStatus = s;
                } else if (anyStatus == 0) {
                    anyStatus = s;
                }
            }
            case "r" -> requestLine = value;
            case "m" -> method = value;
            case "U" -> urlPath = value;
            case "P" -> {
                if (arg.equals("tid")) {
                    tid = number(value, 0);
                } else if (arg.equals("hextid")) {
                    tid = hex(value);
                } else {
                    pid = number(value, 0);
                }
            }
            case "D" -> durationMicros = number(value, -1);
            case "T" -> {
                long n = number(value, -1);
                if (durationMicros < 0 && n >= 0) {
                    durationMicros = switch (arg) {
                        case "us" -> n;
                        case "ms" -> n * 1_000;
                        default -> n * 1_000_000; // "", "s"
                    };
                }
            }
            case "v" -> vhost = value;
            case "V" -> requestedHost = value;
            case "a" -> {
                if (!arg.equals("c") || clientIp.isEmpty()) {
                    clientIp = value; // %{c}a is the peer, a proxy maybe: %a wins
                }
            }
            case "h" -> remoteHost = value;
            default -> {
            }
        }
    }

    private void readTime(AccessLogFormat format, AccessLogFormat.Field f, String value, ZoneId zone) {
        boolean end = f.argument().startsWith("end");
        String kind = f.argument().replaceFirst("^(begin|end):?", "");
        Instant t;
        try {
            t = readInstant(format, f, kind, value, zone);
        } catch (DateTimeException outOfRange) {
            return; // "%{sec}t" of 99999999999999999
        }
        if (t == null) {
            return;
        }
        if (end) {
            endTime = endTime == null ? t : endTime;
        } else {
            beginTime = beginTime == null ? t : beginTime;
        }
    }

    /** The instant a time field names; null for a fraction (kept aside) or a time that cannot be read. */
    private Instant readInstant(AccessLogFormat format, AccessLogFormat.Field f, String kind, String value, ZoneId zone) {
        Instant t;
        switch (kind) {
            case "sec" -> t = Instant.ofEpochSecond(number(value, 0));
            case "msec" -> t = Instant.ofEpochMilli(number(value, 0));
            case "usec" -> {
                long us = number(value, 0);
                t = Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1_000);
            }
            case "msec_frac" -> {
                fractionNanos = Math.floorMod(number(value, 0), 1_000L) * 1_000_000;
                t = null;
            }
            case "usec_frac" -> {
                fractionNanos = Math.floorMod(number(value, 0), 1_000_000L) * 1_000;
                t = null;
            }
            default -> t = format.time(f, value.startsWith("[") ? value.substring(1, value.length() - 1) : value, zone);
        }
        return t;
    }

    AccessLogEntry toEntry(long lineNumber) {
        Instant time = beginTime != null ? beginTime : endTime;
        if (time != null && fractionNanos >= 0 && time.getNano() == 0) {
            time = time.plusNanos(fractionNanos); // "%{...}t.%{msec_frac}t": the fraction belongs to the whole seconds
        }
        String m = method;
        String path = "";
        if (!requestLine.isEmpty()) {
            // "GET /x?y HTTP/1.1" as sent; httpd escapes control characters, so the spaces are the separators
            String[] parts = requestLine.split(" ", 3);
            if (parts.length >= 2) {
                m = m.isEmpty() ? parts[0] : m;
                path = withoutQuery(parts[1]);
            }
        }
        if (path.isEmpty()) {
            path = withoutQuery(urlPath);
        }
        return new AccessLogEntry(lineNumber, time, finalStatus != 0 ? finalStatus : anyStatus, m, path, pid, tid,
                durationMicros, vhost.isEmpty() ? requestedHost : vhost, clientIp.isEmpty() ? remoteHost : clientIp);
    }

    private static String withoutQuery(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static long number(String s, long otherwise) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static long hex(String s) {
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
