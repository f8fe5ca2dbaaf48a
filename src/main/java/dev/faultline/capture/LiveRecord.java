package dev.faultline.capture;

import dev.faultline.model.CrashCapture;

/**
 * What the tracer thread hands to the decoder thread: raw facts copied out of a stopped tracee (numbers and
 * byte buffers), so that formatting and analysis never delay the tracee.
 */
public abstract class LiveRecord {
    /** Marks the end of a capture in the record stream. */
    public static final LiveRecord END = new Exit(-1, 0, false, 0, false);

    public final int tid;
    public final long timeNs;

    LiveRecord(int tid, long timeNs) {
        this.tid = tid;
        this.timeNs = timeNs;
    }

    /** A syscall, complete or (at detach, death or exec) left unfinished. */
    public static final class Syscall extends LiveRecord {
        public final int nr;
        /** The syscall's name, looked up once at entry. */
        public final String name;
        public final long[] args;
        public long rval;
        public boolean finished;
        public long durationNs;
        /** The path (or first string) argument, NUL excluded; null if not read. */
        public byte[] path;
        public byte[] path2;
        /** Data buffer (read/write/writev...) up to the -s cap; bufLen is the full length the call moved. */
        public byte[] buf;
        public long bufLen;
        /** execve's argv. */
        public byte[][] argv;
        /** Small out-parameters: pipe fds, wait status, clone3 flags/exit signal, open_how flags. */
        public long[] words;

        Syscall(int tid, long timeNs, int nr, String name, long[] args) {
            super(tid, timeNs);
            this.nr = nr;
            this.name = name;
            this.args = args;
        }
    }

    /** A signal-delivery-stop. */
    public static final class Signal extends LiveRecord {
        public final int signo;
        public final int code;
        public final int errno;
        /** si_addr for faults, or si_pid | si_uid << 32 for sent signals. */
        public final long union0;
        public final long union1;

        Signal(int tid, long timeNs, int signo, int code, int errno, long union0, long union1) {
            super(tid, timeNs);
            this.signo = signo;
            this.code = code;
            this.errno = errno;
            this.union0 = union0;
            this.union1 = union1;
        }
    }

    /** The tracee exited or was killed (a wait status). */
    public static final class Exit extends LiveRecord {
        public final boolean killed;
        public final int value;
        public final boolean coreDumped;

        Exit(int tid, long timeNs, boolean killed, int value, boolean coreDumped) {
            super(tid, timeNs);
            this.killed = killed;
            this.value = value;
            this.coreDumped = coreDumped;
        }
    }

    /** The crash metadata collected at the fault's signal-delivery-stop. */
    public static final class Crash extends LiveRecord {
        public final CrashCapture capture;

        Crash(int tid, long timeNs, CrashCapture capture) {
            super(tid, timeNs);
            this.capture = capture;
        }
    }
}
