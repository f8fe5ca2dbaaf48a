package dev.faultline.core;

/** NT_SIGINFO. {@code addr} is meaningful when {@code code > 0} (a kernel-generated fault); {@code senderPid}/{@code senderUid} when {@code code <= 0}. */
public record SignalInfo(int signo, int errno, int code, long addr, int senderPid, long senderUid) {
    public static final int SI_USER = 0;
    public static final int SI_TKILL = -6;
    public static final int SI_KERNEL = 0x80;

    /** Sent by a process (kill, tgkill, raise), not by the kernel for a fault. */
    public boolean userSent() {
        return code <= 0;
    }
}
