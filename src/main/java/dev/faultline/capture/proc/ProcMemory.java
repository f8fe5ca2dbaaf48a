package dev.faultline.capture.proc;

import dev.faultline.core.Memory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * A live process's memory through {@code /proc/PID/mem}, read-only. Reading needs ptrace-attach rights (root, or
 * the tracer); it is meant for a stopped tracee, whose memory then holds still. Unmapped or vanished memory reads as
 * nothing, never as an exception, like a core's missing pages.
 */
public final class ProcMemory implements Memory, AutoCloseable {
    private final RandomAccessFile mem;

    private ProcMemory(RandomAccessFile mem) {
        this.mem = mem;
    }

    /** Opens {@code /proc/PID/mem}; null when it cannot be opened (no rights, or the process is gone). */
    public static ProcMemory open(Path procRoot, int pid) {
        try {
            return new ProcMemory(new RandomAccessFile(procRoot.resolve(Integer.toString(pid)).resolve("mem").toFile(), "r"));
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    @Override
    public int read(long vaddr, byte[] dst, int off, int len) {
        if (vaddr < 0 || len <= 0) {
            return 0; // above 2^63: kernel space, never readable here
        }
        int got = 0;
        try {
            mem.seek(vaddr);
            while (got < len) {
                int n = mem.read(dst, off + got, len - got);
                if (n <= 0) {
                    break;
                }
                got += n;
            }
        } catch (IOException e) {
            // EIO at an unmapped page (the read stops at the first one), ESRCH once the process is gone
        }
        return got;
    }

    @Override
    public void close() {
        try {
            mem.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
