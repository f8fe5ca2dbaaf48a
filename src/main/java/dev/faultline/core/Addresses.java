package dev.faultline.core;

import java.util.function.IntToLongFunction;

/** Searches over sorted 64-bit addresses, compared unsigned: the vsyscall page at 0xffffffffff600000 sorts last. */
public final class Addresses {
    private Addresses() {
    }

    /** The largest index i with {@code sorted[i] <= key} (unsigned), or -1; {@code sorted} ascends unsigned. */
    public static int floor(long[] sorted, long key) {
        return floor(sorted.length, i -> sorted[i], key);
    }

    /** The same over {@code count} values read by index (an on-disk table decoded as it is searched). */
    public static int floor(int count, IntToLongFunction valueAt, long key) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(valueAt.applyAsLong(mid), key) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
