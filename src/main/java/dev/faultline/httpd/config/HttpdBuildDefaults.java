package dev.faultline.httpd.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an httpd executable reads its configuration when its command line does not say: the HTTPD_ROOT and
 * SERVER_CONFIG_FILE it was compiled with. main.c's {@code httpd -V} prints them from string literals that the
 * compiler joins, so the binary itself holds {@code  -D HTTPD_ROOT="/etc/httpd"} and
 * {@code  -D SERVER_CONFIG_FILE="conf/httpd.conf"}: read from the file, never by running it (a container's binary
 * may not run on the host). Without a readable binary, its name decides: Debian's {@code apache2}, else Red Hat's
 * and upstream's layout.
 */
public record HttpdBuildDefaults(String serverRoot, String configFile) {
    public static final HttpdBuildDefaults DEBIAN = new HttpdBuildDefaults("/etc/apache2", "apache2.conf");
    /** Red Hat, Fedora, Amazon Linux: /usr/sbin/httpd. */
    public static final HttpdBuildDefaults RED_HAT = new HttpdBuildDefaults("/etc/httpd", "conf/httpd.conf");
    /** Bytes of an executable searched at most (httpd is under 2 MiB; a static build with modules, a few more). */
    private static final long MAX_BYTES = 64L << 20;
    private static final String ROOT_KEY = " -D HTTPD_ROOT=\"";
    private static final String CONFIG_KEY = " -D SERVER_CONFIG_FILE=\"";

    /** The defaults the executable at {@code exe} was built with, or null when it holds none (or cannot be read). */
    public static HttpdBuildDefaults read(Path exe) {
        String bytes; // ISO-8859-1: one char per byte, so the literals are found wherever they sit in the ELF
        try (InputStream in = Files.newInputStream(exe)) {
            bytes = new String(in.readNBytes((int) Math.min(MAX_BYTES, Math.max(0, Files.size(exe)))), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String root = quotedAfter(bytes, ROOT_KEY);
        String config = quotedAfter(bytes, CONFIG_KEY);
        return root == null || config == null ? null : new HttpdBuildDefaults(root, config);
    }

    /** By the executable's name alone: {@code apache2} is Debian's; {@code httpd} and the others Red Hat's layout. */
    public static HttpdBuildDefaults byName(String exe) {
        String base = exe == null ? "apache2" : exe.substring(exe.lastIndexOf('/') + 1);
        return base.equals("apache2") ? DEBIAN : RED_HAT;
    }

    /** The text between {@code key} and the next quote, at the first place where it is short printable ASCII. */
    private static String quotedAfter(String bytes, String key) {
        for (int at = bytes.indexOf(key); at >= 0; at = bytes.indexOf(key, at + 1)) {
            int start = at + key.length();
            for (int j = start; j < bytes.length() && j - start < 4096; j++) {
                char c = bytes.charAt(j);
                if (c == '"') {
                    return j > start ? bytes.substring(start, j) : null;
                }
                if (c < 0x20 || c >= 0x7f) {
                    break;
                }
            }
        }
        return null;
    }
}
