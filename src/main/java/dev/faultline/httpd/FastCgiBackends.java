package dev.faultline.httpd;

import dev.faultline.httpd.config.ConfigNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The FastCGI servers (php-fpm pools) an httpd configuration passes requests to, from mod_proxy_fcgi's two ways
 * of saying it: {@code SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"} (Debian's php8.2-fpm.conf)
 * or {@code proxy:fcgi://127.0.0.1:9000}, and {@code ProxyPass[Match] ... fcgi://127.0.0.1:9000/srv/$1} or
 * {@code ... unix:/run/php.sock|fcgi://localhost/srv/$1}.
 */
public final class FastCgiBackends {
    private FastCgiBackends() {
    }

    /** One backend: its socket address as the trace model writes it, and the first line that names it. */
    public record Backend(String address, String file, int line) {
    }

    public static List<Backend> of(HttpdContext ctx) {
        Map<String, Backend> out = new LinkedHashMap<>();
        for (ConfigNode n : ctx.allDirectives()) {
            String target = switch (n.key()) {
                case "sethandler", "addhandler" -> n.argList().isEmpty() ? null : n.argList().get(0);
                case "proxypass", "proxypassmatch" -> n.argList().size() < 2 ? null : n.argList().get(1);
                default -> null;
            };
            String address = target == null ? null : address(target);
            if (address != null) {
                out.putIfAbsent(address, new Backend(address, n.file(), n.line()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** "unix:/run/x.sock" or "host:port" of a mod_proxy_fcgi target, or null when it is not a FastCGI one. */
    static String address(String target) {
        String t = target.trim();
        if (t.regionMatches(true, 0, "proxy:", 0, 6)) {
            t = t.substring(6);
        }
        if (t.regionMatches(true, 0, "unix:", 0, 5)) {
            int bar = t.indexOf('|');
            if (bar < 0 || !t.substring(bar + 1).toLowerCase(Locale.ROOT).startsWith("fcgi://")) {
                return null;
            }
            return "unix:" + t.substring(5, bar);
        }
        if (!t.toLowerCase(Locale.ROOT).startsWith("fcgi://")) {
            return null;
        }
        String hostPort = t.substring(7);
        int slash = hostPort.indexOf('/');
        if (slash >= 0) {
            hostPort = hostPort.substring(0, slash);
        }
        if (hostPort.isEmpty()) {
            return null;
        }
        // mod_proxy_fcgi's default port is 8000 (fcgi:// scheme default in mod_proxy)
        return hostPort.matches(".*:\\d+$") ? hostPort : hostPort + ":8000";
    }
}
