package dev.faultline.linux;

import java.util.HashMap;
import java.util.Map;

/** The symbolic names strace prints for signals, si_codes, errnos and flag words (x86_64 Linux values). */
public final class LinuxNames {
    /** Signal numbers as int constants, for ptrace code that works on raw numbers; {@link Signal} owns them. */
    public static final int SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGSEGV = 11,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGSYS = 31;

    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;

    static {
        // the constants above restate Signal's numbers for switch labels: they must agree
        for (int n : new int[] {SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGSEGV, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP,
            SIGTSTP, SIGTTIN, SIGTTOU, SIGSYS}) {
            if (Signal.of(n) == null) {
                throw new AssertionError("no signal " + n);
            }
        }
    }

    private static final Map<Integer, String[]> ERRNOS = new HashMap<>();

    static {
        errno(1, "EPERM", "Operation not permitted");
        errno(2, "ENOENT", "No such file or directory");
        errno(3, "ESRCH", "No such process");
        errno(4, "EINTR", "Interrupted system call");
        errno(5, "EIO", "Input/output error");
        errno(6, "ENXIO", "No such device or address");
        errno(7, "E2BIG", "Argument list too long");
        errno(8, "ENOEXEC", "Exec format error");
        errno(9, "EBADF", "Bad file descriptor");
        errno(10, "ECHILD", "No child processes");
        errno(11, "EAGAIN", "Resource temporarily unavailable");
        errno(12, "ENOMEM", "Cannot allocate memory");
        errno(13, "EACCES", "Permission denied");
        errno(14, "EFAULT", "Bad address");
        errno(16, "EBUSY", "Device or resource busy");
        errno(17, "EEXIST", "File exists");
        errno(18, "EXDEV", "Invalid cross-device link");
        errno(19, "ENODEV", "No such device");
        errno(20, "ENOTDIR", "Not a directory");
        errno(21, "EISDIR", "Is a directory");
        errno(22, "EINVAL", "Invalid argument");
        errno(23, "ENFILE", "Too many open files in system");
        errno(24, "EMFILE", "Too many open files");
        errno(25, "ENOTTY", "Inappropriate ioctl for device");
        errno(26, "ETXTBSY", "Text file busy");
        errno(27, "EFBIG", "File too large");
        errno(28, "ENOSPC", "No space left on device");
        errno(29, "ESPIPE", "Illegal seek");
        errno(30, "EROFS", "Read-only file system");
        errno(32, "EPIPE", "Broken pipe");
        errno(34, "ERANGE", "Numerical result out of range");
        errno(36, "ENAMETOOLONG", "File name too long");
        errno(38, "ENOSYS", "Function not implemented");
        errno(39, "ENOTEMPTY", "Directory not empty");
        errno(40, "ELOOP", "Too many levels of symbolic links");
        errno(61, "ENODATA", "No data available");
        errno(95, "EOPNOTSUPP", "Operation not supported");
        errno(97, "EAFNOSUPPORT", "Address family not supported by protocol");
        errno(98, "EADDRINUSE", "Address already in use");
        errno(99, "EADDRNOTAVAIL", "Cannot assign requested address");
        errno(104, "ECONNRESET", "Connection reset by peer");
        errno(107, "ENOTCONN", "Transport endpoint is not connected");
        errno(110, "ETIMEDOUT", "Connection timed out");
        errno(111, "ECONNREFUSED", "Connection refused");
        errno(115, "EINPROGRESS", "Operation now in progress");
        // kernel-internal restart codes a tracer sees at syscall exit when a signal interrupted the call
        errno(512, "ERESTARTSYS", "To be restarted if SA_RESTART is set");
        errno(513, "ERESTARTNOINTR", "To be restarted");
        errno(514, "ERESTARTNOHAND", "To be restarted if no handler");
        errno(516, "ERESTART_RESTARTBLOCK", "Interrupted by signal");
    }

    private LinuxNames() {
    }

    private static void errno(int n, String name, String text) {
        ERRNOS.put(n, new String[] {name, text});
    }

    public static String signal(int sig) {
        return Signal.name(sig);
    }

    /** "ENOENT (No such file or directory)", as strace prints after "= -1 " (or after "= ? " for restarts). */
    public static String errno(int n) {
        String[] e = ERRNOS.get(n);
        return e == null ? "E" + n + " (Unknown error " + n + ")" : e[0] + " (" + e[1] + ")";
    }

    public static boolean isRestart(int errno) {
        return errno >= 512 && errno <= 516;
    }

    public static String siCode(int sig, int code) {
        return SiCode.name(sig, code);
    }

    private static final String[][] OPEN_FLAGS = {{"O_WRONLY", "1"}, {"O_RDWR", "2"}, {"O_CREAT", "100"},
        {"O_EXCL", "200"}, {"O_NOCTTY", "400"}, {"O_TRUNC", "1000"}, {"O_APPEND", "2000"}, {"O_NONBLOCK", "4000"},
        {"O_DSYNC", "10000"}, {"O_ASYNC", "20000"}, {"O_DIRECT", "40000"}, {"O_LARGEFILE", "100000"},
        {"O_DIRECTORY", "200000"}, {"O_NOFOLLOW", "400000"}, {"O_NOATIME", "1000000"}, {"O_CLOEXEC", "2000000"},
        {"O_PATH", "10000000"}};

    /** open(2) flags: "O_RDONLY|O_CLOEXEC". */
    public static String openFlags(long flags) {
        StringBuilder sb = new StringBuilder();
        long acc = flags & 3;
        sb.append(acc == 1 ? "O_WRONLY" : acc == 2 ? "O_RDWR" : acc == 3 ? "O_ACCMODE" : "O_RDONLY");
        long rest = flags & ~3L;
        for (int i = 2; i < OPEN_FLAGS.length; i++) {
            long bit = Long.parseLong(OPEN_FLAGS[i][1], 8);
            if ((rest & bit) != 0) {
                sb.append('|').append(OPEN_FLAGS[i][0]);
                rest &= ~bit;
            }
        }
        if (rest != 0) {
            sb.append("|0").append(Long.toOctalString(rest));
        }
        return sb.toString();
    }

    private static final String[] CLONE_BITS = {null, null, null, null, null, null, null, null, "CLONE_VM", "CLONE_FS",
        "CLONE_FILES", "CLONE_SIGHAND", "CLONE_PIDFD", "CLONE_PTRACE", "CLONE_VFORK", "CLONE_PARENT", "CLONE_THREAD",
        "CLONE_NEWNS", "CLONE_SYSVSEM", "CLONE_SETTLS", "CLONE_PARENT_SETTID", "CLONE_CHILD_CLEARTID", "CLONE_DETACHED",
        "CLONE_UNTRACED", "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER",
        "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_IO"};

    /** clone(2) flags with the exit signal in the low byte: "CLONE_VM|CLONE_THREAD|...|SIGCHLD". */
    public static String cloneFlags(long flags, boolean exitSignalInLowByte) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 8; bit < CLONE_BITS.length; bit++) {
            if ((flags & (1L << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(CLONE_BITS[bit]);
            }
        }
        int sig = (int) (flags & 0xff);
        if (exitSignalInLowByte && sig != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(signal(sig));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
