package dev.faultline.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temp directory shared by one fuzz class's inputs, emptied between inputs and removed at the end. */
final class FuzzFiles {
    private Path dir;

    Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("faultline-fuzz-");
        }
        return dir;
    }

    /** Removes everything under the directory, keeping the directory itself. */
    void empty() throws IOException {
        if (dir != null) {
            delete(dir, false);
        }
    }

    void remove() throws IOException {
        if (dir != null) {
            delete(dir, true);
            dir = null;
        }
    }

    private static void delete(Path top, boolean andTop) throws IOException {
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (andTop || !p.equals(top)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
