package dev.faultline.analysis;

/**
 * Every heuristic weight in one place. The numbers are the BRIEF's starting order (strongest first), tuned on
 * the native/ and Apache fixtures; docs/heuristics.md explains each one. A file needs {@link #CULPRIT_THRESHOLD}
 * to be named: recency plus a config-looking name alone (30 + 10) is never enough.
 */
public final class Weights {
    /** 1: the server's own error message names the file. */
    public static final int ERROR_MESSAGE = 100;
    /** 3: a config-like file still open, and the last one the crashing thread read, at the fault. */
    public static final int OPEN_AT_FAULT = 60;
    /** 3 (weaker): also open at the fault but not the one being read (an includer). */
    public static final int ALSO_OPEN_AT_FAULT = 20;
    /** 4: a failed open of an include or config-like path (ENOENT, EACCES, ENOTDIR, ELOOP). */
    public static final int FAILED_OPEN = 50;
    /** 4: the same, for a path that is neither config- nor include-like. */
    public static final int FAILED_OPEN_OTHER = 25;
    /** 4 bonus: the path was probed (stat) again and again before failing. */
    public static final int REPEATED_PROBES = 10;
    /** 4 bonus: the name is a near miss of a known extension (.phpp, .conff, .htacess). */
    public static final int NEAR_MISS = 15;
    /** 5: the file that names the missing path: the one to fix. It also inherits the missing path's score. */
    public static final int REFERRER = 75;
    /** httpd knowledge: a .htaccess/.conf line whose directive is a near miss of a real one (RewriteEngin). */
    public static final int INVALID_DIRECTIVE = 70;
    /** 6: recency, for the most recent config-class file read by the thread in the window; then decays. */
    public static final int[] RECENCY = {30, 20, 12, 8, 5};
    /**
     * A crash while serving a request, and the only config file the thread read for that request (an .htaccess:
     * the per-directory configuration applied to it). Recency, name and this together reach the threshold.
     */
    public static final int READ_IN_CRASHING_REQUEST = 15;
    /**
     * A core dump shows the crash inside httpd's config parsing (ap_parse_htaccess, ap_read_config): the config
     * file the thread read last is the one being parsed. With recency and the name it reaches the threshold.
     */
    public static final int CORE_CONFIG_PHASE = 25;
    /** 9: the path looks like configuration. */
    public static final int PATH_PRIOR = 10;
    /** 10: the same thread then answered HTTP 5xx. */
    public static final int HTTP_STATUS = 5;
    /** A permission error (EACCES/EPERM) on a config-like path: the file's mode is the thing to fix. */
    public static final int PERMISSION = 60;

    /**
     * httpd's own memory (live capture or core): the ap_directive_t its crashing thread's handler was running, owned
     * by the module whose code faulted. httpd itself says which file and line it was executing.
     */
    public static final int DIRECTIVE_BEING_RUN = 150;
    /** The same node on the stack, but the fault was outside its module (libc called from the handler): still named. */
    public static final int DIRECTIVE_ON_STACK = 90;
    /** The crash is in a directive's own handler (by symbol), and this line uses that directive. */
    public static final int CRASHING_HANDLER = 100;
    /** The crash is in this module (from the stack), and this line uses one of its directives in the phase's scope. */
    public static final int CRASHING_MODULE_DIRECTIVE = 80;
    /** No stack: this line uses a directive of a module not shipped with httpd, in the phase's scope. */
    public static final int THIRD_PARTY_DIRECTIVE = 55;
    /** analyze --confirm: on a private copy, apache2 -t crashes as it is and passes without this one line. */
    public static final int CONFIRMED_BY_CONFIGTEST = 120;
    /**
     * Tie-break at request time: the line is in effect through a scope the crashing request matched (a Location,
     * Directory, .htaccess, virtual host), not server-wide: a server-wide one was in effect for every request.
     */
    public static final int REQUEST_SCOPE = 10;
    /** Tie-break in a post_config crash: the directive is server-scoped only, the configuration those hooks read. */
    public static final int SERVER_SCOPE_HOOK = 10;

    public static final int CULPRIT_THRESHOLD = 50;

    /** Confidence from a score: 60 → 0.63, 100 → 0.81, 150 → 0.92. */
    public static double confidence(int score) {
        return Math.round((1 - Math.exp(-score / 60.0)) * 100) / 100.0;
    }

    private Weights() {
    }
}
