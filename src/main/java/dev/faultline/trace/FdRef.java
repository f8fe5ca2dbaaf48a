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
        String num = lt < 0 ? arg : arg.substring(0, lt);
        String deco = null;
        if (lt >= 0) {
            int end = CallText.skipDecoration(arg, lt);
            deco = CString.decodePath(arg.substring(lt + 1, Math.max(lt + 1, end - 1)));
        }
        int fd;
        if ("AT_FDCWD".equals(num)) {
            fd = AT_FDCWD;
        } else {
            fd = parseIntOr(num.trim(), NONE);
        }
        return new FdRef(fd, deco);
    }

    /** An integer argument, or 0 when it is not one. */
    public static int parseIntOr0(String s) {
        return s == null ? 0 : parseIntOr(s.trim(), 0);
    }

    public static int parseIntOr(String s, int dflt) {
        if (s.isEmpty() || s.length() > 11) {
            return dflt;
        }
        int i = 0;
        boolean neg = false;
        if (s.charAt(0) == '-') {
            neg = true;
            i = 1;
            if (s.length() == 1) {
                return dflt;
            }
        }
        long v = 0;
        for (; i < s.length(); i++) {
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
