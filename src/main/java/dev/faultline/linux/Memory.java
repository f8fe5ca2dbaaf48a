package dev.faultline.linux;

import java.util.OptionalLong;

/** A process's address space as bytes: a core's (with the modules on disk), or a live process's /proc/PID/mem. */
public interface Memory {
    /**
     * Copies up to {@code len} bytes at virtual address {@code vaddr} into {@code dst}; returns how many were
     * available (0 when the address is not in the dump). Never throws for an unmapped address.
     */
    int read(long vaddr, byte[] dst, int off, int len);

    /** The little-endian 64-bit word at {@code vaddr}, or empty when any of its 8 bytes is not in the dump. */
    default OptionalLong u64(long vaddr) {
        byte[] b = new byte[8];
        if (read(vaddr, b, 0, 8) != 8) {
            return OptionalLong.empty();
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return OptionalLong.of(v);
    }
}
