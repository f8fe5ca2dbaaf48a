package dev.faultline.httpd.configtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code apache2 -t -D DUMP_INCLUDES}: the config files in the order httpd read them, the main
 * file first ({@code (*)}), each include as {@code (LINE) PATH}. httpd prints the list after reading every file
 * and before running any directive, so it is there even when the test then crashes.
 */
public final class DumpIncludes {
    private static final Pattern ENTRY = Pattern.compile("^\\s+\\((?:\\*|\\d+)\\)\\s+(/.*?)\\s*$");

    private DumpIncludes() {
    }

    public static List<Path> parse(String output) {
        List<Path> files = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = ENTRY.matcher(line);
            if (m.matches()) {
                files.add(Path.of(m.group(1)));
            }
        }
        return files;
    }
}
