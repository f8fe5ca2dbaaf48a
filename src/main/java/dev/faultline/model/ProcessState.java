package dev.faultline.model;

/** A process (thread group) in the trace. */
public final class ProcessState {
    public final int tgid;
    public FdTable fds;
    /** Current directory when the trace shows it (-y AT_FDCWD decoration, chdir), else null. */
    public String cwd;

    public ProcessState(int tgid, FdTable fds, String cwd) {
        this.tgid = tgid;
        this.fds = fds;
        this.cwd = cwd;
    }
}
