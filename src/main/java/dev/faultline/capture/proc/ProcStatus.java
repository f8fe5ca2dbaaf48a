package dev.faultline.capture.proc;

/**
 * The fields of {@code /proc/PID/status} that the tracer needs. {@code state} is the letter of the State line
 * (R, S, D, T, t, Z, X, I); numbers missing from the text are -1, a missing name is empty. {@code nsPid} is the
 * last NSpid field: the pid in the process's own, innermost pid namespace (1 for a container's first process).
 */
public record ProcStatus(String name, char state, int tgid, int pid, int ppid, int tracerPid, int uid, int threads,
        int nsPid) {

    public boolean isZombie() {
        return state == 'Z';
    }

    public boolean isTraced() {
        return tracerPid > 0;
    }
}
