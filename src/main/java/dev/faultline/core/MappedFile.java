package dev.faultline.core;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file read through memory-mapped windows of {@value #WINDOW} bytes, mapped only when touched. A multi-GB core
 * is mostly memory we never look at: only the headers, the notes and a few stack and header pages get mapped.
 * Java 17 cannot map more than 2 GiB at once, hence the windows. All reads are little-endian and bounds-checked.
 */
public final class MappedFile implements AutoCloseable {
    static final int WINDOW = 16 << 20;
    private static final int MAX_WINDOWS = dev.faultline.Limits.CORE_MAPPED_WINDOWS;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final Map<Long, MappedByteBuffer> windows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, MappedByteBuffer> eldest) {
            return size() > MAX_WINDOWS;
        }
    };

    public MappedFile(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** Copies bytes [off, off+len) into dst; returns how many were inside the file. */
    public int read(long off, byte[] dst, int dstOff, int len) {
        if (off < 0 || off >= size || len <= 0) {
            return 0;
        }
        int n = (int) Math.min(len, size - off);
        int done = 0;
        while (done < n) {
            long pos = off + done;
            long base = pos - (pos % WINDOW);
            MappedByteBuffer w = window(base);
            int inWindow = (int) (pos - base);
            int chunk = Math.min(n - done, w.limit() - inWindow);
            w.get(inWindow, dst, dstOff + done, chunk);
            done += chunk;
        }
        return n;
    }

    /** Exactly len bytes at off, or an {@link ElfFormatException} naming what was being read. */
    public byte[] bytes(long off, int len, String what) {
        if (len < 0 || off < 0 || off > size || len > size - off) {
            throw new ElfFormatException(what + " at offset " + off + " (" + len + " bytes) runs past the end of the file ("
                    + size + " bytes)", true);
        }
        byte[] b = new byte[len];
        read(off, b, 0, len);
        return b;
    }

    private MappedByteBuffer window(long base) {
        MappedByteBuffer w = windows.get(base);
        if (w == null) {
            try {
                w = channel.map(FileChannel.MapMode.READ_ONLY, base, Math.min(WINDOW, size - base));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            w.order(ByteOrder.LITTLE_ENDIAN);
            windows.put(base, w);
        }
        return w;
    }

    @Override
    public void close() throws IOException {
        windows.clear();
        channel.close();
    }
}
