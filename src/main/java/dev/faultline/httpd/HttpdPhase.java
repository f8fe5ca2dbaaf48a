package dev.faultline.httpd;

import java.util.List;
import java.util.Map;

/**
 * Where in httpd's life a crash happened. Two things decide it: the httpd functions on the crashing stack (the
 * {@link Stage}), and, when there is no stack, the role and history of the crashing process (the parent before it
 * listens, a parent told to reload, a child reading a request).
 */
public enum HttpdPhase {
    STARTUP("startup", "while the server started (or ran its config test) and ran its configuration"),
    RELOAD("reload", "while the parent re-read its configuration for a graceful reload or restart"),
    HTACCESS("htaccess", "at request time, while httpd parsed an .htaccess file"),
    REQUEST("request", "at request time, in a module's request hook"),
    UNKNOWN("unknown", "at a point the evidence does not show");

    public final String label;
    public final String description;

    HttpdPhase(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** What the stack shows: the innermost httpd function of a known kind. */
    public enum Stage {
        HTACCESS_PARSE("htaccess"),
        CONFIG_LOAD("config-load"),
        POST_CONFIG("post-config"),
        CHILD_INIT("child-init"),
        REQUEST("request");

        public final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /**
     * httpd's own functions that mark a stage (server/config.c, request.c, protocol.c, http_request.c).
     * ap_walk_config and ap_build_config are absent on purpose: they run directives both at start-up and for an
     * .htaccess, so the caller further out decides.
     */
    private static final Map<String, Stage> STAGE_OF_FUNCTION = Map.ofEntries(
            Map.entry("ap_parse_htaccess", Stage.HTACCESS_PARSE),
            Map.entry("ap_read_config", Stage.CONFIG_LOAD),
            Map.entry("ap_process_config_tree", Stage.CONFIG_LOAD),
            Map.entry("ap_process_resource_config", Stage.CONFIG_LOAD),
            Map.entry("ap_process_fnmatch_configs", Stage.CONFIG_LOAD),
            Map.entry("ap_run_pre_config", Stage.POST_CONFIG),
            Map.entry("ap_run_post_config", Stage.POST_CONFIG),
            Map.entry("ap_run_open_logs", Stage.POST_CONFIG),
            Map.entry("ap_run_test_config", Stage.POST_CONFIG),
            Map.entry("ap_run_child_init", Stage.CHILD_INIT),
            Map.entry("ap_run_fixups", Stage.REQUEST),
            Map.entry("ap_run_type_checker", Stage.REQUEST),
            Map.entry("ap_run_translate_name", Stage.REQUEST),
            Map.entry("ap_run_map_to_storage", Stage.REQUEST),
            Map.entry("ap_run_access_checker", Stage.REQUEST),
            Map.entry("ap_run_access_checker_ex", Stage.REQUEST),
            Map.entry("ap_run_check_user_id", Stage.REQUEST),
            Map.entry("ap_run_auth_checker", Stage.REQUEST),
            Map.entry("ap_run_header_parser", Stage.REQUEST),
            Map.entry("ap_run_post_read_request", Stage.REQUEST),
            Map.entry("ap_run_log_transaction", Stage.REQUEST),
            Map.entry("ap_invoke_handler", Stage.REQUEST),
            Map.entry("ap_run_handler", Stage.REQUEST),
            Map.entry("ap_process_request", Stage.REQUEST),
            Map.entry("ap_process_async_request", Stage.REQUEST),
            Map.entry("ap_process_request_internal", Stage.REQUEST),
            Map.entry("ap_run_process_connection", Stage.REQUEST),
            Map.entry("ap_process_http_connection", Stage.REQUEST));

    /** The stage of the innermost known httpd function among {@code functions} (innermost first), or null. */
    public static Stage stageOf(List<String> functions) {
        for (String f : functions) {
            Stage s = f == null ? null : STAGE_OF_FUNCTION.get(f);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** The name of an httpd function inside a strace -k frame ({@code /usr/sbin/apache2(ap_walk_config+0x5e) [0x...]}). */
    public static String functionOfStraceFrame(String frame) {
        int plus = frame.lastIndexOf("+0x");
        int open = plus < 0 ? -1 : frame.lastIndexOf('(', plus);
        return open < 0 || plus <= open + 1 ? null : frame.substring(open + 1, plus);
    }
}
