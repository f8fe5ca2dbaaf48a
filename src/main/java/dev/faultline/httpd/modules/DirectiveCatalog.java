package dev.faultline.httpd.modules;

import dev.faultline.httpd.DirectiveOwners;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who owns each directive, from the loaded modules' own command tables (never a hand-kept list). httpd looks a
 * directive up through its module list, whose head is the module loaded last (ap_add_module pushes on the front),
 * so when two modules register one name the later one wins; so it does here.
 */
public final class DirectiveCatalog implements DirectiveOwners {
    /** {@code EXEC_ON_READ} in http_config.h: the directive runs while the configuration is read. */
    public static final int EXEC_ON_READ = 256;

    private final List<ModuleReader.ModuleInfo> modules;
    private final Map<String, ModuleCommand> byName = new HashMap<>();
    private final Map<String, ModuleReader.ModuleInfo> bySymbol = new LinkedHashMap<>();
    private final Predicate<String> shippedFile;

    /**
     * @param loadOrder   modules in the order httpd adds them: the executable's static ones, then each LoadModule
     * @param shippedFile whether a module file is part of httpd itself (see {@link HttpdDistribution})
     */
    public DirectiveCatalog(List<ModuleReader.ModuleInfo> loadOrder, Predicate<String> shippedFile) {
        this.modules = List.copyOf(loadOrder);
        this.shippedFile = shippedFile;
        for (ModuleReader.ModuleInfo m : loadOrder) {
            bySymbol.put(m.symbol(), m);
            for (ModuleCommand c : m.commands()) {
                byName.put(c.directive().toLowerCase(Locale.ROOT), c); // a later module shadows an earlier one
            }
        }
    }

    /** Where distributions install httpd's modules; the first that exists is read for {@link #installed()}. */
    static final List<String> MODULE_DIRS = List.of("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules",
            "/usr/libexec/apache2");
    private static volatile DirectiveCatalog installed;

    /**
     * Every module installed on this machine with the executable's own: the catalog for a trace whose configuration
     * is unknown (a near-miss directive is then checked against everything the server could have loaded).
     */
    public static DirectiveCatalog installed() {
        DirectiveCatalog c = installed;
        if (c == null) {
            List<ModuleReader.ModuleInfo> all = new ArrayList<>();
            java.nio.file.Path exe = java.nio.file.Path.of(dev.faultline.httpd.HttpdContexts.DEFAULT_EXECUTABLE);
            if (java.nio.file.Files.isRegularFile(exe)) {
                all.addAll(ModuleReader.readAll(exe, null));
            }
            for (String d : MODULE_DIRS) {
                java.nio.file.Path dir = java.nio.file.Path.of(d);
                if (java.nio.file.Files.isDirectory(dir)) {
                    for (java.nio.file.Path so : HttpdDistribution.moduleFiles(dir)) {
                        all.addAll(ModuleReader.readAll(so, null));
                    }
                    break;
                }
            }
            c = new DirectiveCatalog(all, HttpdDistribution.shippedFiles(exe.toString()));
            installed = c;
        }
        return c;
    }

    public List<ModuleReader.ModuleInfo> modules() {
        return Collections.unmodifiableList(modules);
    }

    /** The command a directive name resolves to ({@code <Location} for a section), or null. */
    public ModuleCommand command(String directive) {
        return directive == null ? null : byName.get(directive.toLowerCase(Locale.ROOT));
    }

    public boolean isKnown(String directive) {
        return command(directive) != null;
    }

    /** Runs while reading and leaves no node in the tree (Include, Define, LoadModule, ...). */
    public boolean readTime(String directive) {
        ModuleCommand c = command(directive);
        return c != null && (c.reqOverride() & EXEC_ON_READ) != 0;
    }

    /** Every directive, in no particular order. */
    public List<ModuleCommand> all() {
        return new ArrayList<>(byName.values());
    }

    /** The module's source name ({@code mod_rewrite.c}) for IfModule, or null. */
    public String sourceName(String symbol) {
        ModuleReader.ModuleInfo m = bySymbol.get(symbol);
        return m == null ? null : m.sourceName();
    }

    @Override
    public String moduleOf(String directive) {
        ModuleCommand c = command(directive);
        return c == null ? null : c.module();
    }

    @Override
    public boolean shippedWithHttpd(String module) {
        ModuleReader.ModuleInfo m = bySymbol.get(module);
        return m == null || shippedFile.test(m.file());
    }

    @Override
    public String moduleOfFile(String path) {
        if (path == null) {
            return null;
        }
        String p = path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
        for (ModuleReader.ModuleInfo m : modules) {
            if (m.file() != null && m.file().equals(p) && !isExecutable(m)) {
                return m.symbol();
            }
        }
        return null;
    }

    /** The httpd executable holds many modules: a pc there names none of them on its own. */
    private boolean isExecutable(ModuleReader.ModuleInfo m) {
        int sameFile = 0;
        for (ModuleReader.ModuleInfo o : modules) {
            if (m.file().equals(o.file())) {
                sameFile++;
            }
        }
        return sameFile > 1;
    }

    @Override
    public int reqOverride(String directive) {
        ModuleCommand c = command(directive);
        return c == null ? -1 : c.reqOverride();
    }

    /** http_config.h: the per-directory contexts (ACCESS_CONF, and the .htaccess override classes OR_*). */
    public static final int PER_DIRECTORY = 64 | 1 | 2 | 4 | 8 | 16;

    @Override
    public String directiveOfHandler(String module, String function) {
        ModuleReader.ModuleInfo m = bySymbol.get(module);
        if (m == null || function == null) {
            return null;
        }
        for (ModuleCommand c : m.commands()) {
            if (function.equals(c.handler())) {
                return c.directive();
            }
        }
        return null;
    }

    /** A finding: the 1-based line of a misspelled directive and the directive it is close to. */
    public record Typo(int line, String written, String meant) {
    }

    /**
     * The first line whose directive no loaded module knows but that is a near miss of one (edit distance 2 at most,
     * names of 4 letters or more): the classic {@code RewriteEngin}. Third-party modules' directives count too.
     */
    public Typo findTypo(String content) {
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("<")) {
                continue;
            }
            int sp = 0;
            while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
                sp++;
            }
            String word = t.substring(0, sp);
            String meant = nearMiss(word);
            if (meant != null) {
                return new Typo(i + 1, word, meant);
            }
        }
        return null;
    }

    /**
     * The directive a loaded module registers that {@code word} is a near miss of (edit distance 2 at most, names of
     * 4 letters or more), or null: for a word httpd knows, or one too far from every directive.
     */
    public String nearMiss(String word) {
        if (word == null || word.length() < 4 || isKnown(word)) {
            return null;
        }
        String best = null;
        int bestD = 3;
        for (ModuleCommand c : byName.values()) {
            if (c.directive().startsWith("<")) {
                continue;
            }
            int d = distance(word.toLowerCase(Locale.ROOT), c.directive().toLowerCase(Locale.ROOT));
            if (d < bestD || d == bestD && best != null && c.directive().compareTo(best) < 0) {
                bestD = d;
                best = c.directive();
            }
        }
        return best;
    }

    /** Levenshtein distance; 3 when the lengths alone differ by more than 2 (a near miss is never that far). */
    public static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
