package dev.faultline.capture;

/** Decodes a waitpid status word (the W* macros of sys/wait.h, plus the ptrace event in bits 16-23). */
public final class WaitStatus {
    private WaitStatus() {
    }

    public static boolean exited(int s) {
        return (s & 0x7f) == 0;
    }

    public static int exitCode(int s) {
        return (s >> 8) & 0xff;
    }

    public static boolean signaled(int s) {
        return (s & 0x7f) != 0 && (s & 0x7f) != 0x7f;
    }

    public static int termSig(int s) {
        return s & 0x7f;
    }

    public static boolean coreDumped(int s) {
        return (s & 0x80) != 0;
    }

    public static boolean stopped(int s) {
        return (s & 0xff) == 0x7f;
    }

    public static int stopSig(int s) {
        return (s >> 8) & 0xff;
    }

    public static int event(int s) {
        return (s >>> 16) & 0xff;
    }
}
