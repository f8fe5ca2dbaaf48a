package dev.faultline.httpd.errorlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * "Invalid command 'X'" names the file but not the line: the line is the first one whose directive is X.
 * The file is read under {@code root} (a copy of the server's files) when given, else from the disk.
 */
public final class DirectiveLine {

    /** Lines longer than this are not read as directives (a config line is never this long). */
    private static final int MAX_LINE_CHARS = 64 * 1024;

    private DirectiveLine() {}

    /** The 1-based line of the first {@code directive} in {@code file}; empty when unreadable or absent. */
    public static OptionalInt find(Path root, String file, String directive) {
        Path path = root == null ? Path.of(file) : root.resolve(file.startsWith("/") ? file.substring(1) : file);
        String wanted = directive.toLowerCase(Locale.ROOT); // httpd matches directive names case-insensitively
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.length() > MAX_LINE_CHARS) {
                    continue;
                }
                String[] words = line.strip().split("\\s+", 2);
                if (words[0].toLowerCase(Locale.ROOT).equals(wanted)) {
                    return OptionalInt.of(number);
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // an unreadable or odd file gives no line; the file itself is still the answer
        }
        return OptionalInt.empty();
    }
}
