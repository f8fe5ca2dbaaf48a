package dev.faultline.trace;

/**
 * A file-descriptor argument or result, with its -y/-yy decoration when strace printed one:
 * {@code 3}, {@code 3</etc/x.conf>}, {@code AT_FDCWD</srv/app>}, {@code 9<TCP:[127.0.0.1:80->127.0.0.1:4000]>},
 * {@code 16</dev/null<char 1:3>>}, {@code 5</tmp/x (deleted)>}.
 */
public final class FdRef {
    public static final int AT_FDCWD = -100;
    public static final int NONE = Integer.MIN_VALUE;

    public final int fd;
    /** The decoration text, decoded: a path, or a socket/pipe description; null when absent. */
    public final String decoration;

    private FdRef(int fd, String decoration) {
        this.fd = fd;
        this.decoration = decoration;
    }

    public boolean isPathDecoration() {
        return decoration != null && decoration.startsWith("/");
    }

    /** The decorated path, without a trailing " (deleted)" or nested device decoration. */
    public String path() {
        if (!isPathDecoration()) {
            return null;
        }
        String p = decoration;
        int nested = p.indexOf('<');
        if (nested > 0) {
            p = p.substring(0, nested);
        }
        if (p.endsWith(" (deleted)")) {
            p = p.substring(0, p.length() - " (deleted)".length());
        }
        return p;
    }

    public boolean isSocket() {
        return decoration != null && (decoration.startsWith("TCP") || decoration.startsWith("UDP")
                || decoration.startsWith("UNIX") || decoration.startsWith("socket:") || decoration.startsWith("NETLINK")
                || decoration.startsWith("TCPv6") || decoration.startsWith("UDPv6"));
    }

    /** Parses an fd argument; returns an FdRef with fd {@link #NONE} when the text is not an fd. */
    public static FdRef parse(String arg) {
        if (arg == null || arg.isEmpty()) {
            return new FdRef(NONE, null);
        }
        int lt = arg.indexOf('<');
        int numEnd = lt < 0 ? arg.length() : lt;
        String deco = null;
        if (lt >= 0) {
            int end = CallText.skipDecoration(arg, lt);
            deco = CString.decodePath(arg.substring(lt + 1, Math.max(lt + 1, end - 1)));
        }
        int fd;
        if (numEnd == 8 && arg.startsWith("AT_FDCWD")) {
            fd = AT_FDCWD;
        } else {
            fd = parseIntOr(arg, 0, numEnd, NONE);
        }
        return new FdRef(fd, deco);
    }

    /** An integer argument, or 0 when it is not one. */
    public static int parseIntOr0(String s) {
        return s == null ? 0 : parseIntOr(s.trim(), 0);
    }

    public static int parseIntOr(String s, int dflt) {
        return parseIntIn(s, 0, s.length(), dflt);
    }

    /** {@link #parseIntOr} of {@code s[from, to)} trimmed, without cutting it out. */
    static int parseIntOr(String s, int from, int to, int dflt) {
        while (from < to && s.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) <= ' ') {
            to--;
        }
        return parseIntIn(s, from, to, dflt);
    }

    private static int parseIntIn(String s, int from, int to, int dflt) {
        int n = to - from;
        if (n == 0 || n > 11) {
            return dflt;
        }
        int i = from;
        boolean neg = false;
        if (s.charAt(i) == '-') {
            neg = true;
            i++;
            if (n == 1) {
                return dflt;
            }
        }
        long v = 0;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return dflt;
            }
            v = v * 10 + (c - '0');
        }
        v = neg ? -v : v;
        return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? dflt : (int) v;
    }
}
