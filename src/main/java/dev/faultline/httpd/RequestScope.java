package dev.faultline.httpd;

import dev.faultline.httpd.config.ConfigNode;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configuration that applied to one request: which directives were in effect, and from where, in the order
 * httpd merges them (server, virtual host, {@code <Directory>} from the shortest path down with each directory's
 * {@code .htaccess} after it, {@code <DirectoryMatch>}, {@code <Files>}, {@code <Location>}; see httpd's
 * request.c: ap_directory_walk, ap_file_walk, ap_location_walk). The last one merged is the most specific, and for
 * a per-directory setting it is the one that won.
 *
 * <p>A crash at request time in a module's hook is caused by the module's directives that were in effect for the
 * request, wherever they were written: a server-level {@code <Location>} the crashing child never read, or an
 * ancestor's {@code .htaccess} rather than the nearest one.
 */
public final class RequestScope {
    /** One directive in effect, and the scope that brought it in ("server", "<Location /app>", ".htaccess"). */
    public record InEffect(ConfigNode node, String via, boolean conditional) {
    }

    /**
     * What is known of the request: method, URI (decoded, no query), the Host when known, and the file httpd mapped
     * it to ({@code r->filename}) when read from its memory, else null.
     */
    public record Request(String method, String uri, String host, String filename) {
        /** Parses {@code GET /app/x?y=1 HTTP/1.1}; null when the text is no request line. */
        public static Request parse(String requestLine, String host) {
            if (requestLine == null) {
                return null;
            }
            String[] w = requestLine.trim().split("\\s+");
            if (w.length < 2 || !w[1].startsWith("/") && !w[1].startsWith("http")) {
                return null;
            }
            String uri = w[1];
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                int slash = uri.indexOf('/', scheme + 3);
                uri = slash < 0 ? "/" : uri.substring(slash);
            }
            int q = uri.indexOf('?');
            if (q >= 0) {
                uri = uri.substring(0, q);
            }
            return new Request(w[0], percentDecode(uri), host, null);
        }
    }

    private RequestScope() {
    }

    /**
     * The directives in effect for {@code request}, in merge order (most specific last).
     *
     * @param tree     the server's configuration tree (top level: server-level directives and sections)
     * @param request  the request
     * @param htaccess the .htaccess files the request read, each as its parsed nodes (file set on each node)
     */
    public static List<InEffect> of(List<ConfigNode> tree, Request request, List<List<ConfigNode>> htaccess) {
        List<InEffect> out = new ArrayList<>();
        ConfigNode vhost = selectVirtualHost(tree, request.host());
        List<ConfigNode> server = new ArrayList<>(tree.size());
        for (ConfigNode n : tree) {
            if (!n.isSection()) {
                out.add(new InEffect(n, "server", false));
                server.add(n);
            }
        }
        List<ConfigNode> scopes = new ArrayList<>();
        for (ConfigNode n : tree) {
            if (n.isSection() && !n.key().equals("virtualhost")) {
                scopes.add(n);
            }
        }
        if (vhost != null) {
            for (ConfigNode n : vhost.children()) {
                if (n.isSection()) {
                    scopes.add(n);
                } else {
                    out.add(new InEffect(n, "<VirtualHost " + vhost.args() + ">", false));
                }
            }
        }
        String docRoot = documentRoot(server, vhost);
        String fsPath = request.filename() != null ? normalize(request.filename())
                : docRoot == null ? null : join(docRoot, aliased(server, vhost, request.uri()));
        String fsDir = fsPath == null ? null : parentOrSelf(fsPath, request.uri());

        // <Directory> (non-regex), shortest first, each followed by the .htaccess of that directory
        List<ConfigNode> dirs = new ArrayList<>();
        List<ConfigNode> dirRegex = new ArrayList<>();
        List<ConfigNode> files = new ArrayList<>();
        List<ConfigNode> locations = new ArrayList<>();
        List<ConfigNode> other = new ArrayList<>();
        for (ConfigNode s : scopes) {
            switch (s.key()) {
                case "directory" -> (isRegexForm(s) ? dirRegex : dirs).add(s);
                case "directorymatch" -> dirRegex.add(s);
                case "files", "filesmatch" -> files.add(s);
                case "location", "locationmatch" -> locations.add(s);
                default -> other.add(s);
            }
        }
        dirs.sort(Comparator.comparingInt(s -> components(firstArg(s))));
        List<List<ConfigNode>> pendingHtaccess = new ArrayList<>(htaccess);
        pendingHtaccess.sort(Comparator.comparingInt(h -> h.isEmpty() ? 0 : components(parentDir(h.get(0).file()))));
        for (ConfigNode d : dirs) {
            if (fsDir == null || !directoryMatches(firstArg(d), fsDir)) {
                continue;
            }
            // .htaccess of directories above this <Directory> were merged before it
            flushHtaccess(out, pendingHtaccess, components(firstArg(d)) - 1, fsDir);
            addScope(out, d, fsPath, request);
        }
        flushHtaccess(out, pendingHtaccess, Integer.MAX_VALUE, fsDir);
        for (ConfigNode d : dirRegex) {
            if (fsDir != null && regexFinds(regexArg(d), fsDir)) {
                addScope(out, d, fsPath, request);
            }
        }
        String base = fsPath == null ? lastSegment(request.uri()) : lastSegment(fsPath);
        for (ConfigNode f : files) {
            boolean regex = f.key().equals("filesmatch") || isRegexForm(f);
            String pat = regex ? regexArg(f) : firstArg(f);
            if (regex ? regexFinds(pat, base) : globMatches(pat, base)) {
                addScope(out, f, fsPath, request);
            }
        }
        for (ConfigNode l : locations) {
            boolean regex = l.key().equals("locationmatch") || isRegexForm(l);
            String pat = regex ? regexArg(l) : firstArg(l);
            if (regex ? regexFinds(pat, request.uri()) : locationMatches(pat, request.uri())) {
                addScope(out, l, fsPath, request);
            }
        }
        for (ConfigNode o : other) {
            // <If> and anything else httpd decides per request: possibly in effect
            if (o.key().equals("if") || o.key().equals("elseif") || o.key().equals("else")) {
                for (ConfigNode c : o.children()) {
                    if (!c.isSection()) {
                        out.add(new InEffect(c, "<" + o.name() + " " + o.args() + ">", true));
                    }
                }
            }
        }
        return out;
    }

    private static void flushHtaccess(List<InEffect> out, List<List<ConfigNode>> pending, int maxDepth, String fsDir) {
        while (!pending.isEmpty()) {
            List<ConfigNode> h = pending.get(0);
            if (h.isEmpty()) {
                pending.remove(0);
                continue;
            }
            String dir = parentDir(h.get(0).file());
            if (components(dir) > maxDepth) {
                return;
            }
            pending.remove(0);
            if (fsDir != null && !isAncestorOrSelf(dir, fsDir)) {
                continue; // read by the request, but not on its path (a subrequest's): not in effect
            }
            addAll(out, h, ".htaccess", null);
        }
    }

    private static void addScope(List<InEffect> out, ConfigNode scope, String fsPath, Request request) {
        addAll(out, scope.children(), "<" + scope.name() + " " + scope.args() + ">", request);
    }

    private static void addAll(List<InEffect> out, List<ConfigNode> nodes, String via, Request request) {
        for (ConfigNode c : nodes) {
            if (!c.isSection()) {
                out.add(new InEffect(c, via, false));
            } else if (c.key().equals("limit") || c.key().equals("limitexcept")) {
                boolean listed = request == null || c.argList().stream().anyMatch(m -> m.equalsIgnoreCase(request.method()));
                if (listed == c.key().equals("limit")) {
                    addAll(out, c.children(), via + " <" + c.name() + " " + c.args() + ">", request);
                }
            } else if (c.key().equals("files") || c.key().equals("filesmatch") || c.key().equals("if")
                    || c.key().equals("elseif") || c.key().equals("else")) {
                // nested per-file or per-request conditions: possibly in effect
                for (ConfigNode g : c.children()) {
                    if (!g.isSection()) {
                        out.add(new InEffect(g, via + " <" + c.name() + " " + c.args() + ">", true));
                    }
                }
            }
        }
    }

    /** Name-based virtual host selection: ServerName/ServerAlias against Host, else the first one (the default). */
    static ConfigNode selectVirtualHost(List<ConfigNode> tree, String host) {
        ConfigNode first = null;
        String h = host == null ? null : host.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
        for (ConfigNode n : tree) {
            if (!n.isSection() || !n.key().equals("virtualhost")) {
                continue;
            }
            if (first == null) {
                first = n;
            }
            if (h == null) {
                continue;
            }
            for (ConfigNode c : n.children()) {
                if (c.key().equals("servername") || c.key().equals("serveralias")) {
                    for (String name : c.argList()) {
                        String nm = name.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
                        if (nm.equals(h) || globMatches(nm, h)) {
                            return n;
                        }
                    }
                }
            }
        }
        return first;
    }

    private static String documentRoot(List<ConfigNode> server, ConfigNode vhost) {
        String root = null;
        for (ConfigNode n : server) {
            if (n.key().equals("documentroot") && !n.argList().isEmpty()) {
                root = n.argList().get(0);
            }
        }
        if (vhost != null) {
            for (ConfigNode n : vhost.children()) {
                if (n.key().equals("documentroot") && !n.argList().isEmpty()) {
                    root = n.argList().get(0);
                }
            }
        }
        return root;
    }

    /** The URI with an Alias prefix replaced by its target, so that Directory sections match the real path. */
    private static String aliased(List<ConfigNode> server, ConfigNode vhost, String uri) {
        List<ConfigNode> all = new ArrayList<>(server);
        if (vhost != null) {
            all.addAll(vhost.children());
        }
        for (ConfigNode n : all) {
            if ((n.key().equals("alias") || n.key().equals("scriptalias")) && n.argList().size() >= 2) {
                String from = n.argList().get(0);
                if (locationMatches(from, uri)) {
                    return "\u0000" + n.argList().get(1) + uri.substring(Math.min(from.length(), uri.length()));
                }
            }
        }
        return uri;
    }

    private static String join(String docRoot, String uri) {
        if (uri.startsWith("\u0000")) {
            return normalize(uri.substring(1));
        }
        return normalize(docRoot + "/" + uri);
    }

    /** The directory httpd walks for the request: the path's parent, or the path itself for a directory URI. */
    private static String parentOrSelf(String fsPath, String uri) {
        return uri.endsWith("/") ? fsPath : parentDir(fsPath);
    }

    static String normalize(String p) {
        String s = p.replaceAll("/+", "/");
        List<String> parts = new ArrayList<>();
        for (String seg : s.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(seg);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String parentDir(String file) {
        if (file == null) {
            return "/";
        }
        int i = file.lastIndexOf('/');
        return i <= 0 ? "/" : file.substring(0, i);
    }

    private static String lastSegment(String p) {
        String s = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private static int components(String dir) {
        if (dir == null) {
            return 0;
        }
        int n = 0;
        for (String seg : dir.split("/")) {
            if (!seg.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private static boolean isAncestorOrSelf(String dir, String path) {
        String d = normalize(dir);
        String p = normalize(path);
        return d.equals("/") || p.equals(d) || p.startsWith(d + "/");
    }

    private static String firstArg(ConfigNode s) {
        List<String> a = s.argList();
        return a.isEmpty() ? "" : a.get(0);
    }

    /** {@code <Directory ~ "re">}, {@code <Location ~ "re">}, {@code <Files ~ "re">}. */
    private static boolean isRegexForm(ConfigNode s) {
        List<String> a = s.argList();
        return !a.isEmpty() && a.get(0).equals("~");
    }

    private static String regexArg(ConfigNode s) {
        List<String> a = s.argList();
        return isRegexForm(s) ? (a.size() > 1 ? a.get(1) : "") : firstArg(s);
    }

    /** {@code <Directory /var/www/*>}: path prefix by whole components, with shell wildcards (fnmatch). */
    static boolean directoryMatches(String pattern, String dir) {
        String pat = normalize(pattern);
        if (pat.equals("/")) {
            return true;
        }
        if (!pat.contains("*") && !pat.contains("?") && !pat.contains("[")) {
            return isAncestorOrSelf(pat, dir);
        }
        // a wildcard pattern matches a directory with as many components, or an ancestor of the request's
        List<String> parts = List.of(normalize(dir).substring(1).split("/"));
        int want = components(pat);
        if (parts.size() < want) {
            return false;
        }
        return globMatches(pat, "/" + String.join("/", parts.subList(0, want)));
    }

    /** httpd's Location: a plain prefix of the URI (so {@code /app} also matches {@code /apple}), slashes merged. */
    static boolean locationMatches(String pattern, String uri) {
        String p = pattern.replaceAll("/+", "/");
        String u = uri.replaceAll("/+", "/");
        if (p.contains("*") || p.contains("?") || p.contains("[")) {
            return globMatches(p, u) || globMatches(p + "*", u);
        }
        return u.startsWith(p);
    }

    private static boolean globMatches(String glob, String s) {
        try {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return m.matches(Path.of(s));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** httpd's regex sections are unanchored PCRE searches; an invalid pattern matches nothing. */
    private static boolean regexFinds(String re, String s) {
        try {
            return Pattern.compile(re).matcher(s).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException e) {
                    // kept as written
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
