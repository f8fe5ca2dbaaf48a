package dev.faultline.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faultline.analysis.Analyzer;
import dev.faultline.analysis.FileSource;
import dev.faultline.analysis.Incident;
import dev.faultline.report.EventsCsv;
import dev.faultline.report.JsonReport;
import dev.faultline.report.Report;
import dev.faultline.report.TextReport;
import dev.faultline.trace.ParseStats;
import dev.faultline.trace.TraceEvent;
import dev.faultline.trace.TraceInputException;
import dev.faultline.trace.TraceSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the strace text parser through the same path the CLI takes: {@link TraceSet} over files on disk (so gzip
 * sniffing, the binary check, -ff pid-from-name and the k-way merge all run), every event into the
 * {@link Analyzer}, then the verdicts rendered as JSON and text, and the events as CSV.
 *
 * <p>Contract checked: bad input may only surface as {@link TraceInputException} (opening) or, for gzip input
 * whose stream is corrupt, as the {@link IOException} that {@code next()} declares; a gzip stream that is merely cut
 * short reads up to the cut without one. Anything else is a bug.
 * Memory must stay bounded by the lines themselves: no event holds more text than a few input lines.
 *
 * <p>Without {@code JAZZER_FUZZ} set (plain {@code mvn test}/{@code verify}) each method only replays its seeds in
 * {@code src/test/resources/dev/faultline/fuzz/StraceParserFuzzTestInputs/<method>/}. See docs/fuzzing.md.
 */
class StraceParserFuzzTest {

    private static Path dir;

    private static Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("faultline-fuzz-");
        }
        return dir;
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        dir = null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // (a) arbitrary bytes as a whole trace file

    /** Arbitrary bytes as one trace file, read both as a plain log and as a strace -ff member {@code P.<pid>}. */
    @DictionaryEntries({"<unfinished ...>", "<... ", " resumed>", " = ", ") = ", " = ?", "+++ exited with ",
        "+++ killed by ", " (core dumped) +++", "+++ superseded by execve in pid ", "--- SIGSEGV {", "si_code=",
        "si_pid=", "si_addr=", "} ---", "--- stopped by ", "strace: Process ", " attached", " detached", "[pid ",
        "<detached ...>", "<no return ...>", "AT_FDCWD</", "</etc/httpd.conf>", "<TCP:[", "->", "/* ", " */", "\\x",
        "\\\"", "\\303\\251", "\"...", " > ", " | ", "% time", "------ ", "(+", " <0.000", "(INJECTED)", "ENOENT",
        "HTTP/1.1 500", "read(", "openat(", "write(", "clone(", "execve(", "wait4(", "set_tid_address(", "SYS_",
        "12:00:00.000001 ", "1700000000.000001 "})
    @FuzzTest
    void fuzzTraceFile(byte[] input) throws IOException {
        Path plain = write("trace.txt", input);
        analyzeLikeCli(List.of(plain), false, input);
        Path ff = write("trace.4242", input);
        analyzeLikeCli(List.of(ff), false, input);
    }

    // ---------------------------------------------------------------------------------------------------------
    // (b) plausible strace lines built from the fuzzer's data

    private static final String[] NAMES = {"openat", "open", "read", "pread64", "write", "writev", "sendfile",
        "close", "execve", "clone", "clone3", "fork", "vfork", "wait4", "getpid", "gettid", "set_tid_address",
        "rt_sigprocmask", "chdir", "fchdir", "newfstatat", "mmap", "exit_group", "kill", "tgkill", "SYS_read",
        "accept4", "epoll_wait", "futex", "x"};
    private static final String[] PATHS = {"/srv/app/conf/httpd.conf", "/srv/app/conf/mods-enabled/ssl.conf",
        "conf/extra/vhosts.conf", "/srv/www/.htaccess", "/srv/www/index.php", "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/srv/app/conf/missing.conf", "/dev/null", "/tmp/x (deleted)", "/srv/a\\74b\\76c.conf", "/srv/\\303\\251t\\303\\251.ini"};
    private static final String[] SIGNALS = {"SIGSEGV", "SIGBUS", "SIGABRT", "SIGCHLD", "SIGUSR1", "SIGPIPE",
        "SIGKILL", "SIGILL", "SIGFPE", "SIGTRAP", "SIGSYS", "SIGTERM"};
    private static final String[] SI_CODES = {"SEGV_MAPERR", "SEGV_ACCERR", "SI_KERNEL", "SI_USER", "SI_TKILL",
        "CLD_DUMPED", "CLD_KILLED", "CLD_EXITED", "BUS_ADRERR", "ILL_ILLOPN"};
    private static final String[] ERRNOS = {"ENOENT (No such file or directory)", "EACCES (Permission denied)",
        "EAGAIN (Resource temporarily unavailable)", "EINTR (Interrupted system call)", "ENOTDIR (Not a directory)"};
    private static final String[] HTTP = {"HTTP/1.1 500 Internal Server Error\\r\\n", "HTTP/1.1 200 OK\\r\\n",
        "HTTP/1.0 503 Service Unavailable\\r\\nContent-Length: 0\\r\\n\\r\\n", "GET /crash.php HTTP/1.1\\r\\nHost: x\\r\\n"};

    /**
     * Builds a trace of plausible strace lines (pid prefixes, timestamps, unfinished/resumed pairs, quoted strings
     * with escapes, -y decorations, signals, exits, strace's own messages, -k frames), cuts some lines at random
     * points, and runs it through the CLI path as one file, as one -ff file, or split over two -ff files (merge),
     * optionally gzip-compressed and optionally with the gzip stream cut.
     */
    @FuzzTest
    void fuzzStraceLines(FuzzedDataProvider data) throws IOException {
        int layout = data.consumeInt(0, 2); // 0: one file with pid prefixes, 1: one -ff file, 2: two -ff files
        int tsStyle = data.consumeInt(0, 6);
        boolean gzip = data.consumeProbabilityFloat() < 0.1f;
        boolean cutGzip = gzip && data.consumeBoolean();
        int lines = data.consumeInt(1, 80);
        ByteArrayOutputStream[] out = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        long clock = 3600L * 1_000_000 * 5;
        byte[] previous = null;
        for (int n = 0; n < lines && data.remainingBytes() > 0; n++) {
            int file = layout == 2 && data.consumeBoolean() ? 1 : 0;
            if (previous != null && data.consumeInt(0, 7) == 0) {
                out[file].write(previous); // logs are repetitive: the same line again
                out[file].write('\n');
                continue;
            }
            StringBuilder line = new StringBuilder(96);
            int pid = 100 + data.consumeInt(0, 4);
            if (layout == 0) {
                switch (data.consumeInt(0, 5)) {
                    case 0 -> { }
                    case 1 -> line.append("[pid ").append(String.format("%5d", pid)).append("] ");
                    case 2 -> line.append(pid).append("<httpd> ");
                    default -> line.append(pid).append(' ');
                }
            }
            clock += data.consumeInt(0, 2_000_000);
            timestamp(line, data.consumeInt(0, 9) == 0 ? data.consumeInt(0, 6) : tsStyle, clock);
            if (data.consumeInt(0, 15) == 0) {
                line.append(data.consumeBoolean() ? "[00007f3c2a1b4c5d] " : "[ 59] ");
            }
            body(line, data, pid);
            byte[] bytes = line.toString().getBytes(StandardCharsets.ISO_8859_1);
            int len = bytes.length;
            if (data.consumeInt(0, 11) == 0) {
                len = data.consumeInt(0, len); // cut: a line strace or a copy truncated
            }
            out[file].write(bytes, 0, len);
            previous = Arrays.copyOf(bytes, len);
            if (data.consumeInt(0, 31) == 0) {
                out[file].write(data.consumeBytes(data.consumeInt(0, 8))); // raw bytes, invalid UTF-8, NUL
            }
            boolean last = n == lines - 1 || data.remainingBytes() == 0;
            if (!last || data.consumeInt(0, 3) != 0) {
                out[file].write(data.consumeInt(0, 15) == 0 ? "\r\n".getBytes(StandardCharsets.US_ASCII) : new byte[] {'\n'});
            }
        }
        List<Path> files = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        for (int f = 0; f < (layout == 2 ? 2 : 1); f++) {
            byte[] text = out[f].toByteArray();
            if (layout == 2 && text.length == 0 && f == 1) {
                break;
            }
            String name = layout == 0 ? "trace.txt" : "trace." + (4242 + f);
            byte[] onDisk = gzip ? gzip(text, cutGzip) : text;
            files.add(write(name + (gzip ? ".gz" : ""), onDisk));
            raw.add(onDisk);
        }
        analyzeLikeCli(files, true, raw.toArray(new byte[0][]));
    }

    private static void timestamp(StringBuilder line, int style, long micros) {
        long s = micros / 1_000_000;
        long us = micros % 1_000_000;
        switch (style) {
            case 1 -> line.append(String.format("%02d:%02d:%02d ", s / 3600 % 24, s / 60 % 60, s % 60));
            case 2 -> line.append(String.format("%02d:%02d:%02d.%06d ", s / 3600 % 24, s / 60 % 60, s % 60, us));
            case 3 -> line.append(1_700_000_000L + s).append('.').append(String.format("%06d ", us));
            case 4 -> line.append(String.format("%d.%06d ", s % 3, us)); // -r
            case 5 -> line.append(String.format("%02d:%02d:%02d.%06d (+ %8.6f) ", s / 3600 % 24, s / 60 % 60, s % 60, us, us / 1e6));
            case 6 -> line.append(1_700_000_000L + s).append('.').append(String.format("%09d ", us * 1000)); // ns
            default -> { }
        }
    }

    private static void body(StringBuilder line, FuzzedDataProvider data, int pid) {
        String name = data.pickValue(NAMES);
        switch (data.consumeInt(0, 16)) {
            case 0, 1, 2, 3 -> { // complete call
                line.append(name).append('(');
                args(line, data);
                line.append(") = ");
                result(line, data);
            }
            case 4, 5 -> { // unfinished
                line.append(name).append('(');
                args(line, data);
                line.append(data.consumeBoolean() ? ", " : " ").append("<unfinished ...>");
            }
            case 6, 7 -> { // resumed (possibly without a start, possibly under another name)
                String resumed = switch (data.consumeInt(0, 7)) {
                    case 0 -> data.pickValue(NAMES);
                    case 1 -> ""; // "<... resumed>"
                    case 2 -> data.consumeAsciiString(data.consumeInt(0, 12));
                    default -> name;
                };
                line.append("<...").append(resumed.isEmpty() ? "" : " ").append(resumed).append(" resumed>");
                if (data.consumeBoolean()) {
                    args(line, data);
                }
                if (data.consumeInt(0, 5) == 0) {
                    line.append(" <unfinished ...>");
                } else {
                    line.append(") = ");
                    result(line, data);
                }
            }
            case 8 -> { // signal
                String sig = data.pickValue(SIGNALS);
                int form = data.consumeInt(0, 7);
                if (form == 0) {
                    line.append("--- stopped by ").append(sig).append(" ---");
                } else if (form == 1) { // no siginfo, or only scraps of one
                    line.append("--- ").append(sig);
                    for (int k = data.consumeInt(0, 3); k > 0; k--) {
                        line.append(data.pickValue(new String[] {" }", " {", "{", "}", " ---", "=", ",", "(", ")", "\"", " /* "}));
                    }
                } else {
                    line.append("--- ").append(sig).append(" {si_signo=").append(sig).append(", si_code=")
                            .append(data.pickValue(SI_CODES));
                    if (data.consumeBoolean()) {
                        line.append(", si_pid=").append(100 + data.consumeInt(0, 4)).append(", si_uid=0");
                    }
                    if (data.consumeBoolean()) {
                        line.append(", si_addr=0x").append(Long.toHexString(data.consumeLong()));
                    }
                    if (data.consumeBoolean()) {
                        line.append(", si_status=").append(data.pickValue(SIGNALS)).append(" /* x */");
                    }
                    line.append("} ---");
                }
                if (data.consumeInt(0, 7) == 0) { // braces and brackets out of order, or cut
                    line.append(data.pickValue(new String[] {" }", " {", "{", "}", "} {", "(", ")", "\"", "["}));
                }
            }
            case 9 -> { // exits
                switch (data.consumeInt(0, 3)) {
                    case 0 -> line.append("+++ exited with ").append(data.consumeInt(-1, 255)).append(" +++");
                    case 1 -> line.append("+++ superseded by execve in pid ").append(100 + data.consumeInt(0, 4)).append(" +++");
                    default -> line.append("+++ killed by ").append(data.pickValue(SIGNALS))
                            .append(data.consumeBoolean() ? " (core dumped)" : "").append(" +++");
                }
            }
            case 10 -> { // strace's own message, alone or landed in the middle of a call line
                String msg = "strace: Process " + (100 + data.consumeInt(0, 4)) + (data.consumeBoolean() ? " attached" : " detached");
                if (data.consumeBoolean()) {
                    line.append(name).append('(');
                    args(line, data);
                    line.append(data.consumeBoolean() ? "/usr/bin/" : "");
                }
                line.append(msg);
            }
            case 11 -> line.append(" > /usr/lib/libc.so.6(").append(name).append("+0x1a) [0x7f00]"); // -k
            case 12 -> line.append(" | 00000  48 54 54 50  HTTP"); // -e read= dump
            case 13 -> line.append(name).append('(').append(data.consumeBoolean() ? "3, " : "").append("<detached ...>");
            case 14 -> { // the server's error log: what the scorer's message patterns read
                String msg = data.pickValue(ERROR_MESSAGES).replace("N", lineNumber(data)) + "\\n";
                line.append(data.consumeBoolean() ? "write(2, \"" : "write(7</var/log/apache2/error.log>, \"").append(msg)
                        .append("\", ").append(msg.length()).append(") = ").append(msg.length());
            }
            default -> line.append(data.consumeString(data.consumeInt(0, 120))); // anything
        }
    }

    private static void args(StringBuilder line, FuzzedDataProvider data) {
        int n = data.consumeInt(0, 4);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                line.append(", ");
            }
            switch (data.consumeInt(0, 11)) {
                case 0 -> line.append(data.consumeInt(-1, 20)).append(decoration(data));
                case 1 -> line.append("AT_FDCWD").append(decoration(data));
                case 2 -> line.append('"').append(data.pickValue(PATHS)).append('"');
                case 3 -> quoted(line, data);
                case 4 -> line.append("O_RDONLY|O_CLOEXEC");
                case 5 -> line.append("{st_mode=S_IFREG|0644, st_size=").append(data.consumeInt(0, 99999)).append(", ...}");
                case 6 -> line.append("[{iov_base=");
                case 7 -> line.append("\"").append(data.pickValue(HTTP)).append("\"");
                case 8 -> line.append("0x7ffd").append(Integer.toHexString(data.consumeInt(0, 0xffff))).append(" /* 23 vars */");
                case 9 -> line.append("[").append(data.consumeBoolean() ? "WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)" : "SIGUSR1").append("]");
                case 10 -> line.append(data.consumeInt(0, 1 << 20));
                default -> line.append(data.consumeAsciiString(data.consumeInt(0, 24)));
            }
        }
    }

    private static String decoration(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 6)) {
            case 0 -> "<" + data.pickValue(PATHS) + ">";
            case 1 -> "<TCP:[127.0.0.1:80->127.0.0.1:4000]>";
            case 2 -> "</dev/null<char 1:3>>";
            case 3 -> "<pipe:[12345]>";
            case 4 -> "<" + data.consumeAsciiString(data.consumeInt(0, 16)); // unbalanced
            default -> "";
        };
    }

    private static void quoted(StringBuilder line, FuzzedDataProvider data) {
        line.append('"');
        int n = data.consumeInt(0, 12);
        for (int k = 0; k < n; k++) {
            switch (data.consumeInt(0, 9)) {
                case 0 -> line.append("\\n");
                case 1 -> line.append("\\\"");
                case 2 -> line.append("\\\\");
                case 3 -> line.append("\\x").append(Integer.toHexString(data.consumeInt(0, 255)));
                case 4 -> line.append('\\').append(Integer.toOctalString(data.consumeInt(0, 255)));
                case 5 -> line.append(") = 0 <unfinished ...> <... read resumed>");
                case 6 -> line.append((char) data.consumeInt(0x80, 0xff)); // raw Latin-1 byte
                case 7 -> line.append(data.pickValue(ERROR_MESSAGES).replace("N", lineNumber(data)));
                default -> line.append(data.consumeAsciiString(data.consumeInt(0, 12)));
            }
        }
        switch (data.consumeInt(0, 5)) {
            case 0 -> { } // unterminated
            case 1 -> line.append("\"...");
            default -> line.append('"');
        }
    }

    /** Messages ErrorMessages recognizes, N for the line number. */
    private static final String[] ERROR_MESSAGES = {"Syntax error on line N of /srv/app/conf/httpd.conf:",
        "AH00526: Syntax error on line N of conf/extra/vhosts.conf:\\nInvalid command 'Foo', perhaps misspelled",
        "PHP Warning:  include(/srv/x.inc): Failed to open stream: No such file in /srv/www/index.php on line N",
        "PHP Fatal error:  Uncaught Error: Failed opening required 'x.php' (include_path='.') in /srv/www/a.php:N",
        "Parse error: syntax error in /srv/www/x.php on line N", "error in /srv/app/conf/app.ini:N",
        "/srv/www/.htaccess: Options not allowed here", "/srv/www/.htaccess pcfg_openfile: unable to check htaccess file",
        "Cannot load modules/mod_x.so into server"};

    /** A line number as a log would print it: usually small, sometimes absurdly long. */
    private static String lineNumber(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> "9".repeat(data.consumeInt(1, 30));
            case 1 -> Long.toString(data.consumeLong());
            default -> Integer.toString(data.consumeInt(0, 999));
        };
    }

    private static void result(StringBuilder line, FuzzedDataProvider data) {
        switch (data.consumeInt(0, 9)) {
            case 0 -> line.append("-1 ").append(data.pickValue(ERRNOS));
            case 1 -> line.append(data.consumeInt(0, 20)).append('<').append(data.pickValue(PATHS)).append('>');
            case 2 -> line.append("?");
            case 3 -> line.append("? ERESTARTSYS (To be restarted if SA_RESTART is set)");
            case 4 -> line.append("0x").append(Long.toHexString(data.consumeLong()));
            case 5 -> line.append(data.consumeLong());
            case 6 -> line.append("0 (INJECTED)");
            case 7 -> line.append(data.consumeAsciiString(data.consumeInt(0, 16)));
            default -> line.append(100 + data.consumeInt(0, 4));
        }
        if (data.consumeInt(0, 3) == 0) {
            line.append(" <0.").append(String.format("%06d", data.consumeInt(0, 999_999))).append('>');
        }
    }

    private static byte[] gzip(byte[] text, boolean cut) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(text);
        }
        byte[] all = b.toByteArray();
        return cut ? Arrays.copyOf(all, all.length / 2) : all;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the CLI's analyze path, with the contract checks

    private static Path write(String name, byte[] content) throws IOException {
        // TraceSet reads only the names it is given, so files of an earlier input can stay until @AfterAll
        return Files.write(dir().resolve(name), content);
    }

    /**
     * What {@code faultline analyze FILES} does (AnalyzeCommand.analyze is package-private, so this mirrors it)
     * plus the events CSV of {@code faultline events}, with invariants checked on every event.
     */
    /** @param gzipWholeOrCut every gzip file is a valid stream or one cut short, never corrupt in the middle */
    private static void analyzeLikeCli(List<Path> files, boolean gzipWholeOrCut, byte[]... contents) {
        boolean anyGzip = false;
        long physicalLines = 0;
        Map<String, Lines> lineLengths = new HashMap<>();
        for (int f = 0; f < files.size(); f++) {
            byte[] c = contents[f];
            anyGzip |= c.length >= 2 && (c[0] & 0xff) == 0x1f && (c[1] & 0xff) == 0x8b;
            Lines lines = Lines.of(c);
            physicalLines += lines.count;
            lineLengths.put(files.get(f).toString(), lines);
        }
        List<String> names = files.stream().map(Path::toString).toList();
        TraceSet set;
        try {
            set = new TraceSet(names);
        } catch (TraceInputException e) {
            assertNotNull(e.reason);
            assertNotNull(e.getMessage());
            return; // documented: empty, binary, unreadable
        }
        try (set) {
            Analyzer analyzer = new Analyzer(new FileSource(null));
            EventsCsv csv = new EventsCsv(Writer.nullWriter());
            long events = 0;
            TraceEvent e;
            while ((e = set.next()) != null) {
                events++;
                checkEvent(e, anyGzip ? null : lineLengths.get(e.source));
                csv.write(e);
                analyzer.accept(e);
            }
            csv.flush();
            ParseStats stats = set.stats();
            assertTrue(stats.unknownSamples.size() <= dev.faultline.Limits.UNKNOWN_SAMPLES);
            if (!anyGzip) {
                // each line yields at most two events (a call plus one it displaced), plus what was pending at the end
                assertTrue(events <= 2 * physicalLines + 2, events + " events from " + physicalLines + " lines");
            }
            List<Incident> incidents = analyzer.finish();
            assertTrue(incidents.size() <= dev.faultline.Limits.INCIDENTS);
            for (Incident inc : incidents) {
                assertNotNull(inc.verdict, "every reported incident has a verdict");
            }
            Report report = new Report(set.sourceNames(), incidents, stats);
            report.droppedIncidents = analyzer.droppedIncidents();
            assertNotNull(JsonReport.render(report));
            assertNotNull(new TextReport(false).render(report));
        } catch (IOException e) {
            if (!anyGzip || gzipWholeOrCut) {
                fail((anyGzip ? "a whole or cut gzip trace (a cut one reads up to the cut)" : "a plain-text trace")
                        + ", yet " + e, e);
            }
            // a gzip stream corrupt in the middle: next() declares IOException and the CLI reports it as an I/O error
        }
    }

    /** How many physical lines (split at '\n') a file has, and the longest one. */
    private record Lines(int count, int longest) {
        static Lines of(byte[] c) {
            int count = 1;
            int longest = 0;
            int cur = 0;
            for (byte b : c) {
                if (b == '\n') {
                    count++;
                    cur = 0;
                } else {
                    longest = Math.max(longest, ++cur);
                }
            }
            return new Lines(count, longest);
        }
    }

    /**
     * Per-event invariants. Bounded memory: a call's text is at most two lines, its own and the head of a line that
     * strace's "Process N attached" message split; a call joined from an unfinished head and a resumed tail is at
     * most twice that. Text never accumulates from line after line.
     */
    private static void checkEvent(TraceEvent e, Lines lines) {
        assertNotNull(e.kind);
        switch (e.kind) {
            case SYSCALL -> assertNotNull(e.name, "a call has a name");
            case SIGNAL, KILLED -> assertNotNull(e.signalName(), "a signal event names its signal");
            default -> { }
        }
        List<String> args = e.args(); // the argument splitter runs on demand: exercise it too
        assertTrue(e.argText() == null ? args.isEmpty() : args.size() <= e.argText().length() + 1);
        if (lines == null) {
            return; // gzip: the line lengths are not known here
        }
        assertTrue(e.lineNo >= 1 && e.lineNo <= lines.count, "lineNo " + e.lineNo + " of " + lines.count);
        assertTrue(e.startLineNo >= 1 && e.startLineNo <= e.lineNo, "startLineNo " + e.startLineNo + " > lineNo " + e.lineNo);
        int longest = lines.longest;
        long bound = (e.startLineNo < e.lineNo ? 4L : 2L) * longest + 16;
        if (e.text() != null) {
            assertTrue(e.text().length() <= bound, "event at lines " + e.startLineNo + ".." + e.lineNo + " holds "
                    + e.text().length() + " chars of text, lines are at most " + longest + ": " + abbreviate(e.text()));
        }
        if (e.argText() != null) {
            assertTrue(e.argText().length() <= bound, "event at lines " + e.startLineNo + ".." + e.lineNo + " holds "
                    + e.argText().length() + " chars of arguments, lines are at most " + longest + ": " + abbreviate(e.argText()));
        }
        assertTrue(e.stack.size() <= lines.count);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
