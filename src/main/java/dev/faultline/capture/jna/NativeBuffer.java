package dev.faultline.capture.jna;

import com.sun.jna.Memory;

/**
 * A block of native memory for the ptrace calls (registers, siginfo, syscall info, a tracee's bytes), so that the
 * tracer handles buffers without seeing JNA: the binding stays in this package.
 */
public final class NativeBuffer {
    final Memory memory;

    public NativeBuffer(long size) {
        this.memory = new Memory(size);
    }

    public long size() {
        return memory.size();
    }

    public int getInt(long offset) {
        return memory.getInt(offset);
    }

    public long getLong(long offset) {
        return memory.getLong(offset);
    }

    public long[] getLongArray(long offset, int count) {
        return memory.getLongArray(offset, count);
    }

    public void setLong(long offset, long value) {
        memory.setLong(offset, value);
    }

    public void setShort(long offset, short value) {
        memory.setShort(offset, value);
    }

    public byte[] getByteArray(long offset, int length) {
        return memory.getByteArray(offset, length);
    }

    public void write(long offset, byte[] src, int from, int length) {
        memory.write(offset, src, from, length);
    }

    /** A copy of {@code len} bytes of {@code other} from its start. */
    public void copyFrom(NativeBuffer other, int len) {
        memory.write(0, other.memory.getByteArray(0, len), 0, len);
    }
}
