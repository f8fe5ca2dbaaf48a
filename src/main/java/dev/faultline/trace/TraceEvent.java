package dev.faultline.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One thing strace reported about one thread: a (joined) system call, a signal, an exit, or one of strace's
 * own messages. Unfinished/resumed halves are joined before an event is built, so a call is always whole:
 * {@link #lineNo} is the line where it completed and {@link #startLineNo} the line where it began.
 */
public final class TraceEvent {

    public enum Kind {
        /** A system call (or an ltrace library call). */
        SYSCALL,
        /** {@code --- SIGSEGV {si_signo=...} ---} */
        SIGNAL,
        /** {@code +++ exited with N +++} */
        EXITED,
        /** {@code +++ killed by SIGSEGV (core dumped) +++} */
        KILLED,
        /** {@code +++ superseded by execve in pid N +++}: the thread {@link #otherPid} became this one. */
        SUPERSEDED,
        /** {@code strace: Process N attached|detached}. */
        STRACE_MESSAGE
    }

    /** Result value used when a call returned {@code ?} or never completed. */
    public static final long NO_RESULT = Long.MIN_VALUE;
    /** Time value used when the trace carries no timestamps. */
    public static final long NO_TIME = Long.MIN_VALUE;

    public Kind kind;
    /** Name of the trace file this came from (for evidence). */
    public String source;
    public long lineNo;
    public long startLineNo;
    /** Thread id as strace printed it (the pid prefix), 0 when strace printed none and none could be learned. */
    public int tid;
    /** Timestamp in nanoseconds (epoch, or since midnight for -t/-tt, or cumulative for -r), or {@link #NO_TIME}. */
    public long timeNs = NO_TIME;
    /**
     * The original text of the line(s), for evidence (unfinished+resumed joined with " ... "). Null for an event the
     * live decoder built from registers: {@link #text()} then renders it, only when evidence needs it.
     */
    private String text;

    // --- SYSCALL ---
    public String name;
    /** Argument text between the parentheses, joined across unfinished/resumed; null when {@link #args} came whole. */
    private String argText;
    private List<String> args;
    /** Raw result text after " = " (without the -T duration), e.g. {@code 3</etc/x>} or {@code -1 ENOENT (...)}. */
    public String resultText;
    public long result = NO_RESULT;
    /** errno name when the call failed, e.g. ENOENT. */
    public String errno;
    /** The -y decoration of the result fd, e.g. the path opened. */
    public String resultPath;
    /** The call began but its end is not in the trace (detached, or the trace ended). */
    public boolean incomplete;
    /** The call's end is in the trace but its beginning is not (attached mid-call). */
    public boolean orphanResume;
    /** strace marked the result as injected by -e inject. */
    public boolean injected;

    // --- SIGNAL ---
    public String signal;
    public Map<String, String> siginfo;

    // --- EXITED / KILLED ---
    public int exitCode;
    public boolean coreDumped;

    // --- SUPERSEDED / STRACE_MESSAGE ---
    public int otherPid;

    /** -k stack frames that followed this line, innermost first. */
    public List<String> stack = List.of();

    /** The event's strace line(s): as read, or rendered by {@link StraceWriter} for a live event. */
    public String text() {
        if (text == null) {
            text = StraceWriter.line(this);
        }
        return text;
    }

    public void text(String text) {
        this.text = text;
    }

    /** The arguments as strace prints them between the parentheses. */
    public String argText() {
        if (argText == null && args != null) {
            argText = String.join(", ", args);
        }
        return argText;
    }

    public void argText(String argText) {
        this.argText = argText;
        this.args = null;
    }

    /** Arguments decoded one by one (the live decoder): no text to split. */
    public void args(List<String> decoded) {
        this.args = decoded;
        this.argText = null;
    }

    public List<String> args() {
        if (args == null) {
            args = argText == null ? List.of() : CallText.splitArgs(argText);
        }
        return args;
    }

    public String arg(int i) {
        List<String> a = args();
        return i < a.size() ? a.get(i) : null;
    }

    public boolean failed() {
        return errno != null;
    }

    void addFrame(String frame) {
        if (stack.isEmpty()) {
            stack = new ArrayList<>(8);
        }
        stack.add(frame);
    }

    @Override
    public String toString() {
        return kind + " " + tid + " " + (name != null ? name : signal != null ? signal : "") + " @" + lineNo;
    }
}
