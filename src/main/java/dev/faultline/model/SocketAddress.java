package dev.faultline.model;

import dev.faultline.trace.CString;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a socket is bound or connected, from strace's sockaddr text, and the two ends of a connection from a -yy
 * decoration. Two traced processes talk to each other when one's (local, peer) ends are the other's (peer, local):
 * {@code UNIX-STREAM:[1053732->1052953]} in httpd and {@code UNIX-STREAM:[1052953->1053732,"/run/php.sock"]} in
 * php-fpm, or the two halves of a TCP 4-tuple.
 */
public final class SocketAddress {
    private SocketAddress() {
    }

    private static final Pattern UNIX_PATH = Pattern.compile("sun_path=(@?\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Pattern INET_PORT = Pattern.compile("sin6?_port=htons\\((\\d+)\\)");
    private static final Pattern INET_ADDR = Pattern.compile("(?:inet_addr|inet_pton\\(AF_INET6?,)\\s*\\(?\"([^\"]+)\"");
    // UNIX-STREAM:[1052953->1053732,"/run/php.sock"], UNIX-STREAM:[1053732], TCP:[127.0.0.1:45678->127.0.0.1:9000]
    private static final Pattern ENDS = Pattern.compile("^[A-Z0-9v-]+:\\[([^\\],\\->]+)(?:->([^\\],]+))?(?:,(\".*\"))?\\]$");

    /** "unix:/run/php/php8.2-fpm.sock", "127.0.0.1:9000", "[::1]:9000", or null for other families. */
    public static String of(String sockaddr) {
        if (sockaddr == null) {
            return null;
        }
        if (sockaddr.contains("AF_UNIX")) {
            Matcher m = UNIX_PATH.matcher(sockaddr);
            if (!m.find()) {
                return null;
            }
            String quoted = m.group(1);
            boolean abstractName = quoted.startsWith("@");
            String path = CString.decode(abstractName ? quoted.substring(1) : quoted);
            return path == null || path.isEmpty() ? null : "unix:" + (abstractName ? "@" : "") + path;
        }
        if (sockaddr.contains("AF_INET")) {
            Matcher p = INET_PORT.matcher(sockaddr);
            Matcher a = INET_ADDR.matcher(sockaddr);
            if (!p.find() || !a.find()) {
                return null;
            }
            String host = a.group(1);
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + p.group(1);
        }
        return null;
    }

    /** The unix socket path a -yy decoration names ({@code UNIX-STREAM:[1,"/run/x.sock"]}), as an address, or null. */
    public static String ofDecoration(String decoration) {
        Matcher m = decoration == null ? null : ENDS.matcher(decoration);
        if (m == null || !m.matches() || m.group(3) == null) {
            return null;
        }
        String path = CString.decode(m.group(3));
        return path == null || path.isEmpty() ? null : "unix:" + path;
    }

    /** {local, peer} of a connected socket's -yy decoration, or null when it shows no peer. */
    public static String[] ends(String decoration) {
        Matcher m = decoration == null ? null : ENDS.matcher(decoration);
        if (m == null || !m.matches() || m.group(2) == null) {
            return null;
        }
        return new String[] {m.group(1), m.group(2)};
    }
}
