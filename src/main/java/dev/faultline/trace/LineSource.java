package dev.faultline.trace;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Streams the lines of a plain, gzip-compressed or stdin trace with bounded memory. Lines are decoded as
 * ISO-8859-1 (a byte-for-byte copy: strace escapes what it prints, and {@link CString} turns escapes and raw
 * bytes back into UTF-8 text). A line longer than {@link dev.faultline.Limits#TRACE_LINE_BYTES} keeps its first TRACE_LINE_BYTES characters and is
 * flagged, so a 10 MB line never costs 10 MB of heap per copy.
 */
public final class LineSource implements Closeable {
    private static final int BUF = 1 << 16;

    private final InputStream in;
    private final byte[] buf = new byte[BUF];
    private int pos;
    private int limit;
    private boolean eof;
    private long lineNo;
    private boolean lastLineUnterminated;
    private boolean lastWasOversized;
    private CutTolerantGzip gzip;
    private byte[] line = new byte[256];

    private LineSource(InputStream in) {
        this.in = in;
    }

    /** Opens a file ("-" is stdin), sniffing gzip by its magic bytes and refusing binary data. */
    public static LineSource open(String name) throws TraceInputException {
        InputStream raw;
        if ("-".equals(name)) {
            raw = System.in;
        } else {
            Path p = Path.of(name);
            if (Files.isDirectory(p)) {
                throw new TraceInputException(TraceInputException.Reason.IS_DIRECTORY,
                        name + ": is a directory, not a trace file (for strace -ff output pass the files: " + name + "/*)");
            }
            try {
                // a regular file may be closed and reopened between reads (a -ff set larger than ulimit -n); a FIFO,
                // <(...) or /dev/stdin is read as the stream it is
                raw = Files.isRegularFile(p) ? new ReopeningFileStream(p) : new PipeSafeInputStream(Files.newInputStream(p));
            } catch (NoSuchFileException e) {
                throw new TraceInputException(TraceInputException.Reason.NOT_FOUND, name + ": no such file");
            } catch (AccessDeniedException e) {
                throw new TraceInputException(TraceInputException.Reason.NO_PERMISSION, name + ": permission denied");
            } catch (IOException e) {
                throw new TraceInputException(TraceInputException.Reason.IO, name + ": cannot open: " + e.getMessage());
            }
        }
        try {
            PushbackInputStream pb = new PushbackInputStream(new BufferedInputStream(raw, BUF), 2);
            int b0 = pb.read();
            int b1 = b0 < 0 ? -1 : pb.read();
            if (b1 >= 0) {
                pb.unread(b1);
            }
            if (b0 >= 0) {
                pb.unread(b0);
            }
            if (b0 < 0) {
                throw new TraceInputException(TraceInputException.Reason.EMPTY, name + ": empty file, no trace to analyze");
            }
            InputStream in = pb;
            CutTolerantGzip gzip = null;
            if (b0 == 0x1f && b1 == 0x8b) {
                gzip = new CutTolerantGzip(new GZIPInputStream(pb, BUF));
                in = new BufferedInputStream(gzip, BUF);
            }
            LineSource src = new LineSource(in);
            src.gzip = gzip;
            src.sniffBinary(name);
            return src;
        } catch (IOException e) {
            throw new TraceInputException(TraceInputException.Reason.IO, name + ": cannot read: " + e.getMessage());
        }
    }

    /** Wraps an already open stream (tests, live capture). */
    public static LineSource of(InputStream in) {
        return new LineSource(in);
    }

    private void sniffBinary(String name) throws IOException, TraceInputException {
        fill();
        if (limit == 0) {
            throw new TraceInputException(TraceInputException.Reason.EMPTY, name + ": empty file, no trace to analyze");
        }
        int control = 0;
        for (int i = 0; i < limit; i++) {
            int b = buf[i] & 0xff;
            if (b == 0) {
                throw new TraceInputException(TraceInputException.Reason.BINARY,
                        name + ": binary data (NUL byte at offset " + i + "), not a strace text log");
            }
            if (b < 0x20 && b != '\n' && b != '\t' && b != '\r') {
                control++;
            }
        }
        if (control > limit / 10) {
            throw new TraceInputException(TraceInputException.Reason.BINARY,
                    name + ": binary data (" + control + " control bytes in the first " + limit + "), not a strace text log");
        }
    }

    private void fill() throws IOException {
        if (eof) {
            return;
        }
        int n = in.read(buf, 0, BUF);
        if (n < 0) {
            eof = true;
            limit = 0;
        } else {
            limit = n;
        }
        pos = 0;
    }

    /** The next line without its newline, or null at the end. */
    public String next() throws IOException {
        int len = 0;
        boolean sawAny = false;
        boolean oversized = false;
        while (true) {
            if (pos >= limit) {
                fill();
                if (eof) {
                    if (!sawAny) {
                        return null;
                    }
                    lastLineUnterminated = true;
                    break;
                }
            }
            sawAny = true;
            int start = pos;
            int nl = indexOfNewline(buf, pos, limit);
            if (nl >= 0 && len == 0 && nl - start <= dev.faultline.Limits.TRACE_LINE_BYTES) {
                // the usual case: the whole line is in the buffer, so it becomes a String with one copy
                pos = nl + 1;
                lineNo++;
                lastWasOversized = false;
                int e = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                return new String(buf, start, e - start, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            int end = nl < 0 ? limit : nl;
            int chunk = end - start;
            if (!oversized) {
                int room = dev.faultline.Limits.TRACE_LINE_BYTES - len;
                int take = Math.min(room, chunk);
                if (len + take > line.length) {
                    byte[] bigger = new byte[Math.min(dev.faultline.Limits.TRACE_LINE_BYTES, Math.max(line.length * 2, len + take))];
                    System.arraycopy(line, 0, bigger, 0, len);
                    line = bigger;
                }
                System.arraycopy(buf, start, line, len, take);
                len += take;
                if (take < chunk) {
                    oversized = true;
                }
            }
            pos = end + (nl < 0 ? 0 : 1);
            if (nl >= 0) {
                break;
            }
        }
        lineNo++;
        lastWasOversized = oversized;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        String s = new String(line, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (line.length > 65536 && len < 4096) {
            line = new byte[256];
        }
        return s;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * The first '\n' in {@code b[from, to)}, or -1. Eight bytes at a time: a byte of {@code w = word ^ 0x0a..0a} is zero
     * exactly where the word holds a newline, and {@code (w - 0x01..01) & ~w & 0x80..80} sets the top bit of the first
     * zero byte (bits above it may be false positives, never below).
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i) ^ 0x0a0a0a0a0a0a0a0aL;
            long t = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L;
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    public long lineNo() {
        return lineNo;
    }

    /** The last line returned had no newline: the file ends mid-line (a truncated copy, or strace killed). */
    public boolean lastLineUnterminated() {
        return lastLineUnterminated;
    }

    /** The file is gzip and its compressed stream ends early: the lines read are all there is. */
    public boolean compressedStreamCut() {
        return gzip != null && gzip.cut;
    }

    /**
     * A gzip stream cut short (copied while strace was still writing, a full disk) ends as EOFException. It must be
     * turned into a plain end of stream right here, under the BufferedInputStream: that one reads ahead in a loop
     * and would drop the bytes it already holds if the exception went through it.
     */
    private static final class CutTolerantGzip extends java.io.FilterInputStream {
        boolean cut;

        CutTolerantGzip(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (cut) {
                return -1;
            }
            try {
                return in.read(b, off, len);
            } catch (java.io.EOFException e) {
                cut = true;
                return -1;
            }
        }

        @Override
        public int available() throws IOException {
            return cut ? 0 : in.available();
        }
    }

    public boolean lastLineOversized() {
        return lastWasOversized;
    }

    @Override
    public void close() throws IOException {
        if (in != System.in) {
            in.close();
        }
    }
}
