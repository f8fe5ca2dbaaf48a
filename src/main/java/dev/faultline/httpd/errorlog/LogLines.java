package dev.faultline.httpd.errorlog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a log stream into lines for the error-log and access-log parsers, with memory bounded whatever the input:
 * a line longer than {@link dev.faultline.Limits#LOG_LINE_BYTES} and a line holding a NUL byte (binary data) are
 * reported as such, never decoded; an I/O error part way (a truncated compressed log) ends the stream with what was
 * read.
 */
public final class LogLines {
    private LogLines() {
    }

    /** What the reader counts itself; each parser's statistics add what its lines mean. */
    public static class Counts {
        public long lines;
        public long tooLong;
        public long binary;
    }

    /** Receives each decodable line, numbered from 1, in order. */
    public interface Sink {
        /** A line's text, UTF-8 decoded, without its newline. */
        void line(long lineNo, String text);
    }

    /** Reads {@code in} to its end, counting into {@code counts}. */
    public static void read(InputStream in, Counts counts, Sink sink) {
        byte[] line = new byte[4096];
        int length = 0;
        boolean overflow = false;
        long lineNo = 0;
        try {
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    finish(++lineNo, line, length, overflow, counts, sink);
                    length = 0;
                    overflow = false;
                } else if (length >= dev.faultline.Limits.LOG_LINE_BYTES) {
                    overflow = true;
                } else {
                    if (length == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, dev.faultline.Limits.LOG_LINE_BYTES));
                    }
                    line[length++] = (byte) b;
                }
            }
        } catch (IOException cutShort) {
            // a truncated compressed log: what was read stands
        }
        if (length > 0 || overflow) {
            finish(++lineNo, line, length, overflow, counts, sink);
        }
    }

    private static void finish(long lineNo, byte[] bytes, int length, boolean overflow, Counts counts, Sink sink) {
        counts.lines = lineNo;
        if (overflow) {
            counts.tooLong++;
            return;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                counts.binary++;
                return;
            }
        }
        sink.line(lineNo, new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
