package dev.faultline.httpd;

import java.util.List;
import java.util.Set;

/** How httpd's executable is named: Debian's {@code apache2}, upstream's and Red Hat's {@code httpd}. */
public final class HttpdExecutable {
    public static final Set<String> NAMES = Set.of("apache2", "httpd", "httpd2", "httpd-prefork", "httpd-worker", "httpd-event");

    private HttpdExecutable() {
    }

    /** A path only Apache touches: an .htaccess, or a file whose path names apache2 or httpd. */
    public static boolean isHttpdPath(String path) {
        return path.endsWith("/.htaccess") || path.contains("apache2") || path.contains("httpd");
    }

    /** Text that only an httpd configuration holds (its first lines as a trace showed them being read). */
    public static boolean isHttpdConfigText(String text) {
        return text != null && (text.contains("LoadModule ") || text.contains("ServerRoot ") || text.contains("<VirtualHost")
                || text.contains("DocumentRoot "));
    }

    /** True when argv[0] (or the path it names) is an httpd executable. */
    public static boolean isServer(List<String> argv) {
        if (argv == null || argv.isEmpty() || argv.get(0) == null) {
            return false;
        }
        String a0 = argv.get(0);
        return NAMES.contains(a0.substring(a0.lastIndexOf('/') + 1));
    }
}
