package dev.faultline;

/**
 * Every bound that keeps faultline's memory and output finite, in one place: whatever the size of a trace, a log or a
 * capture, these decide what is kept, what is cut and what is only counted. Each is sized for real servers (a -s 1024
 * trace of a busy httpd, a 500 storm) with room to spare; reaching one is said in the report, never silent.
 * Bounds that guard an algorithm (DWARF expression steps, unwinder depth) and httpd's own rules (include depth) stay
 * next to them; the classes below keep their short names as references to these.
 */
public final class Limits {
    private Limits() {
    }

    // -- the trace
    /** A trace line longer than this is cut to it (and counted). */
    public static final int TRACE_LINE_BYTES = 1 << 20;
    /** "unfinished" calls waiting for their "resumed" half, across all threads. */
    public static final int UNRESOLVED_CALLS = 100_000;
    /** Trace files held open at once: a strace -ff set larger than this is merged by reopening files (ulimit -n is often 1024). */
    public static final int OPEN_TRACE_FILES = 256;
    /** Unknown lines quoted in the parse statistics. */
    public static final int UNKNOWN_SAMPLES = 20;

    // -- the model, per thread and per file
    /** File activities kept per thread (reads of one file in a row are merged): spans many requests or a whole config load. */
    public static final int TIMELINE_ACTIVITIES = 4096;
    /**
     * File activities kept across all threads, so that memory follows the trace, not its number of threads: past it
     * the oldest activity of the whole trace goes first, so a thread that has been quiet for a while keeps less than a
     * busy one (down to {@link #TIMELINE_FLOOR}). An activity holds its evidence lines and its open file (with the
     * content read), about 1.5 KB: 16,384 are ~25 MB.
     */
    public static final int TRACE_ACTIVITIES = 16_384;
    /** The most recent activities a thread keeps whatever the other threads do (its last request or config read). */
    public static final int TIMELINE_FLOOR = 16;
    /** Evidence text kept per activity: enough to show, small enough for thousands of threads. */
    public static final int ACTIVITY_TEXT_CHARS = 400;
    /** Decoded log or socket data kept per activity. */
    public static final int ACTIVITY_DATA_CHARS = 4096;
    /** Content kept per suspect file: enough for any config file, bounded for a trace of huge files. */
    public static final int FILE_CONTENT_CHARS = 256 * 1024;
    /**
     * Share of the JVM's maximum heap that live data may fill before the trace model drops detail (checked every
     * {@link #HEAP_CHECK_EVENTS} events, after a collection): past it each thread keeps only its last
     * {@link #LEAN_TIMELINE_ACTIVITIES} file activities, a newly opened file keeps {@link #LEAN_FILE_CONTENT_CHARS} of
     * content, and no further whole config text is kept. A warning says so; the verdicts still come, on less detail.
     */
    public static final double HEAP_LEAN_SHARE = 0.75;
    /**
     * Events between two looks at the heap (a look is two native reads, tens of nanoseconds; a collection only when the
     * heap looks near its limit): one event can carry a 1 MiB buffer, so a look every 256 events.
     */
    public static final int HEAP_CHECK_EVENTS = 256;
    /** File activities a thread keeps once the heap is near its limit (its last request or two). */
    public static final int LEAN_TIMELINE_ACTIVITIES = 64;
    /** Content kept per newly opened file once the heap is near its limit. */
    public static final int LEAN_FILE_CONTENT_CHARS = 16 * 1024;
    /** Configuration text kept from read buffers in all (a -s 1024 trace of a real server holds far less). */
    public static final long CONFIG_TEXT_CHARS = 8L << 20;

    // -- the analysis
    /** Incidents analyzed; past this (a crash loop) they are counted, not analyzed. */
    public static final int INCIDENTS = 200;
    /** Incidents an error log makes on its own (a 500 storm is one incident per cause, counted). */
    public static final int LOG_INCIDENTS = 50;
    /** Failing php-fpm request windows kept for the FastCGI link; a worker serving millions of good requests keeps none. */
    public static final int FASTCGI_WINDOWS = 256;
    /** Distinct failing requests an access log counts one by one; the rest only in the totals. */
    public static final int ACCESS_LOG_REQUESTS = 10_000;

    // -- logs
    /** An error-log or access-log line longer than this is skipped (and counted). */
    public static final int LOG_LINE_BYTES = 64 * 1024;

    // -- live capture
    /** Crash captures kept per session (a crash loop beyond this is still traced and logged). */
    public static final int CRASH_CAPTURES = 32;

    // -- live capture (continued)
    /** execve argv entries read from a tracee. */
    public static final int EXEC_ARGV = 64;

    // -- files the analysis reads
    /** A file the analysis reads from disk (a config named by the trace) is read up to this. */
    public static final long SOURCE_FILE_BYTES = 2L << 20;
    /** Files listed from one directory when the analysis looks for a sibling or a near miss. */
    public static final int SOURCE_DIR_FILES = 400;
    /** /etc/mime.types read at most (Debian's is about 80 KiB). */
    public static final long MIME_TYPES_BYTES = 4L << 20;

    // -- cores and ELF files
    /** Symbols read from one ELF symbol table. */
    public static final int ELF_SYMBOLS = 4_000_000;
    /** 16 MiB windows of a core or ELF file mapped at once. */
    public static final int CORE_MAPPED_WINDOWS = 64;

    // -- httpd configuration
    /** Commands read from one module's command table (httpd's core has about 140). */
    public static final int MODULE_COMMANDS = 1024;
    /** A string read from a module file (a directive name or its help). */
    public static final int MODULE_STRING_BYTES = 4096;
    /** A longer configuration line is cut (httpd's own limit is far lower). */
    public static final int CONFIG_LINE_CHARS = 64 * 1024;
    /**
     * Characters that {@code ${VAR}} substitution may produce in one parse (a hosting server's thousands of vhosts
     * use a few MB at most); past it variables stay as written, so doubling Defines cannot make hundreds of lines of
     * CONFIG_LINE_CHARS each.
     */
    public static final int CONFIG_SUBSTITUTED_CHARS = 8 << 20;
    /** Configuration nodes kept; a configuration past this is reported as cut. */
    public static final int CONFIG_NODES = 200_000;
    /**
     * Logical configuration lines handled in all, counting each Include of a file and each macro expansion again:
     * a file included from many places, or macros that use each other twice per level, would otherwise take
     * exponential time. The rest are not read (a warning says so).
     */
    public static final int CONFIG_LINES_HANDLED = 1_000_000;
    /** Configuration files read in all, counting each Include of the same file again (a hosting server has thousands). */
    public static final int CONFIG_FILE_READS = 20_000;
    /** A configuration file larger than this is read only up to it (a warning says so). */
    public static final int CONFIG_FILE_BYTES = 16 << 20;
    /** The private copy configtest bisects: bytes copied at most. */
    public static final long CONFIG_COPY_BYTES = 64L << 20;
    /** The private copy configtest bisects: files copied at most. */
    public static final int CONFIG_COPY_FILES = 20_000;
    /** Files larger than this are not config text and are never rewritten in the copy. */
    public static final long CONFIG_REWRITE_BYTES = 4L << 20;
    /** Output of one apache2 -t kept. */
    public static final int CONFIGTEST_OUTPUT_BYTES = 64 * 1024;
    /**
     * attach: the share of a server's child processes traced in full after a child crashed (the rest stay sentinel):
     * a full trace costs its process most of its throughput: one child in ten (at least one) keeps 0.8x of the capacity (docs/performance.md).
     */
    public static final double ESCALATION_SHARE = 0.1;
    /** check: requests sent to the throwaway server at most (each is a JUnit testcase). */
    public static final int CHECK_PROBES = 200;
    /** check: files looked at under each DocumentRoot for access files and DirectoryIndex targets. */
    public static final int CHECK_WALK_FILES = 20_000;
    /** check: how long the throwaway server may take to answer its first connection. */
    public static final long CHECK_START_MILLIS = 15_000;
    /** check: one request's time to its status line. A crashed child closes at once; a slow one is a finding. */
    public static final long CHECK_REQUEST_MILLIS = 10_000;
    /** check: how long the server may take to stop after SIGTERM before its process group is killed. */
    public static final long CHECK_STOP_MILLIS = 10_000;
    /** apache2 -t takes ~10-100 ms; one that runs this long is stuck and is killed. */
    public static final long CONFIGTEST_MILLIS = 30_000;

    // -- httpd's memory (live at a crash stop, or in a core)
    /** A string read from httpd's memory (a request line, a path). */
    public static final int MEMORY_STRING_BYTES = 8192;
    /** Configuration nodes walked in httpd's memory. */
    public static final int MEMORY_CONFIG_NODES = 200_000;
    /** Modules walked in httpd's memory. */
    public static final int MEMORY_MODULES = 512;
    /** Commands walked per module in httpd's memory. */
    public static final int MEMORY_COMMANDS_PER_MODULE = 1024;
    /** A directive name read from httpd's memory. */
    public static final int MEMORY_DIRECTIVE_NAME = 256;
    /** A directive's arguments read from httpd's memory. */
    public static final int MEMORY_DIRECTIVE_ARGS = 16 * 1024;
    /** A file name read from httpd's memory. */
    public static final int MEMORY_PATH = 4096;
    /** A line number read from httpd's memory larger than this is not one. */
    public static final int MEMORY_LINE_NUMBER = 10_000_000;
}
