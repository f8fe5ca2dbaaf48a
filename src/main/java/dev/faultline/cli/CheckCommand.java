package dev.faultline.cli;

import dev.faultline.analysis.Candidate;
import dev.faultline.analysis.Evidence;
import dev.faultline.analysis.Incident;
import dev.faultline.analysis.Verdict;
import dev.faultline.capture.Tracer;
import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import dev.faultline.httpd.check.HttpProbe;
import dev.faultline.httpd.check.Probe;
import dev.faultline.httpd.check.ProbePlan;
import dev.faultline.httpd.check.ServerConfigRewrite;
import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ApacheConfigParser;
import dev.faultline.httpd.config.ConfigFiles;
import dev.faultline.httpd.configtest.ConfigCopy;
import dev.faultline.httpd.configtest.ConfigTestResult;
import dev.faultline.httpd.configtest.ConfigtestVerdict;
import dev.faultline.linux.LinuxNames;
import dev.faultline.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Check a candidate Apache configuration in CI: config test, then a throwaway server that is requested and traced.",
        description = {"A CI guard for a candidate Apache configuration.",
            "On a private copy, faultline runs apache2's config test (bisected to the file and line when it crashes), then starts "
                + "a throwaway httpd from it on a free 127.0.0.1 port under its tracer, and requests / of each server, every "
                + "<Location>, every directory that holds a .htaccess, every DirectoryIndex target and each --url.",
            "A crash, a 5xx or an error-log entry is a finding with the usual verdict (file:line, directive, module, evidence), "
                + "named by the paths you gave, never the copy's.",
            "The server is always stopped and the copy removed, on Ctrl-C too; if faultline itself is killed, the kernel kills "
                + "the server (PTRACE_O_EXITKILL, set only on servers faultline starts).",
            "Exits 0 when clean, 73 with findings, and 74 when the check could not run."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline check --config apache2/apache2.conf --format junit -o check.xml",
            "      Check a repository's configuration for CI."})
public final class CheckCommand implements Callable<Integer> {
    private static final Path DEBIAN_CONFIG = Path.of("/etc/apache2/apache2.conf");
    private static final Path DEBIAN_ENVVARS = Path.of("/etc/apache2/envvars");
    /** Sources envvars as apache2ctl does, moves its run/lock/log dirs into the copy, and sends apache2's output to a file. */
    private static final Pattern FPM_UNIX_LISTEN = Pattern.compile("\\s*listen\\s*=\\s*\"?(/[^\"\\s]+)\"?\\s*");
    private static final Pattern SYNTAX_ERROR = Pattern.compile("(?:Syntax error|AH\\d+: Syntax error) on line (\\d+) of ([^:]+):");

    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The candidate main config file (default ${DEFAULT-VALUE}); its ServerRoot directive, else its directory, is the tree copied.",
            defaultValue = "/etc/apache2/apache2.conf")
    Path config;

    @Option(names = "--root", paramLabel = "DIR",
            description = "The repository holds the server's files at their absolute paths under DIR (a mirror of /): "
                    + "the config's absolute paths are looked up there.")
    Path root;

    @Option(names = "--url", paramLabel = "PATH", description = "Also request PATH on the main server (repeatable).")
    List<String> urls = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "The result's format: text (default), json, junit or sarif.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the result to FILE (atomically) instead of stdout.")
    Path output;

    @Option(names = "--apache2", paramLabel = "BIN", defaultValue = "/usr/sbin/apache2", description = "The httpd binary (default ${DEFAULT-VALUE}).")
    Path apache2;

    @Option(names = "--envvars", paramLabel = "FILE",
            description = "Sourced before apache2 runs, as apache2ctl does (default: envvars beside the config, else /etc/apache2/envvars; skipped if missing).")
    Path envvars;

    @Option(names = "--php-fpm", paramLabel = "FILE",
            description = "Also start php-fpm (-F -y FILE) beside the server, for a config that hands PHP to it over "
                    + "FastCGI. FILE must be under the ServerRoot, so it is copied and relocated too (repeatable).")
    List<Path> phpFpm = new ArrayList<>();

    @Option(names = "--php-fpm-bin", paramLabel = "BIN", description = "The php-fpm binary (default: the first /usr/sbin/php-fpm*).")
    Path phpFpmBin;

    @Option(names = "-D", paramLabel = "NAME", description = "Define NAME for <IfDefine> (apache2 -D; repeatable).")
    List<String> defines = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Stop sending requests after SECONDS (default ${DEFAULT-VALUE}); the rest are reported as not sent, and the server is stopped as always.")
    int timeoutSeconds;

    @Option(names = "--max-runs", paramLabel = "N", defaultValue = "200", description = "Bisection budget in runs of apache2 -t (default ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--keep-recording", paramLabel = "DIR", hidden = true,
            description = "Copy the server's trace and logs into DIR before the copy is removed (for debugging check).")
    Path keepRecording;

    @Option(names = "--no-color", description = "No colour, even on a terminal (NO_COLOR is honoured too).")
    boolean noColor;

    /** The launched server's pid (it leads its own process group): what Ctrl-C and the timeouts kill. */
    private final AtomicInteger serverPid = new AtomicInteger();
    /** The private copy's directory: a process whose command line names it (php-fpm's master) is the server's too. */
    private final AtomicReference<Path> copyDir = new AtomicReference<>();

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json", "junit", "sarif").contains(format)) {
            throw new UserError(ExitCodes.USAGE, "--format must be text, json, junit or sarif, not " + format);
        }
        if (maxRuns < 1) {
            throw new UserError(ExitCodes.USAGE, "--max-runs must be 1 or more");
        }
        if (timeoutSeconds < 1) {
            throw new UserError(ExitCodes.USAGE, "--timeout must be 1 second or more");
        }
        if (root != null && !Files.isDirectory(root)) {
            throw new UserError(ExitCodes.NOT_FOUND, "--root " + root + ": no such directory");
        }
        for (String u : urls) {
            if (u.isEmpty() || u.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
                throw new UserError(ExitCodes.USAGE, "--url must be a path without spaces or control characters: "
                        + dev.faultline.report.Terminal.escape(u));
            }
        }
        CheckResult result = check();
        boolean color = !noColor && output == null && System.getenv("NO_COLOR") == null && System.console() != null;
        String text = switch (format) {
            case "json" -> dev.faultline.report.CheckJson.render(result);
            case "junit" -> dev.faultline.report.CheckJunit.render(result);
            case "sarif" -> dev.faultline.report.CheckSarif.render(result);
            default -> dev.faultline.report.CheckText.render(result, color);
        };
        AnalyzeCommand.emit(text, output);
        switch (result.outcome()) {
            case CLEAN: return ExitCodes.OK;
            case FINDINGS: return ExitCodes.CHECK_FINDINGS;
            default: return ExitCodes.CHECK_NOT_RUN;
        }
    }

    /** Where the candidate lies: its main file and ServerRoot as the repository has them, and the root as written. */
    private record Site(Path main, Path serverRoot, String writtenRoot) {
    }

    private Site site() throws IOException {
        if (!Files.isExecutable(apache2)) {
            throw new UserError(ExitCodes.NOT_FOUND, apache2 + ": no such executable (install apache2, or give --apache2 BIN)");
        }
        Path main = config;
        if (root != null && main.isAbsolute() && Files.exists(root.resolve(main.toString().substring(1)))) {
            main = root.resolve(main.toString().substring(1)); // as analyze --root: the mirrored file wins
        }
        if (Files.isDirectory(main)) {
            throw new UserError(ExitCodes.IS_DIRECTORY, "--config " + config + " is a directory");
        }
        if (!Files.isRegularFile(main)) {
            throw new UserError(ExitCodes.NOT_FOUND, "--config " + config + ": no such file");
        }
        if (!Files.isReadable(main)) {
            throw new UserError(ExitCodes.NO_PERMISSION, "--config " + config + ": permission denied");
        }
        main = main.toRealPath();
        Path written = main.equals(DEBIAN_CONFIG) ? Path.of("/etc/apache2") : ConfigtestCommand.serverRootOf(main);
        Path tree = written;
        if (root != null && written.isAbsolute()) {
            Path mirrored = root.resolve(written.toString().substring(1));
            if (Files.isDirectory(mirrored)) {
                tree = mirrored;
            }
        }
        if (!Files.isDirectory(tree)) {
            throw new UserError(ExitCodes.NOT_FOUND, "ServerRoot " + written + ": no such directory"
                    + (root == null ? " (give --root DIR when the repository mirrors the server's paths)" : " here or under --root"));
        }
        tree = tree.toRealPath();
        if (!main.startsWith(tree)) {
            throw new UserError(ExitCodes.USAGE, "the config file " + main + " is outside its ServerRoot " + tree
                    + "; check copies the ServerRoot only");
        }
        return new Site(main, tree, written.toString());
    }

    private CheckResult check() throws Exception {
        long start = System.nanoTime();
        Site site = site();
        List<String> notes = new ArrayList<>();
        if (!isRoot()) {
            notes.add("not run as root: the server runs as this user, so User/Group are not applied and a file the "
                    + "server's user could not read passes; run check as root in CI for permission checks");
        }
        Thread stopper = new Thread(this::killServer, "faultline-check-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try (ConfigCopy copy = ConfigCopy.forServer(site.serverRoot(), site.writtenRoot())) {
            notes.addAll(copy.notes());
            copyDir.set(copy.tempDir());
            Shown shown = new Shown(copy, site);
            return check(site, copy, shown, notes, start);
        } catch (IOException e) {
            return new CheckResult(shownPath(site.main()), shownPath(site.serverRoot()), List.of(), List.of(), notes,
                    elapsed(start), e.getMessage());
        } finally {
            killServer();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook runs anyway
            }
        }
    }

    private CheckResult check(Site site, ConfigCopy copy, Shown shown, List<String> notes, long start) throws Exception {
        List<Probe> probes = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        Path env = envvars != null ? envvars : Files.isReadable(site.serverRoot().resolve("envvars"))
                ? site.serverRoot().resolve("envvars") : DEBIAN_ENVVARS;
        List<String> defineArgs = new ArrayList<>();
        for (String d : defines) {
            defineArgs.add("-D");
            defineArgs.add(d);
        }
        for (String dir : List.of("logs", "run")) {
            Files.createDirectories(copy.root().resolve(dir)); // a repository rarely holds the empty dirs a server writes to
        }
        // 1. the throwaway server's config: loopback ports, and what it writes (logs, pid file, cores, runtime and
        // mutex files) inside the copy; apache2 -t checks some of those directories too
        Path copiedMain = copy.copyOf(site.main());
        Path work = copy.tempDir().resolve("server");
        ApacheConfig cfg = parse(copy, copiedMain);
        List<Path> files = new ArrayList<>();
        for (String f : cfg.files()) {
            Path p = Path.of(f);
            if (p.startsWith(copy.root()) && Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        ServerConfigRewrite rewrite;
        try {
            rewrite = ServerConfigRewrite.apply(files, work);
        } catch (IOException e) {
            return result(site, List.of(), List.of(), notes, start, e.getMessage());
        }
        notes.addAll(rewrite.notes());
        // 2. the config test, bisected when it crashes
        ConfigtestCommand test = new ConfigtestCommand();
        test.apache2 = apache2;
        test.envvars = env;
        test.maxRuns = maxRuns;
        ConfigtestVerdict ct = test.test(copy, site.main(), defineArgs, System.nanoTime());
        notes.addAll(ct.notes());
        probes.add(new Probe("configtest", "apache2 -t on the copy", -1, configtestResult(ct), ct.millis()));
        if (ct.test().outcome() != ConfigTestResult.Outcome.OK) {
            findings.add(configtestFinding(ct, shown));
            return result(site, probes, findings, notes, start, null);
        }
        cfg = parse(copy, copiedMain);
        ProbePlan plan = ProbePlan.of(cfg, rewrite.ports(), urls, shown::text);
        notes.addAll(plan.notes());
        // 3. the server, under the tracer, with every probe
        Path straceLog = copy.tempDir().resolve("server.strace");
        List<Path> fpmSockets = new ArrayList<>();
        Path script = startScript(site, copy, env, work, copiedMain, defineArgs, fpmSockets);
        // setsid: the server leads its own process group, which prefork signals whole at shutdown (not faultline's)
        List<String> command = List.of("/usr/bin/setsid", "/bin/sh", script.toString());
        Tracer.Options opt = new Tracer.Options();
        opt.mode = Tracer.Mode.FULL;
        opt.escalate = false;
        opt.seccomp = false; // every call stops, so the recorded log is whole (clone lines give the thread groups analyze needs)
        opt.recordAll = true;
        opt.stringCap = 1024;
        opt.maxCrashes = 0;
        opt.watchLogs = false;
        opt.sayIncidents = false;
        opt.killWithTracer = true;
        opt.atCrashStop = dev.faultline.httpd.HttpdLiveReader.INSTANCE;
        opt.onLaunched = serverPid::set;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread server = new Thread(() -> {
            try {
                LiveRun.run(opt, -1, command, 0, straceLog, true, null, null).printed.countDown();
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "faultline-check-server");
        server.setDaemon(true);
        long startMs = System.nanoTime();
        server.start();
        int firstPort = rewrite.ports().values().iterator().next();
        boolean up = false;
        long deadline = System.currentTimeMillis() + dev.faultline.Limits.CHECK_START_MILLIS;
        while (System.currentTimeMillis() < deadline && server.isAlive()) {
            if (Files.exists(rewrite.pidFile()) && HttpProbe.listening(firstPort)
                    && fpmSockets.stream().allMatch(Files::exists)) { // a traced php-fpm takes longer than httpd
                up = true;
                break;
            }
            Thread.sleep(50);
        }
        String startResult = up ? "listening on 127.0.0.1:" + firstPort
                : server.isAlive() ? "not listening after " + dev.faultline.Limits.CHECK_START_MILLIS / 1000 + " s"
                : "the server exited at start: " + lastLines(work.resolve("apache2.out"));
        probes.add(new Probe("start", "apache2 -DFOREGROUND on the copy, traced", -1, startResult, elapsed(startMs)));
        Map<String, ProbePlan.Request> byRequestLine = new LinkedHashMap<>();
        boolean noAnswer = false;
        long probeDeadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        boolean timedOut = false;
        for (ProbePlan.Request r : plan.requests()) {
            if (!up || !server.isAlive()) {
                probes.add(new Probe(r.name(), r.why(), -1, "not sent: the server is not running", 0));
                continue;
            }
            if (System.nanoTime() > probeDeadline) {
                timedOut = true;
                probes.add(new Probe(r.name(), r.why(), -1, "not sent: --timeout " + timeoutSeconds + " s elapsed", 0));
                continue;
            }
            HttpProbe.Answer a = HttpProbe.get(r.port(), r.host(), r.path(), dev.faultline.Limits.CHECK_REQUEST_MILLIS);
            noAnswer |= a.status() < 0;
            probes.add(new Probe(r.name(), r.why(), a.status(), a.result(), a.millis()));
            byRequestLine.putIfAbsent("GET " + r.path() + " HTTP/1.0", r);
        }
        if (timedOut) {
            notes.add("--timeout " + timeoutSeconds + " s elapsed before every request was sent: the rest were not checked");
        }
        if (noAnswer && server.isAlive()) {
            Thread.sleep(1200); // the parent reaps a crashed child once a second, and logs it then (AH00052)
        }
        stopServer(server);
        if (failed.get() != null) {
            Throwable t = failed.get();
            return result(site, probes, findings, notes, start, "the tracer failed: " + t.getMessage());
        }
        if (keepRecording != null) {
            Files.createDirectories(keepRecording);
            try (var written = Files.list(work)) {
                for (Path f : written.toList()) {
                    Files.copy(f, keepRecording.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(straceLog, keepRecording.resolve("server.strace"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // 4. the verdicts: the recorded trace with the server's own error and access logs, as analyze reads them
        Report report = analyze(straceLog, rewrite);
        notes.addAll(report.warnings);
        for (Incident inc : report.incidents) {
            findings.add(finding(inc, byRequestLine, up, shown));
        }
        for (Probe p : probes) {
            boolean bad = p.status() >= 500 || p.status() < 0 && p.name().startsWith("GET ") && !p.result().startsWith("not sent");
            if (bad && findings.stream().noneMatch(f -> f.probe().equals(p.name()))) {
                findings.add(new Finding(p.name(), p.status() >= 500 ? "http_error" : "crash", "unknown", null, 0, null, null,
                        p.result() + "; the trace and the error log name no cause", 0, List.of(), null));
            }
        }
        if (!up && findings.stream().noneMatch(f -> f.probe().equals("start"))) {
            findings.add(new Finding("start", "start", "unknown", null, 0, null, null, startResult, 0, List.of(), null));
        }
        return result(site, probes, findings, notes, start, null);
    }

    /** The result, with every quoted text redacted: each output (text, JSON, JUnit, SARIF) is made from it. */
    private CheckResult result(Site site, List<Probe> probes, List<Finding> findings, List<String> notes, long start, String couldNotRun) {
        List<Probe> p = probes.stream().map(x -> new Probe(x.name(), x.why(), x.status(), redact(x.result()), x.millis())).toList();
        List<Finding> f = findings.stream().map(CheckCommand::redacted).toList();
        List<String> n = notes.stream().map(CheckCommand::redact).toList();
        return new CheckResult(shownPath(site.main()), shownPath(site.serverRoot()), p, f, n, elapsed(start), redact(couldNotRun));
    }

    private static String redact(String s) {
        return dev.faultline.trace.Redactor.redact(s);
    }

    /** A finding whose quoted lines hold a secret keeps them masked, and offers no fix (a diff must quote its line). */
    private static Finding redacted(Finding f) {
        List<Finding.Evidence> ev = f.evidence().stream().map(e -> new Finding.Evidence(e.location(), redact(e.text()))).toList();
        String fix = f.fix() != null && !redact(f.fix()).equals(f.fix()) ? null : f.fix();
        return new Finding(f.probe(), f.kind(), f.verdict(), f.file(), f.line(), f.directive(), f.module(), redact(f.message()),
                f.confidence(), ev, fix);
    }

    /**
     * The script the traced shell runs: Debian's envvars sourced (its run, lock and log dirs moved into the copy), each
     * {@code --php-fpm} pool in the background, and apache2 in the foreground, its output in the copy. Every path is
     * single-quoted, so a path cannot be read as shell.
     */
    private Path startScript(Site site, ConfigCopy copy, Path env, Path work, Path copiedMain, List<String> defineArgs,
            List<Path> fpmSockets) throws IOException {
        StringBuilder sh = new StringBuilder();
        sh.append("if [ -r ").append(q(env.toString())).append(" ]; then . ").append(q(env.toString())).append("; fi\n");
        sh.append("export APACHE_RUN_DIR=").append(q(work.toString())).append(" APACHE_LOCK_DIR=").append(q(work.toString()))
                .append(" APACHE_LOG_DIR=").append(q(work.toString())).append(" APACHE_PID_FILE=").append(q(work.resolve("httpd.pid").toString()))
                .append('\n');
        StringBuilder apache = new StringBuilder(q(apache2.toString())).append(" -d ").append(q(copy.root().toString()))
                .append(" -f ").append(q(copiedMain.toString())).append(" -DFOREGROUND");
        for (String a : defineArgs) {
            apache.append(' ').append(q(a));
        }
        apache.append(" >").append(q(work.resolve("apache2.out").toString())).append(" 2>&1");
        if (phpFpm.isEmpty()) {
            sh.append("exec ").append(apache).append('\n');
        } else {
            Path bin = phpFpmBin != null ? phpFpmBin : defaultPhpFpm();
            int n = 0;
            for (Path conf : phpFpm) {
                Path located = root != null && conf.isAbsolute() && Files.exists(root.resolve(conf.toString().substring(1)))
                        ? root.resolve(conf.toString().substring(1)) : conf;
                if (!Files.isRegularFile(located)) {
                    throw new UserError(ExitCodes.NOT_FOUND, "--php-fpm " + conf + ": no such file");
                }
                located = located.toRealPath();
                if (!located.startsWith(site.serverRoot())) {
                    throw new UserError(ExitCodes.USAGE, "--php-fpm " + conf + " is outside the ServerRoot " + site.serverRoot()
                            + ": check copies the ServerRoot only");
                }
                Path pid = work.resolve("php-fpm-" + ++n + ".pid");
                for (String line : Files.readAllLines(copy.copyOf(located), java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    Matcher m = FPM_UNIX_LISTEN.matcher(line);
                    if (m.matches()) {
                        fpmSockets.add(Path.of(m.group(1))); // the pool is ready when its socket exists
                    }
                }
                // -F: in the foreground (no daemon to lose); -g: its pid file in the copy, not the live pool's
                sh.append(q(bin.toString())).append(" -F -y ").append(q(copy.copyOf(located).toString())).append(" -g ")
                        .append(q(pid.toString())).append(" >").append(q(work.resolve("php-fpm-" + n + ".out").toString()))
                        .append(" 2>&1 &\n");
            }
            sh.append(apache).append(" &\nwait\n");
        }
        Path script = work.resolve("start.sh");
        Files.writeString(script, sh.toString());
        return script;
    }

    private static Path defaultPhpFpm() {
        try (var bins = Files.list(Path.of("/usr/sbin"))) {
            return bins.filter(p -> p.getFileName().toString().startsWith("php-fpm")).sorted().findFirst()
                    .orElseThrow(() -> new UserError(ExitCodes.NOT_FOUND, "--php-fpm: no /usr/sbin/php-fpm* (install php-fpm, or give --php-fpm-bin BIN)"));
        } catch (IOException e) {
            throw new UserError(ExitCodes.NOT_FOUND, "--php-fpm: /usr/sbin cannot be read: " + e.getMessage());
        }
    }

    /** A single-quoted shell word. */
    private static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private ApacheConfig parse(ConfigCopy copy, Path copiedMain) {
        ApacheConfigParser.Options o = new ApacheConfigParser.Options();
        o.serverRoot = copy.root().toString();
        for (String d : defines) {
            o.defines.put(d, "");
        }
        Path env = copy.root().resolve("envvars");
        if (Files.isReadable(env)) {
            o.env.put("APACHE_CONFDIR", copy.root().toString());
            o.env.putAll(dev.faultline.httpd.config.Envvars.read(ConfigFiles.disk(), env.toString()));
        }
        return new ApacheConfigParser(ConfigFiles.disk(), o).parse(copiedMain.toString());
    }

    private Report analyze(Path straceLog, ServerConfigRewrite rewrite) throws Exception {
        AnalyzeCommand a = new AnalyzeCommand();
        a.traces = new ArrayList<>(List.of(straceLog.toString()));
        if (Files.isRegularFile(rewrite.errorLog()) && Files.size(rewrite.errorLog()) > 0) {
            a.errorLogs = new ArrayList<>(List.of(rewrite.errorLog().toString()));
        }
        if (Files.isRegularFile(rewrite.accessLog()) && Files.size(rewrite.accessLog()) > 0) {
            a.accessLogs = new ArrayList<>(List.of(rewrite.accessLog().toString()));
        }
        a.noAutoAccessLog = true;
        a.noAutoErrorLog = true;
        a.format = "json";
        return a.report();
    }

    private Finding finding(Incident inc, Map<String, ProbePlan.Request> byRequestLine, boolean up, Shown shown) {
        Verdict v = inc.verdict;
        String probe;
        ProbePlan.Request r = inc.requestLine == null ? null : byRequestLine.get(inc.requestLine.strip());
        if (r == null && inc.requestLine != null) {
            for (Map.Entry<String, ProbePlan.Request> e : byRequestLine.entrySet()) {
                if (inc.requestLine.startsWith(e.getKey().substring(0, e.getKey().length() - " HTTP/1.0".length()) + " ")) {
                    r = e.getValue();
                }
            }
        }
        if (r != null) {
            probe = r.name();
        } else if (!up || v != null && v.phase == dev.faultline.httpd.HttpdPhase.STARTUP) {
            probe = "start";
        } else {
            probe = "error log";
        }
        String kind = inc.fromErrorLog && inc.kind != Incident.Kind.CRASH ? "error_log" : inc.kind.label().replace('-', '_');
        Candidate c = v == null ? null : v.culprit;
        // a permission culprit is a whole file (the server may not read it): named without a line
        boolean named = c != null && v.kind != Verdict.Kind.CODE && v.kind != Verdict.Kind.UNKNOWN
                && (c.line != null || v.kind == Verdict.Kind.PERMISSION);
        String what = inc.kind == Incident.Kind.CRASH ? (inc.signal == null ? "signal unknown" : inc.signal)
                : "HTTP " + inc.status;
        String message = what.strip() + (v == null || v.reason == null ? "" : ": " + shown.text(v.reason));
        List<Finding.Evidence> evidence = new ArrayList<>();
        if (c != null) {
            for (Evidence e : c.evidence) {
                for (Evidence.LogLine l : e.log) {
                    if (evidence.size() < 8) {
                        evidence.add(new Finding.Evidence(shown.text(l.source) + ":" + l.line, shown.text(l.text)));
                    }
                }
            }
        }
        if (evidence.isEmpty() && inc.text != null) {
            evidence.add(new Finding.Evidence(shown.text(inc.source) + ":" + inc.line, shown.text(inc.text)));
        }
        return new Finding(probe, kind, v == null ? "unknown" : v.kind.label(), named ? shown.path(c.path) : null,
                named && c.line != null ? c.line : 0, v == null ? null : v.directive, v == null ? null : v.module, message,
                v == null ? 0 : v.confidence, evidence, named ? fixOf(inc.fix, shown) : null);
    }

    /**
     * The incident's fix on the user's files: a diff for {@code patch -p0} run where check ran (or a chmod line), read
     * against the original file, not the copy (whose server lines check rewrote), with the copy's root turned back
     * into the root the files write. Null when there is no hint or the original no longer matches it.
     */
    private static String fixOf(dev.faultline.httpd.fix.FixHint h, Shown shown) {
        if (h == null) {
            return null;
        }
        Path original = shown.copy.originalOf(Path.of(h.path()));
        String root = shown.copy.root().toString();
        String written = shown.copy.writtenRoot();
        dev.faultline.httpd.fix.FixHint onRepo = new dev.faultline.httpd.fix.FixHint(h.kind(), shown.path(h.path()), original,
                h.line(), h.oldLine() == null ? null : h.oldLine().replace(root, written),
                h.newLine() == null ? null : h.newLine().replace(root, written), h.access(), shown.text(h.explanation()), h.module());
        return onRepo.isEdit() ? dev.faultline.report.FixDiff.render(onRepo) : onRepo.shellCommand();
    }

    private static String configtestResult(ConfigtestVerdict ct) {
        ConfigTestResult t = ct.test();
        return switch (t.outcome()) {
            case OK -> "Syntax OK";
            case CRASHED -> "apache2 -t crashed (" + t.signal() + ")";
            default -> "apache2 -t failed (exit " + t.exitCode() + "): " + firstLine(ct.output());
        };
    }

    private Finding configtestFinding(ConfigtestVerdict ct, Shown shown) {
        if (ct.test().outcome() == ConfigTestResult.Outcome.CRASHED) {
            String file = ct.culpritFile() == null ? null : shownPath(ct.culpritFile());
            int line = ct.culprit() == null ? 0 : ct.culprit().firstLine();
            List<Finding.Evidence> ev = new ArrayList<>();
            if (ct.culprit() != null) {
                ev.add(new Finding.Evidence(file + ":" + line, ct.culprit().text()));
            }
            String directive = ct.culprit() == null ? null : ct.culprit().name();
            dev.faultline.model.CrashCapture crash = ct.test().crash();
            String module = shown.text(crash == null ? null : crash.crashModule != null ? crash.crashModule : crash.pcModule);
            // the bisection proved it: without this line apache2 -t does not crash, so commenting it out is the fix
            String fix = null;
            if (ct.culpritFile() != null && ct.culprit() != null) {
                fix = dev.faultline.httpd.fix.FixRules.crashingDirective(ct.culpritFile().toString(), line, directive,
                        module != null ? module : "its module", new dev.faultline.analysis.FileSource(null))
                        .map(h -> new dev.faultline.httpd.fix.FixHint(h.kind(), file, h.local(), h.line(), h.oldLine(),
                                h.newLine(), null, h.explanation(), h.module()))
                        .map(dev.faultline.report.FixDiff::render).orElse(null);
            }
            return new Finding("configtest", "configtest", file == null ? "unknown" : "config", file, line, directive, module,
                    "apache2 -t crashed (" + ct.test().signal() + ")" + (file == null ? "; bisection found no single line"
                            : "; without this line it does not"), file == null ? 0 : 0.95, ev, fix);
        }
        String out = ct.output() == null ? "" : ct.output();
        Matcher m = SYNTAX_ERROR.matcher(out);
        String file = null;
        int line = 0;
        if (m.find()) {
            line = Integer.parseInt(m.group(1));
            file = shownPath(Path.of(m.group(2)));
        }
        List<Finding.Evidence> ev = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank() && ev.size() < 8) {
                ev.add(new Finding.Evidence("apache2 -t", shown.text(l.strip())));
            }
        }
        return new Finding("configtest", "configtest", file == null ? "unknown" : "config", file, line, null, null,
                "apache2 -t failed: " + shown.text(firstLine(out)), file == null ? 0 : 0.9, ev, null);
    }

    /** Maps the copy's paths (and text naming them) to what the user gave: the repository's paths, relative when under the cwd. */
    private final class Shown {
        final ConfigCopy copy;
        final String shownRoot;

        Shown(ConfigCopy copy, Site site) {
            this.copy = copy;
            this.shownRoot = shownPath(site.serverRoot());
        }

        String path(String p) {
            Path original = copy.originalOf(Path.of(p));
            return shownPath(original);
        }

        String text(String t) {
            if (t == null) {
                return null;
            }
            // the recording is removed with the copy: its lines are named "trace:N" and "error.log:N"
            String r = t.replace(copy.tempDir().resolve("server.strace").toString(), "trace")
                    .replace(copy.tempDir().resolve("server").toString() + "/", "");
            for (String from : List.of(copy.root().toString(), copy.originalRoot().toString())) {
                r = r.replace(from + "/", shownRoot.equals(".") ? "" : shownRoot + "/").replace(from, shownRoot);
            }
            return r;
        }
    }

    /** A repository path as the user knows it: relative to the current directory when under it. */
    private static String shownPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        if (abs.startsWith(cwd)) {
            String rel = cwd.relativize(abs).toString();
            return rel.isEmpty() ? "." : rel;
        }
        return abs.toString();
    }

    private void stopServer(Thread server) throws InterruptedException {
        int pid = serverPid.get();
        if (pid > 0 && server.isAlive()) {
            // SIGTERM to the parent alone, as apache2 -k stop does: the MPM then stops its children its own way.
            // A SIGTERM sent to every child at once (the group) makes an event child that is still starting its
            // threads die of SIGSEGV, a crash check would then report. php-fpm leads a session of its own: its
            // master is found by its command line, which names the copy, and stops its workers itself.
            ProcessHandle.of(pid).ifPresent(h -> signal(h, LinuxNames.SIGTERM));
            signalCopyProcesses(LinuxNames.SIGTERM);
        }
        server.join(dev.faultline.Limits.CHECK_STOP_MILLIS);
        if (server.isAlive()) {
            killServer();
            server.join(dev.faultline.Limits.CHECK_STOP_MILLIS);
        }
    }

    /** SIGKILL to the server's whole process group (setsid made the server its leader) and php-fpm's; idempotent. */
    private void killServer() {
        int pid = serverPid.get();
        if (pid > 0) {
            Tracer.signalGroup(pid, LinuxNames.SIGKILL);
        }
        signalCopyProcesses(LinuxNames.SIGKILL);
    }

    /**
     * Signals the processes whose command line names the private copy (php-fpm's master titles itself with its
     * config's path), never faultline itself. SIGTERM goes to the leaders alone, those whose parent's command line
     * does not name the copy: each stops its own children. SIGKILL goes to every such process and its children.
     */
    private void signalCopyProcesses(int signal) {
        Path dir = copyDir.get();
        if (dir == null) {
            return;
        }
        boolean leadersOnly = signal != LinuxNames.SIGKILL;
        dev.faultline.capture.proc.ProcFs proc = dev.faultline.capture.proc.ProcFs.system();
        long self = ProcessHandle.current().pid();
        try {
            for (int pid : proc.pids()) {
                try {
                    if (pid == self || !namesCopy(proc, pid, dir)) {
                        continue;
                    }
                    if (leadersOnly) {
                        if (!namesCopy(proc, proc.status(pid).ppid(), dir)) {
                            ProcessHandle.of(pid).ifPresent(h -> signal(h, signal));
                        }
                        continue;
                    }
                    List<Integer> children = proc.children(pid);
                    ProcessHandle.of(pid).ifPresent(h -> signal(h, signal));
                    for (int c : children) {
                        ProcessHandle.of(c).ifPresent(h -> signal(h, signal));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            // /proc unreadable: the process group was signalled anyway
        }
    }

    private static boolean namesCopy(dev.faultline.capture.proc.ProcFs proc, int pid, Path dir) {
        try {
            return pid > 0 && String.join(" ", proc.cmdline(pid)).contains(dir.toString());
        } catch (IOException gone) {
            return false;
        }
    }

    private static void signal(ProcessHandle h, int signal) {
        if (signal == LinuxNames.SIGKILL) {
            h.destroyForcibly();
        } else {
            h.destroy(); // SIGTERM
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                return l.strip();
            }
        }
        return "";
    }

    private static String lastLines(Path f) {
        try {
            List<String> lines = Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1);
            return lines.isEmpty() ? "no output" : String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "no output";
        }
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
