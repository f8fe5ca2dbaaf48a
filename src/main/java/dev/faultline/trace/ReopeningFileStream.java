package dev.faultline.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A regular file's raw bytes whose descriptor may be given back between reads: a strace -ff set of thousands of files
 * is merged with at most {@link dev.faultline.Limits#OPEN_TRACE_FILES} of them open (the least recently read ones are
 * closed, and reopened at the same offset when their turn comes), so a set larger than {@code ulimit -n} still reads.
 * Whatever decodes above it (gzip, lines) never notices.
 */
final class ReopeningFileStream extends InputStream {
    /** The open ones, least recently read first; shared by every trace file of the process. */
    private static final Map<ReopeningFileStream, Boolean> OPEN = new LinkedHashMap<>(16, 0.75f, true);

    private final Path path;
    private FileChannel channel;
    private long offset;
    private boolean closed;

    ReopeningFileStream(Path path) throws IOException {
        this.path = path;
        reopen();
    }

    private void reopen() throws IOException {
        FileChannel c = FileChannel.open(path, StandardOpenOption.READ);
        if (offset > 0) {
            c.position(offset);
        }
        channel = c;
        synchronized (OPEN) {
            OPEN.put(this, Boolean.TRUE);
            while (OPEN.size() > dev.faultline.Limits.OPEN_TRACE_FILES) {
                ReopeningFileStream eldest = OPEN.keySet().iterator().next();
                OPEN.remove(eldest);
                eldest.park();
            }
        }
    }

    /** Gives the descriptor back; the next read reopens the file where this one stopped. */
    private void park() {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
    }

    private FileChannel channel() throws IOException {
        if (closed) {
            throw new IOException(path + ": closed");
        }
        if (channel == null) {
            reopen();
        } else {
            synchronized (OPEN) {
                OPEN.get(this); // most recently read now
            }
        }
        return channel;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = channel().read(ByteBuffer.wrap(b, off, len));
        if (n > 0) {
            offset += n;
        }
        return n;
    }

    @Override
    public int available() {
        return 0; // never asked to block less: BufferedInputStream reads on regardless
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (OPEN) {
            OPEN.remove(this);
        }
        park();
    }
}
