package dev.faultline.httpd.check;

import dev.faultline.httpd.configtest.ConfigLines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a copied configuration into a throwaway server's: every {@code Listen} on a free 127.0.0.1 port (and each
 * {@code <VirtualHost>} address on the same port mapped alike), the pid file, error and access logs and core
 * directory inside the copy. Every line keeps its number (a replaced line is one line; a continuation's other
 * lines become empty), so a verdict's file:line is the user's file:line.
 */
public final class ServerConfigRewrite {
    private static final Pattern ADDRESS_PORT = Pattern.compile("^(\\[[^\\]]*\\]|[^:\\s]*):(\\d{1,5})$");

    /** The ports the server listens on: the configured port and the free loopback port that stands for it. */
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Path logs;

    private ServerConfigRewrite(Path logs) {
        this.logs = logs;
    }

    /** The configured port and its loopback stand-in, in Listen order. */
    public Map<Integer, Integer> ports() {
        return ports;
    }

    public List<String> notes() {
        return notes;
    }

    /** The error log every ErrorLog now writes to. */
    public Path errorLog() {
        return logs.resolve("error.log");
    }

    /** The access log every CustomLog/TransferLog now writes to. */
    public Path accessLog() {
        return logs.resolve("access.log");
    }

    public Path pidFile() {
        return logs.resolve("httpd.pid");
    }

    /** Rewrites {@code files} (the copy's config files, in read order) in place. */
    public static ServerConfigRewrite apply(List<Path> files, Path logs) throws IOException {
        Files.createDirectories(logs);
        ServerConfigRewrite r = new ServerConfigRewrite(logs);
        // Listen first, in every file: a VirtualHost may come before the Listen that names its port
        for (Path f : files) {
            r.rewrite(f, true);
        }
        for (Path f : files) {
            r.rewrite(f, false);
        }
        if (r.ports.isEmpty()) {
            // no Listen at all: httpd refuses to start (AH00015); give it one so the probes have a port
            throw new IOException("the configuration has no Listen directive: httpd would not start (AH00015)");
        }
        return r;
    }

    private void rewrite(Path f, boolean listenPass) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
        boolean changed = false;
        for (ConfigLines.Line l : ConfigLines.classify(lines)) {
            String name = l.name().toLowerCase(Locale.ROOT);
            String args = l.text().substring(l.name().length()).strip();
            String replaced = listenPass ? (name.equals("listen") ? listen(args) : null) : other(name, args);
            if (replaced == null) {
                continue;
            }
            String indent = lines.get(l.firstLine() - 1).replaceFirst("^(\\s*).*$", "$1");
            lines.set(l.firstLine() - 1, indent + replaced);
            for (int i = l.firstLine(); i < l.lastLine(); i++) {
                lines.set(i, ""); // the continuation lines of the replaced directive: numbering is kept
            }
            changed = true;
        }
        if (changed) {
            Files.write(f, lines, StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                    java.nio.file.StandardOpenOption.WRITE);
        }
    }

    private String listen(String args) throws IOException {
        String[] w = args.split("\\s+");
        int port = portOf(w[0]);
        if (port < 0) {
            notes.add("Listen " + args + ": not understood; left out of the throwaway server");
            return "# faultline check: " + "Listen " + args;
        }
        if (ports.containsKey(port)) {
            // two Listen lines for one port (on other addresses): both now mean 127.0.0.1, which httpd refuses twice
            return "# faultline check: Listen " + args;
        }
        ports.put(port, freePort());
        return "Listen 127.0.0.1:" + ports.get(port);
    }

    private String other(String name, String args) {
        switch (name) {
            case "pidfile":
                return "PidFile \"" + pidFile() + "\"";
            case "errorlog":
                return "ErrorLog \"" + errorLog() + "\"";
            case "customlog":
            case "transferlog": {
                String rest = args.startsWith("\"") ? args.replaceFirst("^\"(\\\\.|[^\"])*\"\\s*", "")
                        : args.replaceFirst("^\\S+\\s*", "");
                return (name.equals("customlog") ? "CustomLog" : "TransferLog") + " \"" + accessLog() + "\""
                        + (rest.isEmpty() ? "" : " " + rest);
            }
            case "coredumpdirectory":
                return "CoreDumpDirectory \"" + logs + "\"";
            case "defaultruntimedir":
                return "DefaultRuntimeDir \"" + logs + "\"";
            case "scoreboardfile":
                return "ScoreBoardFile \"" + logs.resolve("scoreboard") + "\"";
            case "mutex": {
                // file-based mutexes of a live server must not be shared: their directory moves into the copy
                String moved = args.replaceAll("(^|\\s)file:\\S+", "$1file:" + logs);
                return moved.equals(args) ? null : "Mutex " + moved;
            }
            case "<virtualhost": {
                String inner = args.endsWith(">") ? args.substring(0, args.length() - 1).strip() : args;
                StringBuilder out = new StringBuilder("<VirtualHost");
                for (String a : inner.split("\\s+")) {
                    int port = portOf(a);
                    out.append(' ').append(port >= 0 && ports.containsKey(port) ? "*:" + ports.get(port) : a);
                }
                return out.append('>').toString();
            }
            default:
                return null;
        }
    }

    /** The port of {@code 80}, {@code *:80}, {@code 1.2.3.4:80} or {@code [::1]:80}; -1 when there is none. */
    static int portOf(String address) {
        String a = address.startsWith("\"") && address.endsWith("\"") && address.length() > 1
                ? address.substring(1, address.length() - 1) : address;
        if (a.matches("\\d{1,5}")) {
            return Integer.parseInt(a);
        }
        Matcher m = ADDRESS_PORT.matcher(a);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** A port nothing listens on now (the kernel's pick): the server binds it a moment later. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
