package dev.faultline.httpd.check;

import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ConfigNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The requests {@code check} sends, derived from the configuration as httpd reads it: {@code /} of each server,
 * every {@code <Location>} path, every directory under a DocumentRoot that holds an access file ({@code .htaccess},
 * or AccessFileName's name), every file a DirectoryIndex names (with its directory), and each {@code --url}.
 * Servers are the main server and each {@code <VirtualHost>}, each on the loopback port that stands for its own.
 */
public final class ProbePlan {
    /** One request: to which port, with which Host header, for which path, and why it is asked. */
    public record Request(int port, String host, String path, String why) {
        public String name() {
            return "GET " + path + (host.equals("localhost") ? "" : " (" + host + ")");
        }
    }

    private static final int MAX_PROBES = dev.faultline.Limits.CHECK_PROBES;
    private static final int MAX_WALK = dev.faultline.Limits.CHECK_WALK_FILES;
    private static final int MAX_DEPTH = 16;

    private final Map<String, Request> requests = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private boolean truncated;
    private final Function<String, String> shown;

    private ProbePlan(Function<String, String> shown) {
        this.shown = shown;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests.values());
    }

    public List<String> notes() {
        return notes;
    }

    /**
     * @param cfg the throwaway server's configuration (the copy's paths)
     * @param ports configured port → loopback stand-in ({@link ServerConfigRewrite#ports()})
     * @param urls the user's own {@code --url} paths, sent to the main server
     * @param shown turns a copy path into the path to show (the repository's)
     */
    public static ProbePlan of(ApacheConfig cfg, Map<Integer, Integer> ports, List<String> urls,
            Function<String, String> shown) {
        ProbePlan plan = new ProbePlan(shown);
        int mainPort = ports.values().iterator().next();
        Server main = new Server(mainPort, "localhost", null);
        List<Server> servers = new ArrayList<>();
        servers.add(main);
        Set<String> indexNames = new LinkedHashSet<>();
        List<String> accessNames = new ArrayList<>();
        plan.collect(cfg.tree(), main, servers, ports, indexNames, accessNames);
        if (indexNames.isEmpty()) {
            indexNames.add("index.html"); // mod_dir's default
        }
        if (accessNames.isEmpty()) {
            accessNames.add(".htaccess"); // httpd's default AccessFileName
        }
        for (String u : urls) {
            plan.add(new Request(mainPort, "localhost", u.startsWith("/") ? u : "/" + u, "--url"));
        }
        for (Server s : servers) {
            if (s.ssl) {
                plan.notes.add("the TLS virtual host on port " + s.port + " (" + s.host + ") is not requested: check speaks plain HTTP");
                continue;
            }
            plan.add(new Request(s.port, s.host, "/", "the server's root"));
            for (Map.Entry<String, String> l : s.locations.entrySet()) {
                plan.add(new Request(s.port, s.host, l.getKey(), l.getValue()));
            }
            if (s.documentRoot != null) {
                plan.walk(s, Path.of(s.documentRoot), indexNames, accessNames);
            }
        }
        return plan;
    }

    private static final class Server {
        final int port;
        final String host;
        String documentRoot;
        boolean ssl;
        final Map<String, String> locations = new LinkedHashMap<>();

        Server(int port, String host, String documentRoot) {
            this.port = port;
            this.host = host;
            this.documentRoot = documentRoot;
        }
    }

    private void collect(List<ConfigNode> nodes, Server server, List<Server> servers, Map<Integer, Integer> ports,
            Set<String> indexNames, List<String> accessNames) {
        for (ConfigNode n : nodes) {
            switch (n.key()) {
                case "virtualhost": {
                    int port = -1;
                    for (String a : n.argList()) {
                        port = Math.max(port, ServerConfigRewrite.portOf(a));
                    }
                    // after the rewrite a vhost's address names its loopback port; "*" alone means the main one
                    int actual = port > 0 ? port : server.port;
                    if (!ports.containsValue(actual)) {
                        notes.add("<VirtualHost " + n.args() + "> at " + shown.apply(n.location())
                                + " is on no port the server listens on: not requested");
                        break;
                    }
                    String host = "localhost";
                    for (ConfigNode c : n.children()) {
                        if (c.key().equals("servername") && !c.argList().isEmpty()) {
                            host = c.argList().get(0).replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", "");
                        }
                    }
                    Server vhost = new Server(actual, host, null);
                    servers.add(vhost);
                    collect(n.children(), vhost, servers, ports, indexNames, accessNames);
                    break;
                }
                case "documentroot":
                    if (!n.argList().isEmpty()) {
                        server.documentRoot = n.argList().get(0);
                    }
                    break;
                case "sslengine":
                    server.ssl |= n.args().strip().equalsIgnoreCase("on");
                    break;
                case "directoryindex":
                    for (String a : n.argList()) {
                        if (!a.equalsIgnoreCase("disabled") && !a.contains("/")) {
                            indexNames.add(a);
                        }
                    }
                    break;
                case "accessfilename":
                    accessNames.addAll(n.argList());
                    break;
                case "location": {
                    List<String> a = n.argList();
                    // <Location ~ "regex">: no one path stands for it
                    if (a.size() == 1 && a.get(0).startsWith("/")) {
                        server.locations.putIfAbsent(a.get(0), "<Location " + a.get(0) + "> at " + shown.apply(n.location()));
                    } else {
                        notes.add("<Location " + n.args() + "> at " + shown.apply(n.location()) + " is a pattern: give --url for it");
                    }
                    collect(n.children(), server, servers, ports, indexNames, accessNames);
                    break;
                }
                case "locationmatch":
                    notes.add("<LocationMatch " + n.args() + "> at " + shown.apply(n.location()) + " is a pattern: give --url for it");
                    break;
                default:
                    if (n.isSection()) {
                        collect(n.children(), server, servers, ports, indexNames, accessNames);
                    }
            }
        }
    }

    private void walk(Server s, Path docRoot, Set<String> indexNames, List<String> accessNames) {
        if (!Files.isDirectory(docRoot)) {
            notes.add("DocumentRoot " + shown.apply(docRoot.toString()) + " does not exist here: only / is requested");
            return;
        }
        int[] seen = {0};
        try {
            Files.walkFileTree(docRoot, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                            if (++seen[0] > MAX_WALK) {
                                notes.add("DocumentRoot " + shown.apply(docRoot.toString()) + " holds more than " + MAX_WALK
                                        + " files: the rest are not looked at");
                                return FileVisitResult.TERMINATE;
                            }
                            String name = f.getFileName().toString();
                            String dirUrl = urlOf(docRoot, f.getParent());
                            if (accessNames.contains(name)) {
                                add(new Request(s.port, s.host, dirUrl, name + " in " + shown.apply(f.getParent().toString())));
                            } else if (indexNames.contains(name)) {
                                add(new Request(s.port, s.host, dirUrl, "DirectoryIndex of " + shown.apply(f.getParent().toString())));
                                add(new Request(s.port, s.host, dirUrl + name, "DirectoryIndex target " + shown.apply(f.toString())));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path f, IOException e) {
                            return FileVisitResult.CONTINUE; // an unreadable directory: the server may not read it either
                        }
                    });
        } catch (IOException e) {
            notes.add("DocumentRoot " + shown.apply(docRoot.toString()) + ": " + e.getMessage());
        }
    }

    /** The URL path of a directory under the document root, with a trailing slash and each segment escaped. */
    static String urlOf(Path docRoot, Path dir) {
        StringBuilder u = new StringBuilder("/");
        for (Path part : docRoot.relativize(dir)) {
            String p = part.toString();
            if (p.isEmpty()) {
                continue;
            }
            u.append(escape(p)).append('/');
        }
        return u.toString();
    }

    private static String escape(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && "%?#\"<>\\^`{|}".indexOf(c) < 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private void add(Request r) {
        String key = r.port() + " " + r.host() + " " + r.path();
        if (requests.containsKey(key)) {
            return;
        }
        if (requests.size() >= MAX_PROBES) {
            if (!truncated) {
                truncated = true;
                notes.add("more than " + MAX_PROBES + " requests: the rest are not sent");
            }
            return;
        }
        requests.put(key, r);
    }
}
