package dev.faultline.trace;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns strace text, one line at a time, into whole {@link TraceEvent}s. Pull-based and streaming: memory is
 * bounded by the number of threads with a call in flight, not by the trace size.
 *
 * <p>Line anatomy (strace's printleader()): {@code [pid prefix][timestamp][ (+rel)][ [ip]][ [nr]] body}.
 * The pid prefix is {@code "N "} with -f -o, {@code "[pid N] "} on stderr (and only while more than one process
 * is traced), {@code "N<comm> "} with -Y, and absent with -ff (the pid is in the file name).
 */
public final class StraceParser implements Closeable {

    private final LineSource src;
    private final String sourceName;
    private final int fixedPid;
    private final ParseStats stats = new ParseStats();
    private final ArrayDeque<TraceEvent> ready = new ArrayDeque<>();
    private final ArrayList<TraceEvent> unresolved = new ArrayList<>();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private Pending lastPending;
    /** What a following -k frame line belongs to: a TraceEvent or a Pending. */
    private Object frameTarget;
    private String splitHead;
    private boolean eof;

    // The pid of lines strace printed without a prefix (stderr output, -o without -f).
    private int soloPid;
    private boolean soloExited;
    private boolean sawUnprefixed;
    private boolean sawEvent;
    private final Set<Integer> children = new HashSet<>();
    private final Set<Integer> live = new HashSet<>();

    // Time state.
    private long lastTimeOfDayNs = -1;
    private long dayOffsetNs;
    private long relativeSumNs;
    private long curTime = TraceEvent.NO_TIME;

    private static final class Pending {
        int tid;
        String name;
        /** The head's argument text is {@code headLine[headFrom, headTo)}, cut out only when needed. */
        String headLine;
        int headFrom;
        int headTo;
        long lineNo;
        String text;
        List<String> frames = List.of();

        String headArgs() {
            return headLine.substring(headFrom, headTo);
        }

        void addFrame(String frame) {
            if (frames.isEmpty()) {
                frames = new ArrayList<>(8);
            }
            frames.add(frame);
        }
    }

    /** Call names seen recently, so that each line does not allocate its name again (direct-mapped by hash). */
    private final String[] nameCache = new String[512];

    private String callName(String line, int from, int to) {
        if (to - from > 4 && line.startsWith("SYS_", from)) {
            from += 4; // ltrace -S
        }
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + line.charAt(k);
        }
        int slot = (h ^ (h >>> 9)) & (nameCache.length - 1);
        String n = nameCache[slot];
        if (n != null && n.length() == to - from && line.startsWith(n, from)) {
            return n;
        }
        n = line.substring(from, to);
        nameCache[slot] = n;
        return n;
    }

    private static boolean endsWithAt(String s, int end, String suffix) {
        return end >= suffix.length() && s.startsWith(suffix, end - suffix.length());
    }

    /**
     * @param fixedPid the pid of every line (a -ff file {@code P.<pid>}), or 0 when lines carry their own
     */
    public StraceParser(LineSource src, String sourceName, int fixedPid) {
        this.src = src;
        this.sourceName = sourceName;
        this.fixedPid = fixedPid;
        if (fixedPid > 0) {
            soloPid = fixedPid;
        }
    }

    public ParseStats stats() {
        return stats;
    }

    public String sourceName() {
        return sourceName;
    }

    int fixedPidForOrder() {
        return fixedPid;
    }

    /** The next event, or null at the end of the trace. */
    public TraceEvent next() throws IOException {
        // Keep one event back: -k frame lines that follow it must be attached before anyone sees it.
        while (!eof && ready.size() < 2) {
            String line = src.next();
            if (line == null) {
                finish();
                break;
            }
            stats.lines++;
            if (src.lastLineOversized()) {
                stats.oversizedLines++;
            }
            if (src.lastLineUnterminated()) {
                handleUnterminated(line);
                continue;
            }
            handleLine(line, src.lineNo());
        }
        return ready.poll();
    }

    private void handleUnterminated(String line) {
        stats.truncatedLastLine = src.lineNo();
        int before = ready.size() + unresolved.size();
        long unknownBefore = stats.unknownLines;
        handleLine(line, src.lineNo());
        boolean produced = ready.size() + unresolved.size() > before && stats.unknownLines == unknownBefore;
        stats.truncatedLastLineKept = produced;
        if (!produced && stats.unknownLines > unknownBefore) {
            // A cut line is expected garbage: report it as truncated, not as an unknown line.
            stats.unknownLines--;
            if (!stats.unknownSamples.isEmpty()) {
                stats.unknownSamples.remove(stats.unknownSamples.size() - 1);
            }
        }
    }

    private void finish() {
        eof = true;
        if (src.compressedStreamCut()) {
            stats.cutCompressedSources.add(sourceName);
        }
        for (Pending p : new ArrayList<>(pending.values())) {
            TraceEvent e = fromPending(p);
            e.incomplete = true;
            e.lineNo = p.lineNo;
            stats.incompleteAtEnd++;
            emit(e);
        }
        pending.clear();
        flushUnresolved();
    }

    // ------------------------------------------------------------------------------------------------------

    private void handleLine(String raw, long lineNo) {
        String line = raw;
        if (splitHead != null) {
            int again = raw.indexOf("strace: Process ");
            if (again > 0 && isProcessMessage(raw, again)) {
                // the line has a head of its own before another message: the held head never got its rest
                stats.unknown(sourceName, lineNo - 1, splitHead);
            } else {
                line = splitHead + line;
            }
            splitHead = null;
        }
        if (line.isEmpty() || line.isBlank()) {
            stats.blankLines++;
            return;
        }
        char c0 = line.charAt(0);
        if (c0 == ' ' && line.startsWith(" > ")) {
            stats.stackFrames++;
            addFrame(line.substring(3).trim());
            return;
        }
        if (c0 == ' ' && line.startsWith(" | ")) {
            stats.hexDumpLines++;
            return;
        }
        if (isSummaryLine(line)) {
            stats.summaryLines++;
            return;
        }
        int own = straceMessageStart(line);
        if (own >= 0) {
            straceMessage(line.substring(own), lineNo);
            return;
        }
        if (line.startsWith("[ Process PID=")) {
            stats.straceMessages++;
            return;
        }
        // On stderr, "strace: Process N attached" can land in the middle of a call line; the rest of that call
        // line follows on the next line.
        int msg = line.indexOf("strace: Process ");
        if (msg > 0 && isProcessMessage(line, msg) && !isCompleteCallLine(line.substring(0, msg))) {
            stats.splitLines++;
            straceMessage(line.substring(msg), lineNo);
            splitHead = line.substring(0, argv0Start(line, msg));
            return;
        }
        parseTraceLine(line, lineNo);
    }

    private static boolean isSummaryLine(String line) {
        if (line.startsWith("% time") || line.startsWith("------ ")) {
            return true;
        }
        // "  59.32    0.001652         206         8         1 read" and "100.00 ... total"
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) == ' ') {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(line.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= n || line.charAt(i) != '.') {
            return false;
        }
        i++;
        int frac = 0;
        while (i < n && Character.isDigit(line.charAt(i))) {
            i++;
            frac++;
        }
        if (frac != 2 || i >= n || line.charAt(i) != ' ') {
            return false;
        }
        while (i < n && line.charAt(i) == ' ') {
            i++;
        }
        // second column: seconds with 6 decimals
        int d2 = 0;
        while (i < n && Character.isDigit(line.charAt(i))) {
            i++;
            d2++;
        }
        return d2 > 0 && i < n && line.charAt(i) == '.';
    }

    /**
     * strace prefixes its own messages with its argv[0]: "strace: ..." or "/usr/bin/strace: ...". Returns where
     * the message starts (the argv[0]), or -1.
     */
    private static int straceMessageStart(String line) {
        if (line.startsWith("strace: ")) {
            return 0;
        }
        if (line.charAt(0) == '/') {
            int at = line.indexOf("strace: ");
            if (at > 0 && line.charAt(at - 1) == '/' && line.lastIndexOf(' ', at) < 0) {
                return 0;
            }
        }
        return -1;
    }

    /** Start of an argv[0] path like "/usr/bin/" glued before "strace: " at {@code at}. */
    private static int argv0Start(String line, int at) {
        if (at == 0 || line.charAt(at - 1) != '/') {
            return at;
        }
        int k = at - 1;
        while (k > 0 && isPathChar(line.charAt(k - 1))) {
            k--;
        }
        return line.charAt(k) == '/' ? k : at;
    }

    private static boolean isPathChar(char c) {
        return CallText.isWordChar(c) || c == '/' || c == '.' || c == '-';
    }

    private static boolean isProcessMessage(String line, int at) {
        String tail = line.substring(at + "strace: Process ".length()).trim();
        int sp = tail.indexOf(' ');
        if (sp <= 0) {
            return false;
        }
        for (int i = 0; i < sp; i++) {
            if (!Character.isDigit(tail.charAt(i))) {
                return false;
            }
        }
        String rest = tail.substring(sp + 1);
        return rest.startsWith("attached") || rest.startsWith("detached");
    }

    /** True when the text is a call line that already has its result, so a trailing message is literal text. */
    private static boolean isCompleteCallLine(String head) {
        int paren = head.indexOf('(');
        if (paren < 0) {
            return false;
        }
        int close = CallText.findClose(head, paren + 1);
        return close >= 0 && head.indexOf(" = ", close) >= 0;
    }

    private void straceMessage(String line, long lineNo) {
        stats.straceMessages++;
        if (!line.startsWith("strace: Process ")) {
            return;
        }
        String tail = line.substring("strace: Process ".length()).trim();
        int sp = tail.indexOf(' ');
        if (sp <= 0) {
            return;
        }
        int pid = FdRef.parseIntOr(tail.substring(0, sp), -1);
        if (pid <= 0) {
            return;
        }
        String what = tail.substring(sp + 1);
        TraceEvent e = new TraceEvent();
        e.kind = TraceEvent.Kind.STRACE_MESSAGE;
        e.source = sourceName;
        e.lineNo = lineNo;
        e.startLineNo = lineNo;
        e.tid = pid;
        e.otherPid = pid;
        e.name = what.startsWith("attached") ? "attached" : "detached";
        e.text(line);
        e.timeNs = curTime;
        if (e.name.equals("attached")) {
            if (!sawEvent && soloPid == 0 && fixedPid == 0) {
                // attach at start (-p): unprefixed lines are this process until others appear
                learnSolo(pid);
            } else if (pid != soloPid) {
                children.add(pid);
            }
            live.add(pid);
        }
        emit(e);
    }

    // ------------------------------------------------------------------------------------------------------

    private void parseTraceLine(String line, long lineNo) {
        int n = line.length();
        int i = 0;
        int tid = -1;
        char c0 = line.charAt(0);
        if (c0 == '[' && line.startsWith("[pid ")) {
            int close = line.indexOf(']', 5);
            if (close > 0) {
                tid = FdRef.parseIntOr(line, 5, close, -1);
                i = close + 1;
            }
        } else if (Character.isDigit(c0)) {
            int d = 0;
            while (d < n && Character.isDigit(line.charAt(d))) {
                d++;
            }
            if (d < n && line.charAt(d) == '<' && d <= 10) {
                int close = line.indexOf("> ", d);
                if (close > 0) {
                    // -Y: "PID<comm> "; the command name is not needed downstream
                    tid = FdRef.parseIntOr(line, 0, d, -1);
                    i = close + 1;
                }
            } else if (d < n && line.charAt(d) == ' ' && d <= 7) {
                tid = FdRef.parseIntOr(line, 0, d, -1);
                i = d;
            }
        }
        i = skipSpaces(line, i);
        i = parseTimestamp(line, i);
        i = skipBrackets(line, i);
        if (i >= n) {
            stats.unknown(sourceName, lineNo, line);
            return;
        }

        boolean prefixed = tid >= 0;
        if (!prefixed) {
            tid = fixedPid > 0 ? fixedPid : resolveUnprefixed();
        } else {
            noticePrefixed(tid);
        }

        char b = line.charAt(i);
        if (b == '-' && line.startsWith("--- ", i)) {
            signalLine(line, i, tid, lineNo);
        } else if (b == '+' && line.startsWith("+++ ", i)) {
            exitLine(line, i, tid, lineNo);
        } else if (b == '<' && line.startsWith("<... ", i)) {
            int resumed = line.indexOf(" resumed>", i);
            resumedLine(line, i, tid, lineNo, resumed < 0 ? -1 : resumed - i);
        } else if (!callLine(line, i, tid, lineNo)) {
            boolean bare = lastPending != null
                    && (fixedPid == 0 ? !prefixed : pending.containsKey(fixedPid));
            if (bare) {
                // strace -z sometimes continues a cut call on a bare line with no pid and no "resumed" marker.
                stats.bareContinuations++;
                Pending p = lastPending;
                resume(p.tid, p.name, line, i, lineNo, line);
            } else {
                stats.unknown(sourceName, lineNo, line);
            }
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** Parses -t, -tt, -ttt, --timestamps=ns, -r and "(+ rel)" forms at {@code i}; returns the body start. */
    private int parseTimestamp(String s, int i) {
        int n = s.length();
        if (i >= n || !Character.isDigit(s.charAt(i))) {
            return i;
        }
        int j = i;
        while (j < n && Character.isDigit(s.charAt(j))) {
            j++;
        }
        if (j >= n) {
            return i;
        }
        char c = s.charAt(j);
        if (c == ':' && j - i == 2 && j + 6 <= n && s.charAt(j + 3) == ':') {
            // HH:MM:SS[.frac]
            int h = FdRef.parseIntOr(s, i, j, -1);
            int m = FdRef.parseIntOr(s, j + 1, j + 3, -1);
            int sec = FdRef.parseIntOr(s, j + 4, j + 6, -1);
            if (h < 0 || m < 0 || sec < 0) {
                return i;
            }
            int k = j + 6;
            long frac = 0;
            if (k < n && s.charAt(k) == '.') {
                int f0 = ++k;
                while (k < n && Character.isDigit(s.charAt(k))) {
                    k++;
                }
                frac = fracToNs(s, f0, k);
            }
            long tod = ((h * 60L + m) * 60L + sec) * 1_000_000_000L + frac;
            // -t/-tt roll over at midnight
            if (lastTimeOfDayNs >= 0 && tod + 12L * 3600 * 1_000_000_000L < lastTimeOfDayNs) {
                dayOffsetNs += 24L * 3600 * 1_000_000_000L;
            }
            lastTimeOfDayNs = tod;
            curTime = dayOffsetNs + tod;
            return relative(s, skipSpaces(s, k));
        }
        if (c == '.') {
            int k = j + 1;
            while (k < n && Character.isDigit(s.charAt(k))) {
                k++;
            }
            if (k >= n || s.charAt(k) != ' ') {
                return i;
            }
            long whole = Long.parseLong(s, i, Math.min(j, i + 18), 10);
            long ns = whole * 1_000_000_000L + fracToNs(s, j + 1, k);
            if (whole >= 100_000_000L) {
                curTime = ns; // -ttt: epoch seconds
            } else {
                relativeSumNs += ns; // -r: delta from the previous line
                curTime = relativeSumNs;
            }
            return relative(s, skipSpaces(s, k));
        }
        if (c == ' ' && j - i >= 9) {
            // integral epoch seconds (--timestamps=unix,s): more digits than any pid
            curTime = Long.parseLong(s, i, Math.min(j, i + 18), 10) * 1_000_000_000L;
            return skipSpaces(s, j);
        }
        return i;
    }

    private static long fracToNs(String s, int from, int to) {
        long v = 0;
        int digits = 0;
        for (int k = from; k < to && digits < 9; k++, digits++) {
            v = v * 10 + (s.charAt(k) - '0');
        }
        for (; digits < 9; digits++) {
            v *= 10;
        }
        return v;
    }

    /** Skips "(+     0.000346) " printed by -r together with -t/-tt. */
    private static int relative(String s, int i) {
        if (s.startsWith("(+", i)) {
            int close = s.indexOf(')', i);
            if (close > 0) {
                return skipSpaces(s, close + 1);
            }
        }
        return i;
    }

    /** Skips -i "[00007f...]" / "[????????????????]" and -n "[ 59]" columns. */
    private static int skipBrackets(String s, int i) {
        while (i < s.length() && s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            if (close < 0 || close - i > 24) {
                return i;
            }
            for (int k = i + 1; k < close; k++) {
                char c = s.charAt(k);
                if (!(Character.digit(c, 16) >= 0 || c == ' ' || c == '?' || c == 'x')) {
                    return i;
                }
            }
            i = skipSpaces(s, close + 1);
        }
        return i;
    }

    // ------------------------------------------------------------------------------------------------------
    // pid of unprefixed lines

    private int resolveUnprefixed() {
        sawUnprefixed = true;
        if (soloPid != 0 && !soloExited) {
            return soloPid;
        }
        if (live.size() == 1) {
            // strace drops the prefix again once only one traced process is left
            return live.iterator().next();
        }
        return soloPid;
    }

    private void noticePrefixed(int tid) {
        if (sawUnprefixed && soloPid == 0 && !children.contains(tid)) {
            learnSolo(tid);
        }
        live.add(tid);
    }

    private void learnSolo(int pid) {
        if (soloPid != 0 || pid <= 0) {
            return;
        }
        soloPid = pid;
        if (!soloExited) {
            live.add(pid);
        }
        Pending p = pending.remove(0);
        if (p != null) {
            p.tid = pid;
            pending.put(pid, p);
        }
        for (TraceEvent e : unresolved) {
            if (e.tid == 0) {
                e.tid = pid;
            }
        }
        flushUnresolved();
    }

    private void flushUnresolved() {
        ready.addAll(unresolved);
        unresolved.clear();
    }

    private void emit(TraceEvent e) {
        sawEvent = true;
        frameTarget = e;
        if (fixedPid == 0 && (e.tid == 0 || !unresolved.isEmpty())) {
            unresolved.add(e);
            if (unresolved.size() > dev.faultline.Limits.UNRESOLVED_CALLS) {
                flushUnresolved();
            }
        } else {
            ready.add(e);
        }
        if (e.kind == TraceEvent.Kind.SYSCALL && e.tid == 0 && e.result > 0 && !e.failed()
                && (e.name.equals("set_tid_address") || e.name.equals("gettid") || e.name.equals("getpid"))) {
            // The first unprefixed process tells us its pid through these calls.
            learnSolo((int) e.result);
        }
    }

    private void addFrame(String frame) {
        if (frameTarget instanceof TraceEvent) {
            ((TraceEvent) frameTarget).addFrame(frame);
        } else if (frameTarget instanceof Pending) {
            ((Pending) frameTarget).addFrame(frame);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // bodies

    private TraceEvent base(TraceEvent.Kind kind, int tid, long lineNo, String text) {
        TraceEvent e = new TraceEvent();
        e.kind = kind;
        e.source = sourceName;
        e.tid = tid;
        e.lineNo = lineNo;
        e.startLineNo = lineNo;
        e.timeNs = curTime;
        e.text(text);
        return e;
    }

    private void signalLine(String line, int i, int tid, long lineNo) {
        stats.signals++;
        TraceEvent e = base(TraceEvent.Kind.SIGNAL, tid, lineNo, line);
        String body = line.substring(i + 4);
        if (body.startsWith("stopped by ")) {
            int sp = body.indexOf(' ', 11);
            signal(e, body.substring(11, sp < 0 ? body.length() : sp));
            e.stopped = true;
            e.siginfo = Map.of("stopped", "1");
        } else {
            int sp = body.indexOf(' ');
            signal(e, sp < 0 ? body : body.substring(0, sp));
            int brace = body.indexOf('{');
            Map<String, String> info = new LinkedHashMap<>();
            if (brace >= 0) {
                int end = CallText.findClose(body.replace('}', ')'), brace + 1);
                int lastBrace = body.lastIndexOf('}');
                String inner = body.substring(brace + 1, end >= 0 ? end : lastBrace > brace ? lastBrace : body.length());
                for (String kv : CallText.splitArgs(inner)) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        String v = kv.substring(eq + 1);
                        int comment = v.indexOf(" /*");
                        if (comment > 0) {
                            v = v.substring(0, comment);
                        }
                        info.put(kv.substring(0, eq).trim(), v.trim());
                    }
                }
            }
            e.siginfo = info;
            e.siCode = dev.faultline.linux.SiCode.parse(info.get("si_code"));
            e.siPid = FdRef.parseIntOr(info.getOrDefault("si_pid", "0"), 0);
            String addr = info.get("si_addr");
            if (addr != null) {
                try {
                    e.siAddr = addr.startsWith("0x") ? Long.parseUnsignedLong(addr.substring(2), 16) : Long.parseLong(addr);
                } catch (NumberFormatException notAddress) {
                    e.siAddr = 0; // NULL, or a symbolic form: the report keeps the text
                }
            }
        }
        emit(e);
    }

    /** The signal strace named: its number, or the name itself when no table knows it. */
    private static void signal(TraceEvent e, String name) {
        e.signo = dev.faultline.linux.Signal.number(name);
        if (e.signo == 0) {
            e.unknownSignal = name;
        }
    }

    private void exitLine(String line, int i, int tid, long lineNo) {
        String body = line.substring(i + 4);
        TraceEvent e;
        if (body.startsWith("exited with ") || body.startsWith("exited (status ")) {
            stats.exits++;
            e = base(TraceEvent.Kind.EXITED, tid, lineNo, line);
            String num = body.startsWith("exited with ") ? body.substring(12) : body.substring(15);
            int end = 0;
            while (end < num.length() && (Character.isDigit(num.charAt(end)) || num.charAt(end) == '-')) {
                end++;
            }
            e.exitCode = FdRef.parseIntOr(num.substring(0, end), -1);
            threadGone(tid);
        } else if (body.startsWith("killed by ")) {
            stats.exits++;
            e = base(TraceEvent.Kind.KILLED, tid, lineNo, line);
            int sp = body.indexOf(' ', 10);
            signal(e, body.substring(10, sp < 0 ? body.length() : sp));
            e.coreDumped = body.contains("(core dumped)");
            threadGone(tid);
        } else if (body.startsWith("superseded by execve in pid ")) {
            stats.exits++;
            e = base(TraceEvent.Kind.SUPERSEDED, tid, lineNo, line);
            String num = body.substring(28);
            int sp = num.indexOf(' ');
            e.otherPid = FdRef.parseIntOr(sp < 0 ? num : num.substring(0, sp), -1);
            // The thread that called execve becomes the thread-group leader: move its pending execve.
            Pending p = pending.remove(e.otherPid);
            if (p != null) {
                Pending mine = pending.remove(tid);
                if (mine != null) {
                    stats.incompleteAtEnd++;
                    TraceEvent gone = fromPending(mine);
                    gone.incomplete = true;
                    emit(gone);
                }
                p.tid = tid;
                pending.put(tid, p);
            }
            live.remove(e.otherPid);
        } else {
            stats.unknown(sourceName, lineNo, line);
            return;
        }
        emit(e);
    }

    private void threadGone(int tid) {
        live.remove(tid);
        if (tid == soloPid || tid == 0) {
            soloExited = true;
        }
        Pending p = pending.remove(tid);
        if (p != null) {
            TraceEvent gone = fromPending(p);
            gone.incomplete = true;
            stats.incompleteAtEnd++;
            emit(gone);
        }
        if (lastPending != null && lastPending.tid == tid) {
            lastPending = null;
        }
    }

    /** Parses "NAME(args...) = result", "NAME(args <unfinished ...>" and "NAME(args <detached ...>". */
    private boolean callLine(String line, int i, int tid, long lineNo) {
        int paren = line.indexOf('(', i);
        if (paren <= i || !isName(line, i, paren)) {
            return false;
        }
        String name = callName(line, i, paren);
        int close = CallText.findClose(line, paren + 1);
        if (close < 0) {
            int te = line.length();
            while (te > 0 && Character.isWhitespace(line.charAt(te - 1))) {
                te--; // as stripTrailing(), without the copy
            }
            int unf = te < 12 ? -1 : line.lastIndexOf(" <unfinished", te - 12);
            if (unf < 0 && endsWithAt(line, te, "<unfinished ...>")) {
                unf = te - "<unfinished ...>".length();
            }
            if (unf >= 0 && endsWithAt(line, te, "...>")) {
                stats.syscalls++;
                stats.unfinished++;
                Pending p = new Pending();
                p.tid = tid;
                p.name = name;
                p.headLine = line;
                p.headFrom = paren + 1;
                p.headTo = Math.max(paren + 1, unf);
                p.lineNo = lineNo;
                p.text = line;
                Pending old = pending.put(tid, p);
                if (old != null) {
                    TraceEvent lost = fromPending(old);
                    lost.incomplete = true;
                    emit(lost);
                }
                lastPending = p;
                frameTarget = p;
                return true;
            }
            String tail = line.substring(0, te);
            int det = tail.lastIndexOf("<detached ...>");
            int noret = tail.lastIndexOf("<no return ...>");
            if (det >= 0 || noret >= 0) {
                int cut = det >= 0 ? det : noret;
                stats.syscalls++;
                if (det >= 0) {
                    stats.detached++;
                }
                TraceEvent e = base(TraceEvent.Kind.SYSCALL, tid, lineNo, line);
                e.name = name;
                e.argText(line.substring(paren + 1, Math.max(paren + 1, cut)).trim());
                e.incomplete = true;
                emit(e);
                return true;
            }
            // ltrace does not escape quotes inside strings; fall back to the last ") = ".
            close = line.lastIndexOf(") = ");
            if (close <= paren) {
                if (src.lastLineOversized()) {
                    stats.syscalls++;
                    TraceEvent e = base(TraceEvent.Kind.SYSCALL, tid, lineNo, line.substring(0, Math.min(line.length(), 4096)));
                    e.name = name;
                    e.argText("");
                    e.incomplete = true;
                    emit(e);
                    return true;
                }
                return false;
            }
        }
        stats.syscalls++;
        TraceEvent e = base(TraceEvent.Kind.SYSCALL, tid, lineNo, line);
        e.name = name;
        e.argRange(line, paren + 1, close);
        parseResult(e, line, close + 1);
        completed(e);
        return true;
    }

    private static boolean isName(String s, int from, int to) {
        if (to - from > 64) {
            return false;
        }
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (!(CallText.isWordChar(c) || c == '@' || c == '.' || c == '?' || c == ':' || c == '$')) {
                return false;
            }
        }
        return true;
    }

    private void resumedLine(String line, int i, int tid, long lineNo, int resumedRel) {
        if (resumedRel < 0) {
            stats.unknown(sourceName, lineNo, line);
            return;
        }
        // "<... resumed>" has no name at all: " resumed>" starts at the space of "<... "
        int from = i + 5;
        int to = Math.max(from, i + resumedRel);
        while (from < to && line.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && line.charAt(to - 1) <= ' ') {
            to--;
        }
        for (int k = from + 1; k + 1 < to; k++) {
            if (line.charAt(k) == ' ' && line.charAt(k + 1) == '#') {
                to = k;
                break;
            }
        }
        String name = callName(line, from, to);
        int gt = line.indexOf('>', i + resumedRel);
        resume(tid, name, line, gt + 1, lineNo, line);
    }

    /** Completes the pending call of {@code tid} with the tail text starting at {@code from}. */
    private void resume(int tid, String name, String line, int from, long lineNo, String text) {
        stats.resumed++;
        Pending p = pending.get(tid);
        if (p != null && !p.name.equals(name)) {
            p = null;
        }
        if (p != null) {
            pending.remove(tid);
        }
        if (lastPending == p) {
            lastPending = null;
        }
        int close = CallText.findClose(line, from);
        if (close < 0) {
            close = line.lastIndexOf(") = ");
        }
        if (close < from) {
            String tail = line.stripTrailing();
            if (tail.endsWith("<unfinished ...>") || tail.contains("error: ")) {
                // Cut again: strace -z can resume a call and cut it once more; ltrace prints
                // "<... read resumed> error: ..." and continues the call on a bare line.
                if (p == null) {
                    p = new Pending();
                    p.tid = tid;
                    p.name = name;
                    p.headLine = "";
                    p.lineNo = lineNo;
                    p.text = text;
                    stats.orphanResumes++;
                }
                pending.put(tid, p);
                lastPending = p;
                stats.splitLines++;
                return;
            }
            if (tail.endsWith("<detached ...>") || tail.endsWith("<no return ...>")) {
                TraceEvent e = p != null ? fromPending(p) : base(TraceEvent.Kind.SYSCALL, tid, lineNo, text);
                e.name = name;
                e.lineNo = lineNo;
                e.incomplete = true;
                stats.detached++;
                emit(e);
                return;
            }
            stats.unknown(sourceName, lineNo, text);
            return;
        }
        TraceEvent e;
        if (p != null) {
            e = fromPending(p, false);
            e.lineNo = lineNo;
            e.joinedText(p.text, text);
            e.joinedArgs(p.headLine, p.headFrom, p.headTo, line, from, close);
        } else {
            stats.orphanResumes++;
            e = base(TraceEvent.Kind.SYSCALL, tid, lineNo, text);
            e.name = name;
            e.argText(line.substring(from, close).strip());
            e.orphanResume = true;
        }
        e.timeNs = curTime;
        parseResult(e, line, close + 1);
        completed(e);
    }

    private TraceEvent fromPending(Pending p) {
        return fromPending(p, true);
    }

    /** An event from an unfinished call; {@code headArgs}: with the head's arguments (false when a tail will join them). */
    private TraceEvent fromPending(Pending p, boolean headArgs) {
        TraceEvent e = base(TraceEvent.Kind.SYSCALL, p.tid, p.lineNo, p.text);
        e.startLineNo = p.lineNo;
        e.name = p.name;
        if (headArgs) {
            e.argText(p.headArgs().strip());
            if (e.argText().endsWith(",")) {
                e.argText(e.argText().substring(0, e.argText().length() - 1));
            }
        }
        for (String f : p.frames) {
            e.addFrame(f);
        }
        return e;
    }

    private void completed(TraceEvent e) {
        if (e.argsEndWith("<unfinished ...>")) {
            String a = e.argText();
            // a thread killed in a blocking call: "read(4,  <unfinished ...>) = ?" (-ff) or
            // "<... read resumed> <unfinished ...>) = ?" (-f)
            a = a.substring(0, a.length() - "<unfinished ...>".length()).strip();
            e.argText(a.endsWith(",") ? a.substring(0, a.length() - 1) : a);
            e.incomplete = true;
        }
        emit(e);
        if (e.result > 0 && !e.failed()) {
            switch (e.name) {
                case "clone":
                case "clone3":
                case "fork":
                case "vfork":
                    int child = (int) e.result;
                    children.add(child);
                    live.add(child);
                    break;
                default:
                    break;
            }
        }
    }

    /** Parses {@code " = RESULT [<duration>]"} after the closing parenthesis. */
    static void parseResult(TraceEvent e, String line, int from) {
        int eq = line.indexOf('=', from);
        if (eq < 0) {
            return;
        }
        // r = line[a, b), trimmed, found in place: only the result text itself is cut out
        int a = eq + 1;
        int b = line.length();
        while (a < b && line.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && line.charAt(b - 1) <= ' ') {
            b--;
        }
        // -T duration " <0.000123>" at the very end
        if (b > a && line.charAt(b - 1) == '>') {
            int lt = line.lastIndexOf(" <", b - 2);
            if (lt >= a && isDuration(line, lt + 2, b - 1)) {
                b = lt;
                while (b > a && line.charAt(b - 1) <= ' ') {
                    b--;
                }
            }
        }
        if (b - a >= 10 && line.startsWith("(INJECTED)", b - 10)) {
            e.injected = true;
            b -= 10;
            while (b > a && line.charAt(b - 1) <= ' ') {
                b--;
            }
        }
        String r = line.substring(a, b);
        e.resultText = r;
        if (r.isEmpty() || r.charAt(0) == '?') {
            e.result = TraceEvent.NO_RESULT;
            int sp = r.indexOf(' ');
            if (sp > 0 && sp + 1 < r.length() && r.charAt(sp + 1) == 'E') {
                int sp2 = r.indexOf(' ', sp + 1);
                e.errno = r.substring(sp + 1, sp2 < 0 ? r.length() : sp2);
            }
            return;
        }
        int end = 0;
        int n = r.length();
        if (r.startsWith("0x")) {
            end = 2;
            while (end < n && Character.digit(r.charAt(end), 16) >= 0) {
                end++;
            }
            try {
                e.result = Long.parseUnsignedLong(r, 2, end, 16);
            } catch (NumberFormatException ex) {
                e.result = TraceEvent.NO_RESULT;
            }
        } else {
            if (end < n && r.charAt(end) == '-') {
                end++;
            }
            while (end < n && Character.isDigit(r.charAt(end))) {
                end++;
            }
            try {
                e.result = Long.parseLong(r, 0, end, 10);
            } catch (NumberFormatException ex) {
                e.result = TraceEvent.NO_RESULT;
                return;
            }
        }
        if (end < n && r.charAt(end) == '<') {
            int dEnd = CallText.skipDecoration(r, end);
            e.resultPath = CString.decodePath(r.substring(end + 1, Math.max(end + 1, dEnd - 1)));
            return;
        }
        if (e.result < 0 && end + 1 < n && r.charAt(end) == ' ' && r.charAt(end + 1) == 'E') {
            int sp2 = r.indexOf(' ', end + 1);
            e.errno = r.substring(end + 1, sp2 < 0 ? n : sp2);
        }
    }

    private static boolean isDuration(String s, int from, int to) {
        if (to <= from) {
            return false;
        }
        boolean dot = false;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c == '.') {
                dot = true;
            } else if (!Character.isDigit(c)) {
                return false;
            }
        }
        return dot;
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
