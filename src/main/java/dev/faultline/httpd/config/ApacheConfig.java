package dev.faultline.httpd.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration as httpd reads it: the tree it keeps in {@code ap_conftree} (includes spliced in place, true
 * {@code <IfModule>}-style conditions spliced, false ones dropped, read-time directives such as Include, Define and
 * LoadModule run and not kept), the files in the order httpd read them, the modules it loaded, and what went wrong.
 */
public final class ApacheConfig {
    /** One LoadModule: the module symbol ({@code rewrite_module}), the .so path as resolved, and the line. */
    public record LoadedModule(String symbol, String path, ConfigNode line) {
    }

    private final String mainFile;
    /** As the ServerRoot directive left it (the command line's -d, or the default, when there is none). */
    String serverRoot;
    final List<ConfigNode> tree = new ArrayList<>();
    final List<String> files = new ArrayList<>();
    final Map<String, LoadedModule> modules = new LinkedHashMap<>();
    final Map<String, String> defines = new LinkedHashMap<>();
    final List<ConfigWarning> warnings = new ArrayList<>();
    final List<ConfigNode> readTime = new ArrayList<>();
    int nodes;

    ApacheConfig(String mainFile, String serverRoot) {
        this.mainFile = mainFile;
        this.serverRoot = serverRoot;
    }

    public String mainFile() {
        return mainFile;
    }

    public String serverRoot() {
        return serverRoot;
    }

    /** The top-level nodes, in order. */
    public List<ConfigNode> tree() {
        return Collections.unmodifiableList(tree);
    }

    /** Every file read, main file first, in the order httpd reads them ({@code apache2 -t -D DUMP_INCLUDES}). */
    public List<String> files() {
        return Collections.unmodifiableList(files);
    }

    /** LoadModule lines in load order, by module symbol. */
    public Map<String, LoadedModule> loadedModules() {
        return Collections.unmodifiableMap(modules);
    }

    /** Define'd names (value "" when none), including the command line's -D. */
    public Map<String, String> defines() {
        return Collections.unmodifiableMap(defines);
    }

    public List<ConfigWarning> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /**
     * The read-time lines httpd ran while reading and did not keep (Include, LoadModule, Define, the conditions):
     * needed to name a LoadModule or Include line, never in {@link #tree()}.
     */
    public List<ConfigNode> readTimeLines() {
        return Collections.unmodifiableList(readTime);
    }
}
