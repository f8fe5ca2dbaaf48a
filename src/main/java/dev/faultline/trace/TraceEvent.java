package dev.faultline.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.faultline.linux.Signal;
import dev.faultline.linux.SiCode;

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

    /** A joined call's first line: {@link #text()} is {@code joinHead + " ... " + text}, built when first asked. */
    private String joinHead;

    // --- SYSCALL ---
    public String name;
    /** Argument text between the parentheses, joined across unfinished/resumed; null when {@link #args} came whole. */
    private String argText;
    private List<String> args;
    /*
     * The argument text is kept as a range of the line until someone asks for it ({@code argLine[argFrom, argTo)}),
     * or as the two halves of a joined call ({@code argHead}, {@code argTail}); most calls never need it.
     */
    private String argLine;
    private int argFrom;
    private int argTo;
    private String argHead;
    private int argHeadFrom;
    private int argHeadTo;
    private String argTail;
    /** Where each argument starts and ends in {@link #argSource()}, trimmed: 2 ints per argument; built once. */
    private int[] argBounds;
    private String[] argCache;
    /** Raw result text after " = " (without the -T duration), e.g. {@code 3</etc/x>} or {@code -1 ENOENT (...)}. */
    public String resultText;
    /** -T: time spent in the call, or -1 when unknown. */
    public long durationNs = -1;
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

    // --- SIGNAL / KILLED ---
    /** The signal's number (a delivery, or what killed the thread); 0 when strace named one no table knows. */
    public int signo;
    /** si_code, or {@link SiCode#UNKNOWN} when strace printed none (a group-stop, -e signal=none...). */
    public int siCode = SiCode.UNKNOWN;
    /** si_pid: who sent a user signal, or the child a SIGCHLD is about; 0 when there is none. */
    public int siPid;
    /** si_addr of a kernel-raised fault (0 when there is none). */
    public long siAddr;
    /** {@code --- stopped by SIGSTOP ---}: a group-stop, not a delivery. */
    public boolean stopped;
    /** Every siginfo field as strace printed it (offline); null for a live event, see {@link #siginfo()}. */
    Map<String, String> siginfo;
    /** The name strace printed when {@link #signo} is 0 (a name no table knows). */
    String unknownSignal;

    // --- EXITED / KILLED ---
    public int exitCode;
    public boolean coreDumped;

    // --- SUPERSEDED / STRACE_MESSAGE ---
    public int otherPid;

    /** -k stack frames that followed this line, innermost first. */
    public List<String> stack = List.of();

    /** The event's strace line(s): as read, or rendered by {@link StraceWriter} for a live event. */
    public String text() {
        if (joinHead != null) {
            text = joinHead + " ... " + text; // ASCII keeps the String Latin-1 (half the memory)
            joinHead = null;
        } else if (text == null) {
            text = StraceWriter.line(this);
        }
        return text;
    }

    /** Characters of line text this event holds (its memory, mostly): what bounds a read-ahead. */
    public int heldChars() {
        return (text == null ? 0 : text.length()) + (joinHead == null ? 0 : joinHead.length());
    }

    public void text(String text) {
        this.text = text;
        this.joinHead = null;
    }

    /** An unfinished line and the line that resumed it; their joined text is built only when asked for. */
    void joinedText(String head, String tail) {
        this.joinHead = head;
        this.text = tail;
    }

    /** The arguments as strace prints them between the parentheses. */
    public String argText() {
        if (argText == null) {
            if (argLine != null) {
                argText = argLine.substring(argFrom, argTo); // argLine stays: argBounds index into it
            } else if (argHead != null) {
                argText = CallText.joinArgs(argHead, argHeadFrom, argHeadTo, argTail, argFrom, argTo);
                argHead = null;
                argTail = null;
            } else if (args != null) {
                argText = String.join(", ", args);
            }
        }
        return argText;
    }

    public void argText(String argText) {
        clearArgs();
        this.argText = argText;
    }

    /** The arguments are {@code line[from, to)}: cut out only when asked for. */
    void argRange(String line, int from, int to) {
        clearArgs();
        this.argLine = line;
        this.argFrom = from;
        this.argTo = to;
    }

    /** The arguments of a joined call: the unfinished line's and the resumed line's halves, joined when asked for. */
    void joinedArgs(String headLine, int headFrom, int headTo, String tailLine, int tailFrom, int tailTo) {
        clearArgs();
        this.argHead = headLine;
        this.argHeadFrom = headFrom;
        this.argHeadTo = headTo;
        this.argTail = tailLine;
        this.argFrom = tailFrom;
        this.argTo = tailTo;
    }

    /** {@code argText().endsWith(suffix)}, answered from the line where possible, without cutting the text out. */
    boolean argsEndWith(String suffix) {
        if (argText == null && argLine != null) {
            return argTo - argFrom >= suffix.length() && argLine.startsWith(suffix, argTo - suffix.length());
        }
        if (argText == null && argHead != null) {
            int end = argTo;
            while (end > argFrom && Character.isWhitespace(argTail.charAt(end - 1))) {
                end--;
            }
            if (end - argFrom >= suffix.length()) {
                // a tail at least as long as the suffix ends the joined text
                return argTail.startsWith(suffix, end - suffix.length());
            }
        }
        String a = argText();
        return a != null && a.endsWith(suffix);
    }

    private void clearArgs() {
        this.argText = null;
        this.args = null;
        this.argLine = null;
        this.argHead = null;
        this.argTail = null;
        this.argBounds = null;
        this.argCache = null;
    }

    /** Arguments decoded one by one (the live decoder): no text to split. */
    public void args(List<String> decoded) {
        clearArgs();
        this.args = decoded;
    }

    public List<String> args() {
        if (args == null) {
            int n = argCount();
            if (n == 0) {
                args = List.of();
            } else {
                String[] all = new String[n];
                for (int i = 0; i < n; i++) {
                    all[i] = arg(i);
                }
                args = java.util.Arrays.asList(all);
            }
        }
        return args;
    }

    public String arg(int i) {
        if (args != null) {
            return i < args.size() ? args.get(i) : null;
        }
        if (i < 0 || i >= argCount()) {
            return null;
        }
        if (argCache == null) {
            argCache = new String[argBounds.length / 2];
        }
        String a = argCache[i];
        if (a == null) {
            a = argSource().substring(argBounds[2 * i], argBounds[2 * i + 1]);
            argCache[i] = a;
        }
        return a;
    }

    /** The number of arguments, splitting the text only once (and without copying it when it is still a range of the line). */
    private int argCount() {
        if (args != null) {
            return args.size();
        }
        if (argBounds == null) {
            if (argLine != null) {
                argBounds = CallText.argBounds(argLine, argFrom, argTo);
            } else {
                String t = argText();
                argBounds = t == null ? new int[0] : CallText.argBounds(t, 0, t.length());
            }
        }
        return argBounds.length / 2;
    }

    /** The string {@link #argBounds} index into. */
    private String argSource() {
        return argLine != null ? argLine : argText;
    }

    /** The signal's name as strace prints it (SIGSEGV), or null for an event without one. */
    public String signalName() {
        if (signo != 0) {
            return Signal.name(signo);
        }
        return unknownSignal;
    }

    /** The siginfo fields for the report: as strace printed them, or from the typed fields of a live delivery. */
    public Map<String, String> siginfo() {
        if (siginfo == null) {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            if (stopped) {
                m.put("stopped", "1");
            } else if (signo != 0) {
                m.put("si_signo", Signal.name(signo));
                if (siCode != SiCode.UNKNOWN) {
                    m.put("si_code", SiCode.name(signo, siCode));
                }
                if (SiCode.kernelGenerated(siCode) && siCode != dev.faultline.linux.LinuxNames.SI_KERNEL && signo != dev.faultline.linux.LinuxNames.SIGCHLD) {
                    m.put("si_addr", "0x" + Long.toHexString(siAddr));
                } else if (siCode != SiCode.UNKNOWN && (siCode <= 0 || signo == dev.faultline.linux.LinuxNames.SIGCHLD)) {
                    m.put("si_pid", Integer.toString(siPid));
                }
            }
            siginfo = m;
        }
        return siginfo;
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
        return kind + " " + tid + " " + (name != null ? name : signo != 0 ? signalName() : "") + " @" + lineNo;
    }
}
