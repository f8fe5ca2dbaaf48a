package dev.faultline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an output file (-o, --strace-log) goes. A regular file is written whole to a temp file beside it and renamed
 * over it: that replaces a symbolic link rather than following it, so a link planted in /tmp by another user never
 * makes faultline (often root) write through it. A character device or fifo ({@code /dev/null}, {@code /dev/stdout},
 * a pipe) is written into, since a rename would replace the device itself. A block device is refused.
 */
final class OutputTarget {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFBLK = 0060000;

    private OutputTarget() {
    }

    /** True when {@code output} (links followed) is a character device or fifo: write into it, never rename over it. */
    static boolean writeInPlace(Path output) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(output, "unix:mode");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false; // missing (a new file) or unreadable: the temp-and-rename path says what is wrong
        }
        int type = mode & S_IFMT;
        if (type == S_IFBLK) {
            throw new UserError(ExitCodes.OUTPUT_ERROR, "refusing to write into the block device " + output);
        }
        return type == S_IFCHR || type == S_IFIFO;
    }
}
