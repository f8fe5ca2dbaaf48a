package dev.faultline.httpd.accesslog;

import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ConfigNode;
import dev.faultline.httpd.config.ConfigWarning;
import dev.faultline.httpd.config.ConfigWords;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The access logs a configuration writes: every {@code CustomLog}, {@code TransferLog} and {@code GlobalLog},
 * at server level and per {@code <VirtualHost>}, with the format each really uses, resolved as mod_log_config
 * does once the whole configuration is read: a nickname means the last {@code LogFormat "..." nick} of that name
 * (a virtual host's own nicknames over the server's), TransferLog takes the last nicknameless LogFormat (the
 * host's, else the server's, else httpd's built-in {@link AccessLogFormat#HTTPD_DEFAULT_FORMAT}).
 *
 * <p>Remember when reading the list that a virtual host with a log of its own does not also write the server's
 * logs (GlobalLog excepted). Reads the {@link ApacheConfig} model only; problems become located warnings.
 */
public final class CustomLogs {

    /**
     * One log directive.
     *
     * @param directive   the CustomLog/TransferLog/GlobalLog line (its file:line is {@code directive.location()})
     * @param virtualHost the enclosing {@code <VirtualHost>} section, or null at server level
     * @param target      the file, made absolute under ServerRoot; for a piped log the command after the {@code |}
     * @param piped       whether lines go to a program rather than a file
     * @param unreadable  why faultline cannot read this log ("" when it can)
     * @param format      the format the lines are written in
     * @param condition   {@code env=[!]VAR} or {@code expr=...} limiting which requests are logged, "" when all are
     */
    public record CustomLog(ConfigNode directive, ConfigNode virtualHost, String target, boolean piped,
            String unreadable, AccessLogFormat format, String condition) {

        /** Whether only some requests are logged ({@code env=} or {@code expr=}). */
        public boolean conditional() {
            return !condition.isEmpty();
        }
    }

    private static final String GLOBAL_LOG = "globallog";
    private static final Set<String> LOG_DIRECTIVES = Set.of("customlog", "transferlog", GLOBAL_LOG);
    private static final String LOG_FORMAT = "logformat";
    private static final String VIRTUAL_HOST = "virtualhost";

    private final List<CustomLog> logs = new ArrayList<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();

    private CustomLogs() {
    }

    /** Lists the logs of {@code config}, in configuration order. */
    public static CustomLogs of(ApacheConfig config) {
        CustomLogs out = new CustomLogs();
        Formats server = new Formats();
        server.nicknames.put(AccessLogFormat.HTTPD_DEFAULT_NICKNAME, AccessLogFormat.HTTPD_DEFAULT_FORMAT);
        List<ConfigNode> all = new ArrayList<>();
        for (ConfigNode top : config.tree()) {
            collect(top, all);
        }
        Map<ConfigNode, Formats> hosts = new LinkedHashMap<>();
        // first every LogFormat, since httpd resolves nicknames only after the whole configuration is read
        for (ConfigNode n : all) {
            if (n.key().equals(LOG_FORMAT) && out.placed(n)) {
                ConfigNode host = virtualHostOf(n);
                Formats f = host == null ? server : hosts.computeIfAbsent(host, h -> new Formats());
                f.define(n, out);
            }
        }
        for (ConfigNode n : all) {
            if (LOG_DIRECTIVES.contains(n.key()) && out.placed(n)) {
                ConfigNode host = virtualHostOf(n);
                if (host != null && n.key().equals(GLOBAL_LOG)) {
                    out.warn(n, "GlobalLog is for the main server only, not inside <VirtualHost>; httpd refuses it");
                    continue;
                }
                Formats own = host == null ? null : hosts.get(host);
                out.add(n, host, config.serverRoot(), server, own);
            }
        }
        return out;
    }

    public List<CustomLog> logs() {
        return Collections.unmodifiableList(logs);
    }

    /** Located problems: a misplaced or malformed directive, a format httpd would refuse, an undefined ${VAR}. */
    public List<ConfigWarning> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One server's LogFormat state: nickname → format, and the nicknameless default (null: none set). */
    private static final class Formats {
        final Map<String, String> nicknames = new LinkedHashMap<>();
        String defaultFormat;

        void define(ConfigNode n, CustomLogs out) {
            List<String> args = n.argList();
            if (args.isEmpty() || args.size() > 2) {
                out.warn(n, "LogFormat takes a format and an optional nickname; ignored");
            } else if (args.size() == 2) {
                nicknames.put(args.get(1), args.get(0));
                // httpd checks a nicknamed format where it is defined, used or not
                AccessLogFormat.compile(args.get(0)).warnings().forEach(w -> out.warn(n, w));
            } else {
                // the one-argument form may name an earlier nickname instead of spelling a format
                defaultFormat = nicknames.getOrDefault(args.get(0), args.get(0));
            }
        }
    }

    private void add(ConfigNode n, ConfigNode host, String serverRoot, Formats server, Formats own) {
        List<String> args = n.argList();
        boolean transfer = n.key().equals("transferlog");
        // GlobalLog takes CustomLog's arguments; at server level it is also written for hosts with logs of their own
        if (transfer ? args.size() != 1 : args.size() < 2 || args.size() > 3) {
            warn(n, n.name() + " takes " + (transfer ? "a file" : "a file, a format and an optional env=/expr= condition")
                    + "; httpd refuses this line");
            if (args.isEmpty()) {
                return;
            }
        }
        Map<String, String> nicknames = new LinkedHashMap<>(server.nicknames);
        if (own != null) {
            nicknames.putAll(own.nicknames); // a host's nicknames overlay the server's
        }
        AccessLogFormat format;
        if (transfer || args.size() < 2) {
            String def = own != null && own.defaultFormat != null ? own.defaultFormat : server.defaultFormat;
            format = AccessLogFormat.resolve(def == null ? AccessLogFormat.HTTPD_DEFAULT_FORMAT : def, nicknames);
        } else {
            format = AccessLogFormat.resolve(args.get(1), nicknames);
        }
        for (String w : format.warnings()) {
            warn(n, w);
        }
        String condition = !transfer && args.size() > 2 ? args.get(2) : "";
        if (!condition.isEmpty() && !condition.regionMatches(true, 0, "env=", 0, 4)
                && !condition.regionMatches(true, 0, "expr=", 0, 5)) {
            warn(n, "the third argument must be env=... or expr=...; httpd refuses \"" + condition + "\"");
        }
        String where = args.get(0);
        if (where.contains("${")) {
            warn(n, "undefined variable in " + where + " (read the configuration with the server's environment: Debian's /etc/apache2/envvars)");
        }
        if (where.startsWith("|")) {
            String command = where.replaceFirst("^\\|(\\||\\$)?", "").strip();
            logs.add(new CustomLog(n, host, command, true, pipedReason(command), format, condition));
        } else {
            String file = where.startsWith("/") ? where : serverRoot + "/" + where;
            logs.add(new CustomLog(n, host, file, false, "", format, condition));
        }
    }

    /** Why a piped log cannot be read, naming the files when the program is rotatelogs. */
    private static String pipedReason(String command) {
        String why = "a piped log: httpd writes the lines to the program's stdin, and only the program knows where they go";
        List<String> words = ConfigWords.split(command);
        if (!words.isEmpty() && words.get(0).endsWith("rotatelogs")) {
            for (int i = 1; i < words.size(); i++) {
                String w = words.get(i);
                if (w.equals("-L") || w.equals("-p") || w.equals("-n")) {
                    i++; // an option with a value
                } else if (!w.startsWith("-")) {
                    return why + "; rotatelogs writes files named " + w + " (a strftime pattern when it has %): read those";
                }
            }
        }
        return why;
    }

    /** False (with a warning) for a log directive in a section other than VirtualHost, where httpd refuses it. */
    private boolean placed(ConfigNode n) {
        for (ConfigNode scope : n.scopes()) {
            if (!scope.key().equals(VIRTUAL_HOST)) {
                warn(n, n.name() + " is not allowed inside <" + scope.name() + "> (" + scope.location() + "); httpd refuses it");
                return false;
            }
        }
        return true;
    }

    private static ConfigNode virtualHostOf(ConfigNode n) {
        for (ConfigNode p = n.parent(); p != null; p = p.parent()) {
            if (p.isSection() && p.key().equals(VIRTUAL_HOST)) {
                return p;
            }
        }
        return null;
    }

    private static void collect(ConfigNode n, List<ConfigNode> out) {
        out.add(n);
        for (ConfigNode c : n.children()) {
            collect(c, out);
        }
    }

    private void warn(ConfigNode n, String message) {
        warnings.add(new ConfigWarning(n.file(), n.line(), message));
    }
}
