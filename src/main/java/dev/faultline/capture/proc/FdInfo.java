package dev.faultline.capture.proc;

/** {@code /proc/PID/fdinfo/FD}: file position, open(2) flags, mount id; -1 when a line is missing. */
public record FdInfo(long pos, int flags, int mntId) {
}
