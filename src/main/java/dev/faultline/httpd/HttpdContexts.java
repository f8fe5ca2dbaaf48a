package dev.faultline.httpd;

import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ApacheConfigParser;
import dev.faultline.httpd.config.ConfigFiles;
import dev.faultline.httpd.config.ConfigWarning;
import dev.faultline.httpd.config.Envvars;
import dev.faultline.httpd.config.HttpdCommandLine;
import dev.faultline.httpd.modules.DirectiveCatalog;
import dev.faultline.httpd.modules.HttpdDistribution;
import dev.faultline.httpd.modules.ModuleReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Apache knowledge for one analysis from what is known of the server: its command line (the traced
 * execve, /proc/PID/cmdline, a core's psargs), a {@code --config} given by the user, and where its files are
 * ({@code --root}, or the disk). The main config is {@code --config}, else the command line's {@code -f}/{@code -d},
 * else httpd's compiled-in default (Debian's /etc/apache2/apache2.conf).
 */
public final class HttpdContexts {
    /** Debian's httpd executable, when the command line does not name one by path. */
    public static final String DEFAULT_EXECUTABLE = "/usr/sbin/apache2";

    private HttpdContexts() {
    }

    /**
     * @param evidence what the trace, capture or core shows of the server's command line and configuration files
     * @param config a configuration file given by the user, or null
     * @param root   a copy of the server's files (--root), or null for the live ones
     */
    public static HttpdContext load(ServerEvidence evidence, String config, Path root) {
        return load(evidence, config, root, false);
    }

    /** @param confirm settle a start-up crash between candidate lines by running apache2 -t on a private copy */
    public static HttpdContext load(ServerEvidence evidence, String config, Path root, boolean confirm) {
        List<String> argv = evidence.argv();
        String hint = evidence.configHint();
        dev.faultline.httpd.config.TracedConfigFiles files = new dev.faultline.httpd.config.TracedConfigFiles(root,
                evidence.fileTexts() == null ? java.util.Map.of() : evidence.fileTexts());
        String argv0 = argv != null && !argv.isEmpty() && argv.get(0) != null ? argv.get(0) : null;
        // an executable started by name (httpd -DFOREGROUND, found on PATH) is taken from /usr/sbin
        String exe = argv0 == null || !HttpdExecutable.isServer(argv) ? DEFAULT_EXECUTABLE
                : argv0.startsWith("/") ? argv0 : "/usr/sbin/" + argv0.substring(argv0.lastIndexOf('/') + 1);
        Path exeFile = files.locate(exe);
        dev.faultline.httpd.config.HttpdBuildDefaults defaults = exeFile == null ? null
                : dev.faultline.httpd.config.HttpdBuildDefaults.read(exeFile);
        HttpdCommandLine cl = HttpdCommandLine.parse(argv == null ? List.of("apache2") : argv,
                defaults != null ? defaults : dev.faultline.httpd.config.HttpdBuildDefaults.byName(exe));
        boolean argvSaysFile = argv != null && argv.stream().anyMatch(a -> a.startsWith("-f")) && !HttpdCommandLine.wasCut(argv);
        // the user's word, then the command line, then what the trace saw read first, then httpd's default
        String main = config != null ? config : argvSaysFile || hint == null ? cl.configFile() : hint;
        List<ModuleReader.ModuleInfo> staticModules = new ArrayList<>();
        if (exeFile != null) {
            staticModules.addAll(ModuleReader.readAll(exeFile, null));
        }
        ApacheConfigParser.Options opt = new ApacheConfigParser.Options();
        opt.serverRoot = cl.serverRoot();
        opt.defines.putAll(cl.defines());
        // Debian: apache2ctl sources envvars from the config directory before it starts httpd
        String envvars = cl.serverRoot() + "/envvars";
        if (files.exists(envvars)) {
            opt.env.put("APACHE_CONFDIR", cl.serverRoot());
            opt.env.putAll(Envvars.read(files, envvars));
        }
        if (!staticModules.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (ModuleReader.ModuleInfo m : staticModules) {
                if (m.sourceName() != null) {
                    names.add(m.sourceName());
                }
            }
            opt.staticModules = names;
        }
        // first pass: which modules load; then read again knowing their names, directives and read-time ones
        ApacheConfig first = new ApacheConfigParser(files, opt).parse(main);
        List<ModuleReader.ModuleInfo> loadOrder = new ArrayList<>(staticModules);
        for (ApacheConfig.LoadedModule m : first.loadedModules().values()) {
            Path so = files.locate(m.path());
            ModuleReader.ModuleInfo info = so == null ? null : ModuleReader.read(so, m.symbol());
            // the module as the server named it: a capture's or core's paths are the server's, not --root's
            loadOrder.add(info == null ? new ModuleReader.ModuleInfo(m.symbol(), null, m.path(), List.of(), "unreadable")
                    : new ModuleReader.ModuleInfo(info.symbol(), info.sourceName(), m.path(), relocate(info, m.path()), info.problem()));
        }
        DirectiveCatalog catalog = new DirectiveCatalog(loadOrder, HttpdDistribution.shippedFiles(exe));
        opt.moduleSourceName = catalog::sourceName;
        opt.knownDirective = catalog::isKnown;
        opt.readTime = catalog::readTime;
        ApacheConfig cfg = new ApacheConfigParser(files, opt).parse(main);
        HttpdContext ctx = new HttpdContext(cfg.tree(), main + (root == null ? "" : " under " + root), catalog,
                path -> {
                    byte[] b = files.read(path);
                    return b == null ? null : new String(b, StandardCharsets.UTF_8);
                },
                (path, text) -> new ApacheConfigParser(files, opt).parseHtaccess(path, text, cfg));
        ctx.config = cfg;
        ctx.configGuessed = config == null && argv == null && hint == null;
        Path filesRoot = files.locate(cfg.serverRoot());
        Path exePath = files.locate(exe);
        if (confirm && filesRoot != null && java.nio.file.Files.isDirectory(filesRoot) && java.nio.file.Files.isExecutable(Path.of(exe))) {
            Path envvarsFile = files.exists(envvars) ? files.locate(envvars) : null;
            List<String> defines = new ArrayList<>(cl.defines().keySet());
            // the executable that runs is this machine's: only the files come from --root
            ctx.confirmer = lines -> dev.faultline.httpd.configtest.CandidateCheck.confirm(filesRoot, cfg.serverRoot(), cfg.mainFile(),
                    Path.of(exe), envvarsFile, defines, lines);
        } else if (confirm) {
            ctx.note("--confirm: cannot run " + exe + " on a copy of " + cfg.serverRoot() + (exePath == null ? " (no executable)" : ""));
        }
        for (String d : files.drift()) {
            ctx.note(d);
        }
        for (ConfigWarning w : cfg.warnings()) {
            if (ctx.notes().size() < 5) {
                ctx.note("config: " + w);
            }
        }
        return ctx;
    }

    /** The commands with the module file named by the server's path (the catalog compares server paths). */
    private static List<dev.faultline.httpd.modules.ModuleCommand> relocate(ModuleReader.ModuleInfo info, String serverPath) {
        List<dev.faultline.httpd.modules.ModuleCommand> out = new ArrayList<>();
        for (var c : info.commands()) {
            out.add(new dev.faultline.httpd.modules.ModuleCommand(c.directive(), c.module(), serverPath, c.handler(), c.handlerAddr(),
                    c.reqOverride(), c.argsHow(), c.help()));
        }
        return out;
    }
}
