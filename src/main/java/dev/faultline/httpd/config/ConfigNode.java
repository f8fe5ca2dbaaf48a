package dev.faultline.httpd.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One node of an httpd configuration tree, the Java twin of httpd's {@code ap_directive_t}
 * (util_cfgtree.h): a directive or a section, its arguments as httpd stored them (after {@code ${VAR}}
 * substitution), and the file and line it came from. Sections ({@code <Location /x>}) have children; the
 * name is stored without {@code <}, and the args without the closing {@code >}.
 *
 * <p>The parser (from files), the memory reader (from {@code ap_conftree} in a core or a live process) and the
 * .htaccess reader all produce this one type, so every rule reads one shape whatever the source.
 */
public final class ConfigNode {
    private final String name;
    private final String args;
    private final String file;
    private final int line;
    private final boolean section;
    private ConfigNode parent;
    private final List<ConfigNode> children = new ArrayList<>();

    public ConfigNode(String name, String args, String file, int line, boolean section) {
        this.name = name;
        this.args = args == null ? "" : args;
        this.file = file;
        this.line = line;
        this.section = section;
    }

    /** The directive as written, without {@code <} for a section: {@code Location}, {@code RewriteEngine}. */
    public String name() {
        return name;
    }

    /** httpd compares directive names case-insensitively; this is the key to compare and look up by. */
    public String key() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The raw argument string (quotes kept, variables substituted; no closing {@code >} on a section). */
    public String args() {
        return args;
    }

    /** The arguments split as httpd's {@code ap_getword_conf} splits them: white space, with quoting. */
    public List<String> argList() {
        return ConfigWords.split(args);
    }

    public String file() {
        return file;
    }

    /** 1-based line of the directive (for a section: of its opening line). */
    public int line() {
        return line;
    }

    public boolean isSection() {
        return section;
    }

    public ConfigNode parent() {
        return parent;
    }

    public List<ConfigNode> children() {
        return Collections.unmodifiableList(children);
    }

    public void add(ConfigNode child) {
        child.parent = this;
        children.add(child);
    }

    /** The enclosing sections, outermost first (empty at server level). */
    public List<ConfigNode> scopes() {
        List<ConfigNode> out = new ArrayList<>();
        for (ConfigNode p = parent; p != null; p = p.parent) {
            if (p.section) {
                out.add(0, p);
            }
        }
        return out;
    }

    /** {@code file:line}, the way every report names a directive. */
    public String location() {
        return file + ":" + line;
    }

    /** The line as it would read in the file: {@code Name args}, or {@code <Name args>} for a section. */
    public String text() {
        String body = args.isEmpty() ? name : name + " " + args;
        return section ? "<" + body + ">" : body;
    }

    @Override
    public String toString() {
        return location() + " " + text();
    }
}
