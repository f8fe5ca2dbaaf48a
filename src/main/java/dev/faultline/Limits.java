package dev.faultline;

/**
 * Every bound that keeps faultline's memory and output finite, in one place: whatever the size of a trace, a log or a
 * capture, these decide what is kept, what is cut and what is only counted. Each is sized for real servers (a -s 1024
 * trace of a busy httpd, a 500 storm) with room to spare; reaching one is said in the report, never silent.
 * Bounds that guard an algorithm (DWARF expression steps, unwinder depth) stay next to it.
 */
public final class Limits {
    private Limits() {
    }

    // -- the trace
    /** A trace line longer than this is cut to it (and counted). */
    public static final int TRACE_LINE_BYTES = 1 << 20;
    /** "unfinished" calls waiting for their "resumed" half, across all threads. */
    public static final int UNRESOLVED_CALLS = 100_000;
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
}
