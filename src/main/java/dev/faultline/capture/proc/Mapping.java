package dev.faultline.capture.proc;

import java.util.List;

/**
 * One line of {@code /proc/PID/maps}. Addresses are unsigned (the vsyscall page is above Long.MAX_VALUE), so
 * compare them with {@link Long#compareUnsigned}. {@code path} is empty for anonymous memory, {@code [stack]}-style
 * for the kernel's named areas, and keeps the kernel's {@code " (deleted)"} suffix.
 */
public record Mapping(long start, long end, String perms, long offset, String dev, long inode, String path) {

    public boolean contains(long addr) {
        return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0;
    }

    public boolean isFile() {
        return path.startsWith("/");
    }

    /** The mapping holding {@code addr}, or null; {@code maps} must be sorted by start, as the kernel lists them. */
    public static Mapping containing(List<Mapping> maps, long addr) {
        int lo = 0;
        int hi = maps.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Mapping m = maps.get(mid);
            if (Long.compareUnsigned(addr, m.start) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(addr, m.end) >= 0) {
                lo = mid + 1;
            } else {
                return m;
            }
        }
        return null;
    }
}
