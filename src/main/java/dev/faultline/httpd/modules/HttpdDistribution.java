package dev.faultline.httpd.modules;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which module files are part of httpd itself, as the machine's package manager knows it: Debian's
 * {@code /var/lib/dpkg/info/apache2*.list} name every file the apache2 packages installed. A module from any other
 * package (libapache2-mod-php, mod_security, a module built by hand) is third-party. Without a package database
 * nothing is called third-party: a stock module must never be blamed as one.
 */
public final class HttpdDistribution {
    /** The package databases read: Debian's file lists of the apache2 packages. */
    static final Path DPKG_INFO = Path.of("/var/lib/dpkg/info");
    static final List<String> HTTPD_PACKAGES = List.of("apache2-bin", "apache2", "apache2-data");

    private HttpdDistribution() {
    }

    /** A test on module file paths (as the server loaded them); {@code executable} is always httpd's own. */
    public static Predicate<String> shippedFiles(String executable) {
        Set<String> files = new HashSet<>();
        boolean known = false;
        for (String pkg : HTTPD_PACKAGES) {
            Path list = DPKG_INFO.resolve(pkg + ".list");
            try {
                if (Files.isRegularFile(list)) {
                    files.addAll(Files.readAllLines(list));
                    known = true;
                }
            } catch (IOException e) {
                // unreadable list: treated as absent
            }
        }
        if (!known) {
            return path -> true;
        }
        return path -> path == null || path.equals(executable) || files.contains(path) || files.contains(canonical(path));
    }

    private static String canonical(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return path;
        }
    }

    /** Every module .so in a directory (a default catalog when no configuration is known). */
    static List<Path> moduleFiles(Path dir) {
        List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.so")) {
            s.forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
