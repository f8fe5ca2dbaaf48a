package dev.faultline.httpd;

import dev.faultline.httpd.config.ConfigNode;
import java.util.List;

/**
 * What httpd's own memory says about a crash (from a core, or from the live process at the signal stop): the
 * request the thread served, the directive node it was running, and the configuration tree it ran with. Each is
 * null (or empty) when it could not be read.
 *
 * @param request         the request_rec found on the crashing thread's stack
 * @param directive       the ap_directive_t that cmd_parms.directive pointed at (a directive handler was running)
 * @param directiveSource how it was found, for the report
 * @param tree            ap_conftree: the configuration the server really ran (survives edits and deletions)
 * @param problems        what could not be read, and why
 */
public record HttpdCrashFacts(RequestScope.Request request, ConfigNode directive, String directiveSource, List<ConfigNode> tree,
        List<String> problems) {
    public static final HttpdCrashFacts NONE = new HttpdCrashFacts(null, null, null, List.of(), List.of());
}
