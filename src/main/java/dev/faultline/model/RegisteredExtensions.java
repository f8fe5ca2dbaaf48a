package dev.faultline.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * File extensions that are real, as the system's MIME table registers them ({@code /etc/mime.types}, which httpd
 * itself reads through TypesConfig): such an extension is never a typo of another (.html is not a misspelt .phtml).
 * Without the table, a few web extensions stand in.
 */
public final class RegisteredExtensions {
    static final Path MIME_TYPES = Path.of("/etc/mime.types");
    static final long MAX_BYTES = dev.faultline.Limits.MIME_TYPES_BYTES;
    private static final Set<String> FALLBACK = Set.of("html", "htm", "shtml", "txt", "css", "js", "json", "xml", "png", "jpg",
            "gif", "svg", "ico", "pdf");
    private static volatile Set<String> registered;

    private RegisteredExtensions() {
    }

    public static boolean isRegistered(String ext) {
        Set<String> r = registered;
        if (r == null) {
            r = load();
            registered = r;
        }
        return r.contains(ext.toLowerCase(Locale.ROOT));
    }

    private static Set<String> load() {
        Set<String> out = new HashSet<>(FALLBACK);
        try {
            if (Files.isRegularFile(MIME_TYPES) && Files.size(MIME_TYPES) <= MAX_BYTES) {
                for (String line : Files.readAllLines(MIME_TYPES)) {
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) {
                        continue;
                    }
                    String[] w = t.split("\\s+");
                    for (int i = 1; i < w.length; i++) {
                        out.add(w[i].toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the fallback stands in
        }
        return out;
    }
}
