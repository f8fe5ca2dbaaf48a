package dev.faultline.httpd.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an httpd configuration the way httpd's {@code ap_build_config} does (server/config.c, core.c, util.c,
 * mod_macro.c, mod_version.c): one line at a time (a trailing backslash continues it), {@code ${VAR}} resolved on the
 * whole line, the read-time directives run as they are met (Include, Define, LoadModule, the {@code <If*>}
 * conditions, macros) and the rest kept in a tree with their file and line.
 *
 * <p>Broken input is never an exception: an unclosed or stray section, a missing include, an include loop, an
 * overlong line or binary junk each give a located {@link ConfigWarning}, and reading goes on.
 */
public final class ApacheConfigParser {
    /** httpd's AP_MAX_INCLUDE_DEPTH: deeper nesting is an error there, a warning here. */
    public static final int MAX_INCLUDE_DEPTH = 128;
    public static final int MAX_LINE_CHARS = dev.faultline.Limits.CONFIG_LINE_CHARS;
    public static final int MAX_NODES = dev.faultline.Limits.CONFIG_NODES;
    /** Macro expansions nested at most (mod_macro refuses recursion). */
    public static final int MAX_MACRO_DEPTH = 32;

    /** Modules compiled into Debian's apache2 ({@code apache2 -l}), by source file name. */
    public static final List<String> DEBIAN_STATIC_MODULES = List.of("core.c", "mod_so.c", "mod_watchdog.c", "http_core.c",
            "mod_log_config.c", "mod_logio.c", "mod_version.c", "mod_unixd.c");

    /**
     * Directives httpd runs while it reads (EXEC_ON_READ in their command_rec) and does not keep in the tree, when
     * the caller has no module table to say so.
     */
    public static final Set<String> READ_TIME_DIRECTIVES = Set.of("include", "includeoptional", "define", "undefine",
            "serverroot", "loadmodule", "loadfile", "use", "undefmacro");

    private static final Set<String> CONDITIONS = Set.of("ifmodule", "ifdefine", "iffile", "ifversion", "ifdirective", "ifsection");

    /** How to read: the server's own facts that the configuration's conditions test. */
    public static final class Options {
        /** ServerRoot before the configuration sets one ({@code -d}, or the compiled default). */
        public String serverRoot = "/etc/apache2";
        /** {@code -D NAME} from the command line. */
        public final Map<String, String> defines = new LinkedHashMap<>();
        /** The environment httpd started with (Debian: /etc/apache2/envvars). */
        public final Map<String, String> env = new HashMap<>();
        public List<String> staticModules = DEBIAN_STATIC_MODULES;
        /** A LoadModule symbol → its source name ({@code rewrite_module} → {@code mod_rewrite.c}); null: guessed. */
        public Function<String, String> moduleSourceName;
        /** Directives and sections ({@code <Location}) the server knows, for IfDirective/IfSection; null: all. */
        public Predicate<String> knownDirective;
        /** Directives run at read time and not kept; null: {@link #READ_TIME_DIRECTIVES}. */
        public Predicate<String> readTime;
        /** httpd's version for IfVersion, e.g. 2.4.71. */
        public String httpdVersion = "2.4.71";
    }

    private record Line(String file, int number, String text) {
    }

    private record Macro(String name, List<String> params, List<Line> body, Line where) {
    }

    private final ConfigFiles files;
    private final Options opt;
    private ApacheConfig config;
    private String serverRoot;
    private final Map<String, Macro> macros = new HashMap<>();
    private final Deque<String> includeChain = new ArrayDeque<>();
    private final Set<String> loadedNames = new java.util.HashSet<>();
    private int macroDepth;
    /** The macros being expanded, innermost first: mod_macro refuses a recursive Use. */
    private final Deque<String> macroChain = new ArrayDeque<>();
    private long linesHandled;
    private long substitutedChars;
    private int fileReads;

    public ApacheConfigParser(ConfigFiles files, Options options) {
        this.files = files;
        this.opt = options;
    }

    /** Reads {@code mainFile} (absolute, or relative to ServerRoot) and everything it includes. */
    public ApacheConfig parse(String mainFile) {
        serverRoot = stripSlash(opt.serverRoot);
        String main = resolve(mainFile);
        config = new ApacheConfig(main, serverRoot);
        config.defines.putAll(opt.defines);
        for (String s : opt.staticModules) {
            loadedNames.add(s.toLowerCase(Locale.ROOT));
            loadedNames.add(symbolOf(s).toLowerCase(Locale.ROOT));
        }
        if (!files.exists(main)) {
            warn(main, 0, "the configuration file does not exist or cannot be read");
            return config;
        }
        readFile(main, null, config.tree, 0);
        return config;
    }

    /**
     * Parses one .htaccess text into nodes, with the conditions evaluated against a configuration already read
     * (its modules and defines). Read-time directives keep their place here: an .htaccess has no Include.
     */
    public List<ConfigNode> parseHtaccess(String path, String text, ApacheConfig main) {
        config = new ApacheConfig(path, main == null ? stripSlash(opt.serverRoot) : main.serverRoot());
        serverRoot = config.serverRoot();
        if (main != null) {
            config.defines.putAll(main.defines());
            for (ApacheConfig.LoadedModule m : main.loadedModules().values()) {
                loadedNames.add(m.symbol().toLowerCase(Locale.ROOT));
                loadedNames.add(sourceNameOf(m.symbol()).toLowerCase(Locale.ROOT));
            }
        }
        for (String s : opt.staticModules) {
            loadedNames.add(s.toLowerCase(Locale.ROOT));
            loadedNames.add(symbolOf(s).toLowerCase(Locale.ROOT));
        }
        List<ConfigNode> out = new ArrayList<>();
        Cursor c = new Cursor(lines(path, text.getBytes(StandardCharsets.UTF_8)));
        block(c, null, null, null, out, 0);
        return out;
    }

    /** The warnings of the last {@link #parseHtaccess} call. */
    public List<ConfigWarning> lastWarnings() {
        return config == null ? List.of() : config.warnings();
    }

    // ---- files and lines --------------------------------------------------------------------------------

    private final class Cursor {
        final List<Line> lines;
        int pos;

        Cursor(List<Line> lines) {
            this.lines = lines;
        }

        Line next() {
            return pos < lines.size() ? lines.get(pos++) : null;
        }
    }

    private void readFile(String path, ConfigNode parent, List<ConfigNode> out, int depth) {
        if (includeChain.contains(path)) {
            warn(path, 0, "include loop: " + String.join(" -> ", includeChain) + " -> " + path + " (skipped)");
            return;
        }
        if (linesHandled > dev.faultline.Limits.CONFIG_LINES_HANDLED) {
            return; // the budget is spent, and a warning said so
        }
        if (++fileReads > dev.faultline.Limits.CONFIG_FILE_READS) {
            if (fileReads == dev.faultline.Limits.CONFIG_FILE_READS + 1) {
                warn(path, 0, "more than " + dev.faultline.Limits.CONFIG_FILE_READS
                        + " files read (some included many times over): the rest are not read");
            }
            return;
        }
        if (includeChain.size() >= MAX_INCLUDE_DEPTH) {
            warn(path, 0, "includes nested deeper than " + MAX_INCLUDE_DEPTH + " (httpd stops here too)");
            return;
        }
        byte[] bytes = files.read(path);
        if (bytes == null) {
            warn(path, 0, "cannot be read");
            return;
        }
        if (bytes.length >= ConfigFiles.MAX_FILE_BYTES) {
            warn(path, 0, "larger than " + ConfigFiles.MAX_FILE_BYTES + " bytes: read up to there");
        }
        config.files.add(path);
        includeChain.push(path);
        try {
            block(new Cursor(lines(path, bytes)), null, null, parent, out, depth);
        } finally {
            includeChain.pop();
        }
    }

    /** The logical lines of a file: continuations joined, comments and blank lines dropped, junk warned about. */
    private List<Line> lines(String file, byte[] bytes) {
        List<Line> out = new ArrayList<>();
        String text = decode(file, bytes);
        int n = text.length();
        int i = 0;
        int lineNo = 0;
        StringBuilder logical = null;
        boolean warnedBinary = false;
        while (i < n) {
            int end = text.indexOf('\n', i);
            if (end < 0) {
                end = n;
            }
            lineNo++;
            String raw = text.substring(i, end);
            i = end + 1;
            if (raw.endsWith("\r")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            if (raw.indexOf('\0') >= 0) {
                if (!warnedBinary) {
                    warn(file, lineNo, "binary data (NUL bytes): such lines are skipped");
                    warnedBinary = true;
                }
                continue;
            }
            if (raw.length() > MAX_LINE_CHARS) {
                warn(file, lineNo, "a line of " + raw.length() + " characters: cut to " + MAX_LINE_CHARS);
                raw = raw.substring(0, MAX_LINE_CHARS);
            }
            boolean continues = raw.endsWith("\\") && !raw.endsWith("\\\\");
            String body = continues ? raw.substring(0, raw.length() - 1) : raw;
            if (logical == null) {
                logical = new StringBuilder(body);
            } else if (logical.length() + body.length() <= MAX_LINE_CHARS) {
                logical.append(body);
            }
            if (continues) {
                continue;
            }
            String t = logical.toString().strip();
            logical = null;
            if (!t.isEmpty() && t.charAt(0) != '#') {
                // httpd numbers a continued directive by its last physical line (ap_cfg_getline counts as it reads)
                out.add(new Line(file, lineNo, t));
            }
        }
        if (logical != null) {
            String t = logical.toString().strip();
            if (!t.isEmpty() && t.charAt(0) != '#') {
                out.add(new Line(file, lineNo, t));
            }
        }
        return out;
    }

    private String decode(String file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            warn(file, 0, "not valid UTF-8: read with replacement characters");
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    // ---- the reading loop -------------------------------------------------------------------------------

    /**
     * Reads lines until {@code closing} (the name of the section they are in) is closed, or the lines end. Nodes go
     * into {@code parent}, or into {@code out} at the top level.
     */
    private void block(Cursor c, String closing, Line opened, ConfigNode parent, List<ConfigNode> out, int depth) {
        Line l;
        while ((l = c.next()) != null) {
            if (++linesHandled > dev.faultline.Limits.CONFIG_LINES_HANDLED) {
                if (linesHandled == dev.faultline.Limits.CONFIG_LINES_HANDLED + 1) {
                    warn(l, "more than " + dev.faultline.Limits.CONFIG_LINES_HANDLED
                            + " lines handled (files included many times over, or macros expanded): the rest are not read");
                }
                return;
            }
            String text = resolveVars(l);
            String[] head = splitHead(text);
            String cmd = head[0];
            String args = head[1];
            if (cmd.startsWith("</")) {
                String name = cmd.substring(2).replace(">", "").strip();
                if (name.isEmpty() && args.endsWith(">")) {
                    name = args.substring(0, args.length() - 1).strip();
                }
                if (closing == null) {
                    warn(l, "</" + name + "> closes no open section (ignored)");
                    continue;
                }
                if (!name.equalsIgnoreCase(closing)) {
                    warn(l, "expected </" + closing + "> but saw </" + name + ">");
                }
                return;
            }
            if (cmd.startsWith("<")) {
                section(c, l, cmd, args, parent, out, depth);
                continue;
            }
            directive(c, l, cmd, args, parent, out, depth);
        }
        if (closing != null) {
            warn(opened, "<" + closing + "> was not closed");
        }
    }

    private void section(Cursor c, Line l, String cmd, String args, ConfigNode parent, List<ConfigNode> out, int depth) {
        String name = cmd.substring(1);
        String a = args;
        if (name.endsWith(">")) {
            name = name.substring(0, name.length() - 1);
            a = "";
        } else if (a.endsWith(">")) {
            a = a.substring(0, a.length() - 1).strip();
        } else {
            warn(l, "<" + name + " has no closing '>'");
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (CONDITIONS.contains(key)) {
            config.readTime.add(new ConfigNode(name, a, l.file(), l.number(), true));
            if (condition(key, a, l)) {
                // a true condition's body becomes part of the enclosing level, as in ap_conftree
                block(c, name, l, parent, out, depth);
            } else {
                soak(c, name, l);
            }
            return;
        }
        if (key.equals("macro")) {
            defineMacro(c, a, l);
            return;
        }
        ConfigNode s = new ConfigNode(name, a, l.file(), l.number(), true);
        if (!count()) {
            soak(c, name, l);
            return;
        }
        block(c, name, l, s, null, depth);
        add(s, parent, out);
    }

    private void directive(Cursor c, Line l, String cmd, String args, ConfigNode parent, List<ConfigNode> out, int depth) {
        String key = cmd.toLowerCase(Locale.ROOT);
        boolean readTime = opt.readTime != null ? opt.readTime.test(cmd) : READ_TIME_DIRECTIVES.contains(key);
        if (readTime || READ_TIME_DIRECTIVES.contains(key)) {
            ConfigNode node = new ConfigNode(cmd, args, l.file(), l.number(), false);
            config.readTime.add(node);
            List<String> w = ConfigWords.split(args);
            switch (key) {
                case "include", "includeoptional" -> {
                    if (w.isEmpty()) {
                        warn(l, cmd + " takes a path");
                    } else {
                        include(w.get(0), key.equals("includeoptional"), l, parent, out, depth + 1);
                    }
                }
                case "define" -> {
                    if (w.isEmpty()) {
                        warn(l, "Define takes a name");
                    } else {
                        config.defines.put(w.get(0), w.size() > 1 ? w.get(1) : "");
                    }
                }
                case "undefine" -> {
                    if (!w.isEmpty()) {
                        config.defines.remove(w.get(0));
                    }
                }
                case "serverroot" -> {
                    if (!w.isEmpty()) {
                        serverRoot = stripSlash(w.get(0));
                        config.serverRoot = serverRoot;
                    }
                }
                case "loadmodule" -> {
                    if (w.size() < 2) {
                        warn(l, "LoadModule takes a module name and a file");
                    } else if (config.modules.containsKey(w.get(0))) {
                        warn(l, "module " + w.get(0) + " is already loaded, skipping");
                    } else {
                        config.modules.put(w.get(0), new ApacheConfig.LoadedModule(w.get(0), resolve(w.get(1)), node));
                        loadedNames.add(w.get(0).toLowerCase(Locale.ROOT));
                        loadedNames.add(sourceNameOf(w.get(0)).toLowerCase(Locale.ROOT));
                    }
                }
                case "use" -> useMacro(w, l, parent, out, depth);
                case "undefmacro" -> {
                    if (!w.isEmpty()) {
                        macros.remove(w.get(0).toLowerCase(Locale.ROOT));
                    }
                }
                default -> {
                    // a read-time directive of a module (LoadFile, ...): run by httpd, nothing to keep
                }
            }
            return;
        }
        if (count()) {
            add(new ConfigNode(cmd, args, l.file(), l.number(), false), parent, out);
        }
    }

    private boolean count() {
        if (config.nodes >= MAX_NODES) {
            if (config.nodes++ == MAX_NODES) {
                warn(config.mainFile(), 0, "more than " + MAX_NODES + " directives: the rest are not kept");
            }
            return false;
        }
        config.nodes++;
        return true;
    }

    private static void add(ConfigNode n, ConfigNode parent, List<ConfigNode> out) {
        if (parent != null) {
            parent.add(n);
        } else {
            out.add(n);
        }
    }

    /** Skips a false condition's body (ap_soak_end_container): nested sections of any kind are skipped whole. */
    private void soak(Cursor c, String name, Line opened) {
        int nesting = 0;
        Line l;
        while ((l = c.next()) != null) {
            String t = l.text();
            if (t.startsWith("</")) {
                if (nesting == 0) {
                    return;
                }
                nesting--;
            } else if (t.startsWith("<")) {
                nesting++;
            }
        }
        warn(opened, "<" + name + "> was not closed");
    }

    // ---- Include --------------------------------------------------------------------------------------

    private void include(String pattern, boolean optional, Line l, ConfigNode parent, List<ConfigNode> out, int depth) {
        String path = resolve(pattern);
        List<String> found = new ArrayList<>();
        if (!hasWildcard(path)) {
            if (files.isDirectory(path)) {
                directoryFiles(path, found, 0);
            } else if (files.exists(path)) {
                found.add(path);
            } else if (!optional) {
                warn(l, "Include " + path + ": no such file (httpd refuses to start: \"Could not open configuration file\")");
            }
        } else {
            expand(path, found);
            if (found.isEmpty() && !optional) {
                warn(l, "Include " + path + ": no file matches the wildcard (httpd refuses to start; IncludeOptional allows it)");
            }
        }
        for (String f : found) {
            readFile(f, parent, out, depth);
        }
    }

    /** A directory include reads every file in it and below, sorted (ap_process_resource_config_nofnmatch). */
    private void directoryFiles(String dir, List<String> out, int depth) {
        if (depth > MAX_INCLUDE_DEPTH) {
            return;
        }
        for (String name : files.list(dir)) {
            String p = dir + "/" + name;
            if (files.isDirectory(p)) {
                directoryFiles(p, out, depth + 1);
            } else {
                out.add(p);
            }
        }
    }

    /** Wildcards in any component (httpd 2.4): each component matched with fnmatch(FNM_PERIOD), sorted. */
    private void expand(String path, List<String> out) {
        String[] parts = path.substring(1).split("/");
        List<String> current = List.of("");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            List<String> next = new ArrayList<>();
            for (String base : current) {
                String dir = base.isEmpty() ? "/" : base;
                if (!hasWildcard(part)) {
                    String p = base + "/" + part;
                    if (files.exists(p)) {
                        next.add(p);
                    }
                    continue;
                }
                for (String name : files.list(dir)) {
                    if (globMatches(part, name)) {
                        String p = base + "/" + name;
                        if (last || files.isDirectory(p)) {
                            next.add(p);
                        }
                    }
                }
            }
            current = next;
        }
        for (String p : current) {
            if (files.isDirectory(p)) {
                directoryFiles(p, out, 0);
            } else {
                out.add(p);
            }
        }
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    /**
     * fnmatch(glob, name, FNM_PERIOD) for one path component: {@code *}, {@code ?} and brackets; a leading dot is
     * matched only by a dot in the pattern. Matched directly, not as a regex: {@code *a*a*a...} would backtrack for
     * polynomial time in a regex (a glob of 45 stars hung the parser); here a mismatch only goes back to the last star.
     */
    static boolean globMatches(String glob, String name) {
        if (name.startsWith(".") && !glob.startsWith(".")) {
            return false;
        }
        int p = 0;
        int n = 0;
        int afterStar = -1;
        int starName = 0;
        while (n < name.length()) {
            if (p < glob.length()) {
                if (glob.charAt(p) == '*') {
                    afterStar = ++p;
                    starName = n;
                    continue;
                }
                int next = matchOne(glob, p, name.charAt(n));
                if (next >= 0) {
                    p = next;
                    n++;
                    continue;
                }
            }
            if (afterStar < 0) {
                return false;
            }
            p = afterStar; // the last star takes one more character
            n = ++starName;
        }
        while (p < glob.length() && glob.charAt(p) == '*') {
            p++;
        }
        return p == glob.length();
    }

    /** Where the glob goes on after its token at {@code p} matched {@code c}, or -1 when it does not match. */
    private static int matchOne(String glob, int p, char c) {
        char g = glob.charAt(p);
        if (g == '?') {
            return p + 1;
        }
        if (g == '[') {
            int close = glob.indexOf(']', p + 2); // a ']' right after '[' (or "[!") is a member, not the end
            if (close >= 0) {
                return inBracket(glob.substring(p + 1, close), c) ? close + 1 : -1;
            }
        }
        return g == c ? p + 1 : -1;
    }

    /**
     * Whether {@code c} is in an fnmatch bracket expression's inside ({@code !a-c]} of {@code [!a-c]]}): every
     * character is literal but a leading {@code !} or {@code ^} (negation) and a {@code -} between two characters (a
     * range; a reversed range holds nothing, as in glibc).
     */
    private static boolean inBracket(String set, char c) {
        boolean negated = set.startsWith("!") || set.startsWith("^");
        boolean in = false;
        int i = negated ? 1 : 0;
        while (i < set.length() && !in) {
            char lo = set.charAt(i);
            if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                in = lo <= c && c <= set.charAt(i + 2);
                i += 3;
            } else {
                in = lo == c;
                i++;
            }
        }
        return in != negated;
    }

    // ---- conditions -------------------------------------------------------------------------------------

    private boolean condition(String key, String args, Line l) {
        List<String> w = ConfigWords.split(args);
        if (w.isEmpty()) {
            warn(l, "<" + key + "> needs an argument");
            return false;
        }
        String arg = w.get(0);
        boolean not = arg.startsWith("!");
        if (not) {
            arg = arg.substring(1);
        }
        boolean result;
        switch (key) {
            case "ifmodule" -> result = loadedNames.contains(arg.toLowerCase(Locale.ROOT));
            case "ifdefine" -> result = config.defines.containsKey(arg);
            case "iffile" -> result = files.exists(resolve(arg));
            case "ifdirective" -> result = opt.knownDirective == null || opt.knownDirective.test(arg);
            case "ifsection" -> result = opt.knownDirective == null || opt.knownDirective.test("<" + arg);
            case "ifversion" -> {
                return version(w, l);
            }
            default -> result = false;
        }
        return result != not;
    }

    /** mod_version: {@code [[!]op] version} or {@code /regex/}; a version compares only the parts given. */
    private boolean version(List<String> w, Line l) {
        String op = "=";
        String v;
        if (w.size() >= 2) {
            op = w.get(0);
            v = w.get(1);
        } else {
            v = w.get(0);
        }
        boolean not = op.startsWith("!");
        if (not) {
            op = op.substring(1);
        }
        boolean r;
        if (v.startsWith("/") && v.endsWith("/") && v.length() >= 2 || op.equals("~")) {
            String re = v.startsWith("/") && v.endsWith("/") && v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
            Pattern compiled = ConfigRegex.compile(re);
            if (compiled == null) {
                warn(l, "IfVersion: bad regular expression " + re);
                return false;
            }
            r = compiled.matcher(opt.httpdVersion).find();
        } else {
            int cmp = compareVersion(opt.httpdVersion, v);
            r = switch (op) {
                case "=", "==" -> cmp == 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                default -> {
                    warn(l, "IfVersion: unknown operator " + op);
                    yield false;
                }
            };
        }
        return r != not;
    }

    private static int compareVersion(String have, String want) {
        String[] h = have.split("\\.");
        String[] w = want.split("\\.");
        for (int i = 0; i < w.length; i++) {
            int a = i < h.length ? parseIntOr(h[i]) : 0;
            int b = parseIntOr(w[i]);
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return 0;
    }

    private static int parseIntOr(String s) {
        try {
            return Integer.parseInt(s.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---- mod_macro --------------------------------------------------------------------------------------

    private void defineMacro(Cursor c, String args, Line opened) {
        List<String> w = ConfigWords.split(args);
        List<Line> body = new ArrayList<>();
        Line l;
        boolean closed = false;
        while ((l = c.next()) != null) {
            if (l.text().regionMatches(true, 0, "</Macro", 0, 7)) {
                closed = true;
                break;
            }
            body.add(l);
        }
        if (!closed) {
            warn(opened, "<Macro> was not closed");
        }
        if (w.isEmpty()) {
            warn(opened, "<Macro> needs a name");
            return;
        }
        macros.put(w.get(0).toLowerCase(Locale.ROOT), new Macro(w.get(0), w.subList(1, w.size()), body, opened));
    }

    private void useMacro(List<String> w, Line l, ConfigNode parent, List<ConfigNode> out, int depth) {
        if (w.isEmpty()) {
            warn(l, "Use needs a macro name");
            return;
        }
        Macro m = macros.get(w.get(0).toLowerCase(Locale.ROOT));
        if (m == null) {
            warn(l, "Use " + w.get(0) + ": no such macro");
            return;
        }
        List<String> values = w.subList(1, w.size());
        if (values.size() != m.params().size()) {
            warn(l, "Use " + m.name() + ": " + values.size() + " values for " + m.params().size() + " parameters");
            return;
        }
        if (macroChain.contains(m.name().toLowerCase(Locale.ROOT))) {
            warn(l, "recursive use of macro '" + m.name() + "' is invalid (httpd refuses to start)");
            return;
        }
        if (macroDepth >= MAX_MACRO_DEPTH) {
            warn(l, "Use " + m.name() + ": macros nested deeper than " + MAX_MACRO_DEPTH + " (recursive?)");
            return;
        }
        // longest parameter names first, so that $name is not replaced inside $name2
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < m.params().size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> m.params().get(b).length() - m.params().get(a).length());
        List<Line> expanded = new ArrayList<>();
        for (Line b : m.body()) {
            String t = b.text();
            for (int i : order) {
                t = replaceUpToLineLimit(t, m.params().get(i), values.get(i));
            }
            if (t.length() >= MAX_LINE_CHARS) {
                warn(l, "Use " + m.name() + ": a line of the expansion is longer than " + MAX_LINE_CHARS + " characters: cut there");
            }
            expanded.add(new Line(b.file(), b.number(), t));
        }
        macroDepth++;
        macroChain.push(m.name().toLowerCase(Locale.ROOT));
        try {
            block(new Cursor(expanded), null, null, parent, out, depth);
        } finally {
            macroChain.pop();
            macroDepth--;
        }
    }

    /** {@code text.replace(from, to)}, stopped at {@link #MAX_LINE_CHARS}: $a$a$a... with a long value would not fit in memory. */
    private static String replaceUpToLineLimit(String text, String from, String to) {
        if (from.isEmpty() || text.indexOf(from) < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        int at = 0;
        int hit;
        while ((hit = text.indexOf(from, at)) >= 0 && sb.length() < MAX_LINE_CHARS) {
            sb.append(text, at, hit).append(to);
            at = hit + from.length();
        }
        if (sb.length() < MAX_LINE_CHARS) {
            sb.append(text, at, text.length());
        }
        return sb.length() > MAX_LINE_CHARS ? sb.substring(0, MAX_LINE_CHARS) : sb.toString();
    }

    // ---- words, variables, paths ------------------------------------------------------------------------

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_:.-]+)\\}");

    /** ap_resolve_env: {@code ${NAME}} from Define'd values, then the environment; an unknown one stays as written. */
    private String resolveVars(Line l) {
        String t = l.text();
        if (t.indexOf("${") < 0) {
            return t;
        }
        if (substitutedChars > dev.faultline.Limits.CONFIG_SUBSTITUTED_CHARS) {
            return t; // the budget is spent, and a warning said so
        }
        Matcher m = VAR.matcher(t);
        StringBuilder sb = new StringBuilder();
        int copied = 0;
        while (m.find()) {
            String name = m.group(1);
            String v = config.defines.get(name);
            if (v == null || v.isEmpty() && !config.defines.containsKey(name)) {
                v = opt.env.get(name);
            }
            if (v == null) {
                warn(l, "AH00111: config variable ${" + name + "} is not defined");
                v = m.group(0);
            }
            // bulk copies: Matcher.appendReplacement copies a replacement one char at a time
            sb.append(t, copied, m.start()).append(v, 0, Math.min(v.length(), MAX_LINE_CHARS + 1));
            copied = m.end();
            if (sb.length() > MAX_LINE_CHARS) {
                return spend(l, cutResolved(l, sb)); // Define B ${A}${A}, C ${B}${B}, ... doubles a line at each step
            }
        }
        sb.append(t, copied, t.length());
        return spend(l, sb.length() > MAX_LINE_CHARS ? cutResolved(l, sb) : sb.toString());
    }

    /**
     * Counts what substitution produced: hundreds of doubling Defines each make a line of MAX_LINE_CHARS, and every
     * such line is split and matched again. Past the budget, variables stay as written.
     */
    private String spend(Line l, String resolved) {
        substitutedChars += resolved.length();
        if (substitutedChars > dev.faultline.Limits.CONFIG_SUBSTITUTED_CHARS) {
            warn(l, "more than " + dev.faultline.Limits.CONFIG_SUBSTITUTED_CHARS
                    + " characters made by ${...} variables in all: from here on they are not replaced");
        }
        return resolved;
    }

    private String cutResolved(Line l, StringBuilder sb) {
        warn(l, "the line is longer than " + MAX_LINE_CHARS + " characters once its ${...} variables are replaced: cut there");
        return sb.substring(0, MAX_LINE_CHARS);
    }

    /** The directive word and the rest of the line. */
    private static String[] splitHead(String t) {
        int i = 0;
        while (i < t.length() && !Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return new String[] {t.substring(0, i), t.substring(i).strip()};
    }

    /** ap_server_root_relative: a relative path is under ServerRoot. */
    private String resolve(String p) {
        String s = p;
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.startsWith("/")) {
            return s;
        }
        return serverRoot + "/" + s;
    }

    private static String stripSlash(String s) {
        String r = s;
        while (r.length() > 1 && r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    /** {@code rewrite_module} → {@code mod_rewrite.c}, unless the caller knows better (from the module itself). */
    private String sourceNameOf(String symbol) {
        if (opt.moduleSourceName != null) {
            String s = opt.moduleSourceName.apply(symbol);
            if (s != null) {
                return s;
            }
        }
        String base = symbol.endsWith("_module") ? symbol.substring(0, symbol.length() - 7) : symbol;
        return "mod_" + base + ".c";
    }

    /** {@code mod_rewrite.c} → {@code rewrite_module}; httpd's own: core.c → core_module, http_core.c → http_module. */
    static String symbolOf(String sourceName) {
        String s = sourceName.endsWith(".c") ? sourceName.substring(0, sourceName.length() - 2) : sourceName;
        if (s.equals("http_core")) {
            return "http_module";
        }
        return (s.startsWith("mod_") ? s.substring(4) : s) + "_module";
    }

    private void warn(Line l, String msg) {
        warn(l.file(), l.number(), msg);
    }

    private void warn(String file, int line, String msg) {
        if (config.warnings.size() < 1000) {
            config.warnings.add(new ConfigWarning(file, line, msg));
        }
    }
}
