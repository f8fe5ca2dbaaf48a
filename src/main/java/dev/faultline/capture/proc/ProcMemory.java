package dev.faultline.capture.proc;

import dev.faultline.linux.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A live process's memory through {@code /proc/PID/mem} (positional reads: pread). Read-only: faultline never
 * writes into a process it looks at. Opening needs ptrace-attach rights over the process (root, or its tracer);
 * an unmapped address (EIO) or a process that has gone reads as 0 bytes.
 */
public final class ProcMemory implements Memory, AutoCloseable {
    private final int pid;
    private final FileChannel channel;

    private ProcMemory(int pid, FileChannel channel) {
        this.pid = pid;
        this.channel = channel;
    }

    /** Opens {@code /proc/PID/mem} read-only; IOException when the process is gone or access is denied. */
    public static ProcMemory open(int pid) throws IOException {
        return new ProcMemory(pid, FileChannel.open(Path.of("/proc", Integer.toString(pid), "mem"), StandardOpenOption.READ));
    }

    public int pid() {
        return pid;
    }

    @Override
    public int read(long vaddr, byte[] dst, int off, int len) {
        if (len <= 0 || vaddr < 0) {
            return 0; // the kernel half (and a negative file position) is never readable
        }
        ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
        try {
            while (buf.hasRemaining()) {
                int n = channel.read(buf, vaddr + (buf.position() - off));
                if (n <= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // EIO: the rest is unmapped; ESRCH-like errors: the process is gone. Both mean "no more bytes".
        }
        return buf.position() - off;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
