package dev.faultline.model;

/** A process (thread group) in the trace. */
public final class ProcessState {
    public final int tgid;
    public FdTable fds;
    /** Current directory when the trace shows it (-y AT_FDCWD decoration, chdir), else null. */
    public String cwd;
    /** argv of the program this process exec'd in the trace ({@code apache2 -t -f X}), or null when not seen. */
    public java.util.List<String> execArgv;
    /** The last signal telling it to reload or stop (SIGHUP, SIGUSR1, SIGWINCH, SIGTERM): httpd's control signals. */
    public String controlSignal;
    public long controlSignalLine;
    /** It forked a process (not a thread) in the trace: for httpd, the parent. */
    public boolean forked;

    public ProcessState(int tgid, FdTable fds, String cwd) {
        this.tgid = tgid;
        this.fds = fds;
        this.cwd = cwd;
    }
}
