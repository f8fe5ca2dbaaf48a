package dev.faultline.cli;


/** Exit codes of every faultline command; documented in docs/cli.md (the one numbered table), README.md and docs/json.md. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A bug in faultline itself (reported as one line, never a stack trace). */
    public static final int INTERNAL = 1;
    /** Bad command line (picocli's convention). */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int NO_PERMISSION = 4;
    public static final int IS_DIRECTORY = 5;
    public static final int EMPTY = 6;
    /** Binary data, or a text file in which no line is strace output. */
    public static final int NOT_A_TRACE = 7;
    public static final int IO_ERROR = 8;
    /** Output could not be written (e.g. -o to a missing directory). */
    public static final int OUTPUT_ERROR = 9;
    /** attach: the target is already traced by another process (strace, gdb, another faultline). */
    public static final int ALREADY_TRACED = 10;
    /** core: not an ELF file at all. */
    public static final int NOT_ELF = 11;
    /** core: an ELF file, but an executable or library rather than a core dump. */
    public static final int NOT_A_CORE = 12;
    /** core: the file ends before the headers, notes or memory it announces (--allow-truncated reads what is there). */
    public static final int CORE_TRUNCATED = 13;
    /** core: a size or count inside the core contradicts the file (a lying note size, an overflowing NT_FILE count). */
    public static final int CORE_CORRUPT = 14;
    /** core: 32-bit, big-endian, or a machine other than x86_64 and aarch64. */
    public static final int WRONG_ARCH = 15;
    /** core: a compressed core (.zst, .lz4, .xz) whose stream is corrupt or cut short. */
    public static final int DECOMPRESS = 16;
    /** analyze, attach, run --exit-code=verdict, core: at least one incident names a config culprit (a file and line to fix). */
    public static final int CULPRIT_NAMED = 20;
    /** analyze, attach, run --exit-code=verdict, core: incidents were found, and none names a config culprit. */
    public static final int INCIDENTS_WITHOUT_CULPRIT = 21;
    /**
     * run: the command crashed (killed by SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS or SIGTRAP);
     * configtest: apache2 -t crashed.
     */
    public static final int CRASHED = 70;
    /** configtest: apache2 -t failed without crashing (a syntax error, AH00526, or another startup error). */
    public static final int CONFIG_FAILS = 71;
    /** check: the candidate configuration has findings (a crash, a 5xx, a failing configtest, an error-log entry). */
    public static final int CHECK_FINDINGS = 73;
    /** check: the check could not run (the copy, the throwaway server's config, or the tracer failed). */
    public static final int CHECK_NOT_RUN = 74;
    /** fix, analyze --fix-format: no incident has a fix hint (none is known, or the evidence is too weak). */
    public static final int NO_FIX = 72;
    /** fix: the fixed file fails its check (apache2 -t on a copy, or php -l); nothing was written. */
    public static final int FIX_REJECTED = 75;

    /** The launcher (bin/faultline): no Java 17+ runtime, or the jar could not be built; never the JVM's own code. */
    public static final int LAUNCHER = 76;

    private ExitCodes() {
    }

    /** The verdict as an exit code: 0 with no incident, 20 when one names a config culprit, else 21. */
    public static int of(dev.faultline.report.Report report) {
        if (report.incidents.isEmpty()) {
            return OK;
        }
        return report.incidents.stream().anyMatch(i -> i.verdict != null && i.verdict.namesCulprit()) ? CULPRIT_NAMED : INCIDENTS_WITHOUT_CULPRIT;
    }

    /** The one mapping from why an input could not be used to the exit code that says so. */
    public static int of(dev.faultline.InputFailure failure) {
        switch (failure) {
            case NOT_FOUND: case GONE: return NOT_FOUND;
            case NO_PERMISSION: return NO_PERMISSION;
            case IS_DIRECTORY: return IS_DIRECTORY;
            case EMPTY: return EMPTY;
            case NOT_A_TRACE: return NOT_A_TRACE;
            case ALREADY_TRACED: return ALREADY_TRACED;
            case SELF: return USAGE;
            case NOT_ELF: return NOT_ELF;
            case NOT_A_CORE: return NOT_A_CORE;
            case CORE_TRUNCATED: return CORE_TRUNCATED;
            case CORE_CORRUPT: return CORE_CORRUPT;
            case WRONG_ARCH: return WRONG_ARCH;
            case DECOMPRESS: return DECOMPRESS;
            case IO: default: return IO_ERROR;
        }
    }
}
