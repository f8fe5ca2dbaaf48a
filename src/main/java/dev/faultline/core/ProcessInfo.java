package dev.faultline.core;

/** NT_PRPSINFO: the uid at dump time, the tgid, the short name and the (truncated) command line. */
public record ProcessInfo(int pid, int ppid, long uid, long gid, String fname, String psargs) {
}
