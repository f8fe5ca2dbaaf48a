package dev.faultline.core;

/** One NT_FILE entry: a file-backed mapping [start, end) whose first byte is at {@code fileOffset} (bytes) in {@code path}. */
public record FileMapping(long start, long end, long fileOffset, String path) {
    public boolean contains(long a) {
        return Long.compareUnsigned(a - start, end - start) < 0;
    }
}
