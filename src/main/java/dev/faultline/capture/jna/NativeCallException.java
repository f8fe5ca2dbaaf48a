package dev.faultline.capture.jna;

/** A failed libc call: names the operation, the pid and errno (ESRCH, EPERM, ...). */
public final class NativeCallException extends Exception {
    public static final int EPERM = 1;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ECHILD = 10;
    public static final int EFAULT = 14;
    public static final int EINVAL = 22;
    public static final int EIO = 5;

    private final int errno;
    private final int pid;

    NativeCallException(String operation, int pid, int errno) {
        super(operation + "(" + pid + "): " + describe(errno));
        this.errno = errno;
        this.pid = pid;
    }

    public int errno() {
        return errno;
    }

    public int pid() {
        return pid;
    }

    static String describe(int errno) {
        switch (errno) {
            case EPERM: return "operation not permitted (EPERM)";
            case ESRCH: return "no such process, or not stopped under this tracer (ESRCH)";
            case EINTR: return "interrupted (EINTR)";
            case EIO: return "I/O error (EIO)";
            case ECHILD: return "no child to wait for (ECHILD)";
            case EFAULT: return "bad address (EFAULT)";
            case EINVAL: return "invalid argument (EINVAL)";
            default: return "errno " + errno;
        }
    }
}
