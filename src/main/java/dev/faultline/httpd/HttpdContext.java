package dev.faultline.httpd;

import dev.faultline.httpd.config.ConfigNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What faultline knows of the traced server's Apache configuration for one analysis: the configuration tree (from
 * its files, or from httpd's own memory), who owns each directive, and how to read an .htaccess file.
 */
public final class HttpdContext {
    private final List<ConfigNode> tree;
    private final String treeSource;
    private final DirectiveOwners owners;
    private final Function<String, String> fileReader;
    private final java.util.function.BiFunction<String, String, List<ConfigNode>> htaccessParser;
    private final List<String> notes = new ArrayList<>();
    /**
     * Runs apache2 -t on a private copy to settle a start-up crash between candidate lines (analyze --confirm);
     * null when not asked for or not possible (no httpd executable, no files).
     */
    public java.util.function.Function<List<dev.faultline.httpd.configtest.CandidateCheck.Line>,
            dev.faultline.httpd.configtest.CandidateCheck.Outcome> confirmer;
    /**
     * Nothing named the configuration (no --config, no command line, no config file read in the trace): it is httpd's
     * compiled-in default, which may not be the traced server's. Good enough for directive knowledge; not for
     * reading that server's logs.
     */
    public boolean configGuessed;
    /** The parsed configuration when the tree came from files (null from memory only). */
    public dev.faultline.httpd.config.ApacheConfig config;

    /**
     * @param tree           the top-level nodes (includes spliced in, as in {@code ap_conftree}); empty when unknown
     * @param treeSource     where the tree came from, for the report ("/etc/apache2/apache2.conf on disk")
     * @param owners         directive ownership
     * @param fileReader     reads a file by the path the server used (from --root or the disk); null when unreadable
     * @param htaccessParser parses an .htaccess text (path, text) into nodes, as httpd would with this configuration
     */
    public HttpdContext(List<ConfigNode> tree, String treeSource, DirectiveOwners owners, Function<String, String> fileReader,
            java.util.function.BiFunction<String, String, List<ConfigNode>> htaccessParser) {
        this.tree = tree == null ? List.of() : List.copyOf(tree);
        this.treeSource = treeSource;
        this.owners = owners;
        this.fileReader = fileReader;
        this.htaccessParser = htaccessParser;
    }

    public List<ConfigNode> tree() {
        return tree;
    }

    public String treeSource() {
        return treeSource;
    }

    public DirectiveOwners owners() {
        return owners;
    }

    /**
     * The .htaccess at {@code path} as the server read it: the text the trace showed it reading when strace printed it
     * whole ({@code traceText}, else null), or the file on disk. A file that changed or went since is said so.
     */
    public List<ConfigNode> htaccess(String path, String traceText) {
        String disk = fileReader == null ? null : fileReader.apply(path);
        String text = traceText != null ? traceText : disk;
        if (traceText != null && disk == null) {
            note(path + " is gone since the incident; read from the trace's buffers");
        } else if (traceText != null && !traceText.equals(disk)) {
            note(path + " has changed since the incident; read as the trace shows it");
        }
        if (text == null || htaccessParser == null) {
            return List.of();
        }
        List<ConfigNode> nodes = htaccessParser.apply(path, text);
        return nodes == null ? List.of() : nodes;
    }

    /** Every directive (not section) of the tree, depth first, in the order httpd runs them. */
    public List<ConfigNode> allDirectives() {
        return directives(tree);
    }

    /** Every directive (not section) of {@code nodes}, depth first, in the order httpd runs them. */
    public static List<ConfigNode> directives(List<ConfigNode> nodes) {
        List<ConfigNode> out = new ArrayList<>();
        collect(nodes, out);
        return out;
    }

    private static void collect(List<ConfigNode> nodes, List<ConfigNode> out) {
        for (ConfigNode n : nodes) {
            if (n.isSection()) {
                collect(n.children(), out);
            } else {
                out.add(n);
            }
        }
    }

    /** The server-level ErrorLog as the server names it (relative paths under ServerRoot); null for a pipe or syslog. */
    public String errorLog() {
        String log = serverLevel("errorlog");
        if (log == null || log.startsWith("|") || log.startsWith("syslog")) {
            return null;
        }
        return underServerRoot(log);
    }

    /**
     * Every ErrorLog the configuration names, as the server names them: the server-level one first, then each
     * {@code <VirtualHost>}'s (whose requests log there instead); pipes and syslog left out, each file once.
     */
    public List<String> errorLogs() {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        String main = errorLog();
        if (main != null) {
            out.add(main);
        }
        for (ConfigNode n : allDirectives()) {
            if (n.key().equals("errorlog") && !n.argList().isEmpty() && n.parent() != null
                    && n.scopes().stream().anyMatch(sc -> sc.key().equals("virtualhost"))) {
                String log = n.argList().get(0);
                if (!log.startsWith("|") && !log.startsWith("syslog") && config != null) {
                    out.add(underServerRoot(log));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The server-level CoreDumpDirectory (where httpd's children chdir() before they dump core), or null. */
    public String coreDumpDirectory() {
        String dir = serverLevel("coredumpdirectory");
        return dir == null ? null : underServerRoot(dir);
    }

    /** The server-level User (children run as it), as written ({@code ${APACHE_RUN_USER}} on Debian), or null. */
    public String user() {
        return serverLevel("user");
    }

    /** The server-level Group, as written, or null. */
    public String group() {
        return serverLevel("group");
    }

    /** The first argument of the last server-level {@code key} directive: the one that wins, as with any server directive. */
    private String serverLevel(String key) {
        if (config == null) {
            return null;
        }
        String value = null;
        for (ConfigNode n : tree) {
            if (n.key().equals(key) && !n.argList().isEmpty()) {
                value = n.argList().get(0);
            }
        }
        return value;
    }

    private String underServerRoot(String path) {
        return path.startsWith("/") ? path : config.serverRoot() + "/" + path;
    }

    /** Things worth telling the reader about the context itself (a config that could not be read, and why). */
    public List<String> notes() {
        return notes;
    }

    public void note(String s) {
        notes.add(s);
    }
}
