package dev.faultline.cli;

import dev.faultline.analysis.ErrorLogEvidence;
import dev.faultline.analysis.Incident;
import dev.faultline.httpd.errorlog.ErrorLogEntry;
import dev.faultline.httpd.errorlog.ErrorLogParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Follows the attached server's error log from its current end, the way {@code tail -F} does, so that a sentinel
 * attach sees a 500 or 403 without tracing a syscall: each new entry that names its cause is an incident the moment
 * it is written. The server is not touched at all: this only reads a file.
 */
final class ErrorLogWatch implements Runnable {
    /** How often the log is looked at: the verdict comes at most this much after httpd wrote the entry. */
    static final long POLL_MS = 100;
    /** A longer line is skipped (the parser's own bound). */
    static final int MAX_LINE = 64 * 1024;

    private final Path log;
    private final String source;
    private final ErrorLogEvidence evidence;
    private final ErrorLogParser parser = new ErrorLogParser(ZoneId.systemDefault());
    private volatile IntConsumer onIncident = n -> { };
    private volatile boolean announce = true;
    private final List<Incident> incidents = new ArrayList<>();
    private volatile boolean stopped;
    /** The log's size when the watch was made, before the attach: entries written from then on are watched. */
    private final long startSize;

    ErrorLogWatch(Path log, String source, ErrorLogEvidence evidence) {
        this.log = log;
        this.source = source;
        this.evidence = evidence;
        long size = 0;
        try {
            size = Files.size(log);
        } catch (IOException e) {
            // read from the start once it appears
        }
        this.startSize = size;
    }

    /** Whether each incident is said on stderr the moment it is found (not when the trace says it already). */
    void announce(boolean on) {
        this.announce = on;
    }

    /** Called with the count of incidents so far, each time one is found. */
    void onIncident(IntConsumer c) {
        this.onIncident = c;
    }

    synchronized List<Incident> incidents() {
        return new ArrayList<>(incidents);
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        long pos = -1;
        long lineNo = 0;
        Object inode = null;
        StringBuilder pending = new StringBuilder();
        while (!stopped) {
            try {
                Object now = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                long size = Files.size(log);
                if (pos < 0) {
                    pos = Math.min(startSize, size); // from where the log ended at the attach: earlier entries are not this incident
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
                    int nl;
                    while ((nl = pending.indexOf("\n")) >= 0) {
                        String line = pending.substring(0, nl);
                        pending.delete(0, nl + 1);
                        lineNo++;
                        if (line.length() <= MAX_LINE) {
                            entry(lineNo, line);
                        }
                    }
                    if (pending.length() > MAX_LINE) {
                        pending.setLength(0); // a line with no end in sight: dropped
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the log moved or vanished for a moment (rotation): try again at the next poll
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
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

    private void entry(long lineNo, String line) {
        ErrorLogEntry e = parser.parseLine(lineNo, line).orElse(null);
        Incident inc = e == null ? null : evidence.incidentFor(source, e);
        if (inc != null) {
            if (announce) {
                System.err.println("faultline: " + dev.faultline.report.TextReport.summaryLine(inc, inc.verdict) + " (from the error log)");
            }
            int n;
            synchronized (this) {
                incidents.add(inc);
                n = incidents.size();
            }
            onIncident.accept(n);
        }
    }
}
