package dev.faultline.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Follows a log file from where it ended when the tail was made, the way {@code tail -F} does: each new complete
 * line goes to {@link #line} with its line number; a rotated or truncated file is read again from its start. It
 * only reads the file: the server writing it is not touched.
 */
abstract class LogTail implements Runnable {
    /** How often the file is looked at: a line is seen at most this much after it was written. */
    static final long POLL_MS = 100;

    final Path log;
    private volatile boolean stopped;
    /** The file's size when the tail was made (before the attach): lines written from then on are followed. */
    private final long startSize;

    LogTail(Path log) {
        this.log = log;
        long size = 0;
        try {
            size = Files.size(log);
        } catch (IOException e) {
            // read from the start once it appears
        }
        this.startSize = size;
    }

    /** One new line, without its newline. */
    abstract void line(long lineNo, String text);

    /**
     * Whether line {@code [start, end)} of {@code buf} is worth a String and {@link #line}; a watch that can tell
     * cheaply that a line means nothing (a 200 in a busy access log) says no here and counts it itself.
     */
    boolean wanted(CharSequence buf, int start, int end) {
        return true;
    }

    /** Called after each look at the file, whether it grew or not. */
    void polled() {
    }

    void stop() {
        stopped = true;
    }

    private long pos = -1;
    private long lineNo;
    private Object inode;
    private final StringBuilder pending = new StringBuilder();

    @Override
    public void run() {
        while (!stopped) {
            pollOnce();
            polled();
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * After {@link #stop()} and once the tail's thread has ended: one last read, for the lines written while the
     * capture was ending (httpd writes the access-log line just after the error-log entry that ended it).
     */
    void drain(Thread runner) throws InterruptedException {
        stop();
        runner.interrupt(); // out of its sleep now: the report waits for this
        runner.join(2 * POLL_MS + 1000);
        if (!runner.isAlive()) {
            pollOnce();
        }
    }

    private synchronized void pollOnce() {
        try {
            Object now = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            long size = Files.size(log);
            if (pos < 0) {
                pos = Math.min(startSize, size); // from where the log ended at the attach: earlier lines are not this incident
                inode = now;
                lineNo = countLines(pos);
            } else if (now != null && !now.equals(inode) || size < pos) {
                pos = 0; // rotated or truncated: read the new file from its start
                inode = now;
                pending.setLength(0);
            }
            if (size > pos) {
                try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                    f.seek(pos);
                    byte[] buf = new byte[(int) Math.min(size - pos, 1 << 20)];
                    f.readFully(buf);
                    pos += buf.length;
                    pending.append(new String(buf, StandardCharsets.UTF_8));
                }
                // one pass over the chunk, one delete at the end: deleting each line from the front would copy the
                // rest of the chunk once per line (a busy access log writes thousands per poll)
                int start = 0;
                int nl;
                while ((nl = pending.indexOf("\n", start)) >= 0) {
                    lineNo++;
                    if (nl - start <= dev.faultline.Limits.LOG_LINE_BYTES && wanted(pending, start, nl)) {
                        line(lineNo, pending.substring(start, nl));
                    }
                    start = nl + 1;
                }
                pending.delete(0, start);
                if (pending.length() > dev.faultline.Limits.LOG_LINE_BYTES) {
                    pending.setLength(0); // a line with no end in sight: dropped
                }
            }
        } catch (IOException | RuntimeException e) {
            // the log moved or vanished for a moment (rotation): try again at the next poll
        }
    }

    /** The lines already in the log, so that an entry is quoted with its real line number. */
    private long countLines(long upTo) throws IOException {
        long n = 0;
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(log), 1 << 16)) {
            byte[] b = new byte[1 << 16];
            long left = upTo;
            int r;
            while (left > 0 && (r = in.read(b, 0, (int) Math.min(b.length, left))) > 0) {
                for (int i = 0; i < r; i++) {
                    if (b[i] == '\n') {
                        n++;
                    }
                }
                left -= r;
            }
        }
        return n;
    }
}
