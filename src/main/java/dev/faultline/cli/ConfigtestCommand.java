package dev.faultline.cli;

import dev.faultline.httpd.configtest.Bisector;
import dev.faultline.httpd.configtest.ConfigCopy;
import dev.faultline.httpd.configtest.ConfigLines;
import dev.faultline.httpd.configtest.ConfigTestResult;
import dev.faultline.httpd.configtest.ConfigTestRunner;
import dev.faultline.httpd.configtest.ConfigtestVerdict;
import dev.faultline.httpd.configtest.DumpIncludes;
import dev.faultline.report.ConfigtestReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "configtest", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Run apache2 -t on a private copy of the configuration and bisect a crash to its line.",
        description = {"Run apache2's own config test (apache2 -t, with Debian's envvars sourced) under faultline, on a private copy of the ServerRoot.",
            "If it crashes, bisect the copy (files, then single directives) to the file and line that make it crash.",
            "The live server and its files are never touched.",
            "Exits 0 if the configuration is fine, 70 if apache2 -t crashes, and 71 if it fails (a syntax error, say)."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline configtest",
            "      Test Debian's /etc/apache2/apache2.conf.",
            "  faultline configtest --config /srv/site/httpd.conf --format json",
            "      Test another configuration and print JSON."})
public final class ConfigtestCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    private static final Path DEBIAN_CONFIG = Path.of("/etc/apache2/apache2.conf");
    private static final Path DEBIAN_ROOT = Path.of("/etc/apache2");

    @Option(names = "--config", paramLabel = "FILE", description = "The main config file (default: -f in the apache2 args, else "
            + "/etc/apache2/apache2.conf).")
    Path config;

    @Option(names = "--apache2", paramLabel = "BIN", defaultValue = "/usr/sbin/apache2", description = "The httpd binary (default ${DEFAULT-VALUE}).")
    Path apache2;

    @Option(names = "--envvars", paramLabel = "FILE", defaultValue = "/etc/apache2/envvars",
            description = "Sourced before apache2 runs, as apache2ctl does (default ${DEFAULT-VALUE}; skipped if missing).")
    Path envvars;

    @Option(names = "--max-runs", paramLabel = "N", defaultValue = "200", description = "Bisection budget in runs of apache2 -t (default ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "The report's format: text (default) or json.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE (atomically) instead of stdout.")
    Path output;

    // configtest's text report has no colour yet; the option is accepted so that every report command takes the same ones
    @Option(names = "--no-color", description = "No colour, even on a terminal (NO_COLOR is honoured too).")
    boolean noColor;

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "More apache2 arguments (after --): -f FILE, -d DIR, -D NAME, -C/-c DIRECTIVE.")
    List<String> apacheArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError(ExitCodes.USAGE, "--format must be text or json, not " + format);
        }
        if (maxRuns < 1) {
            throw new UserError(ExitCodes.USAGE, "--max-runs must be 1 or more");
        }
        if (!Files.isExecutable(apache2)) {
            throw new UserError(ExitCodes.NOT_FOUND, apache2 + ": no such executable (install apache2, or give --apache2 BIN)");
        }
        List<String> passThrough = new ArrayList<>();
        String fArg = null;
        String dArg = null;
        for (int i = 0; i < apacheArgs.size(); i++) {
            String a = apacheArgs.get(i);
            if (a.equals("-k") || a.equals("-X")) {
                // -t makes apache2 exit after the test, but a server is never started from here, not even by mistake
                throw new UserError(ExitCodes.USAGE, "apache2 argument " + a + " starts or signals a server; configtest only runs -t");
            }
            boolean takesValue = a.equals("-f") || a.equals("-d");
            if (takesValue && i + 1 == apacheArgs.size()) {
                throw new UserError(ExitCodes.USAGE, "apache2 argument " + a + " needs a value");
            }
            if (a.equals("-f")) {
                fArg = apacheArgs.get(++i);
            } else if (a.equals("-d")) {
                dArg = apacheArgs.get(++i);
            } else if (!a.equals("-t")) {
                passThrough.add(a);
            }
        }
        Path root = dArg != null ? Path.of(dArg) : null;
        Path main = config != null ? config : fArg != null ? Path.of(fArg) : null;
        if (main == null) {
            main = root != null ? root.resolve("apache2.conf") : DEBIAN_CONFIG;
        } else if (!main.isAbsolute() && root != null) {
            main = root.resolve(main); // httpd resolves a relative -f against the ServerRoot
        }
        if (!Files.isRegularFile(main)) {
            throw new UserError(ExitCodes.NOT_FOUND, main + ": no such config file");
        }
        main = main.toRealPath();
        if (root == null) {
            root = serverRootOf(main);
        }
        if (!Files.isDirectory(root)) {
            throw new UserError(ExitCodes.NOT_FOUND, "ServerRoot " + root + ": no such directory");
        }
        root = root.toRealPath();
        if (!main.startsWith(root)) {
            throw new UserError(ExitCodes.USAGE, "the config file " + main + " is outside its ServerRoot " + root
                    + "; configtest copies the ServerRoot only (give -d DIR)");
        }
        long start = System.nanoTime();
        ConfigtestVerdict verdict;
        try (ConfigCopy copy = ConfigCopy.of(root)) {
            verdict = test(copy, main, passThrough, start);
        }
        String text = format.equals("json") ? ConfigtestReport.json(verdict) : ConfigtestReport.text(verdict);
        AnalyzeCommand.emit(text, output);
        switch (verdict.test().outcome()) {
            case OK: return ExitCodes.OK;
            case CRASHED: return ExitCodes.CRASHED;
            default: return ExitCodes.CONFIG_FAILS;
        }
    }

    ConfigtestVerdict test(ConfigCopy copy, Path main, List<String> passThrough, long start) throws IOException {
        Path copiedMain = copy.copyOf(main);
        List<String> apache = new ArrayList<>(List.of(apache2.toString(), "-d", copy.root().toString(), "-f",
                copiedMain.toString()));
        apache.addAll(passThrough);
        apache.add("-t");
        ConfigTestRunner runner = new ConfigTestRunner(Files.isReadable(envvars) ? envvars : null,
                copy.tempDir().resolve("apache2.out"));
        List<String> notes = new ArrayList<>(copy.notes());
        ConfigTestResult first = runner.traced(apache);
        String output = copy.toOriginal(first.output());
        if (first.outcome() != ConfigTestResult.Outcome.CRASHED) {
            return new ConfigtestVerdict(main, copy.originalRoot(), first, output, null, null, null, null,
                    runner.runs(), elapsedMs(start), notes);
        }
        List<String> dump = new ArrayList<>(apache);
        dump.addAll(apache.size() - 1, List.of("-D", "DUMP_INCLUDES"));
        List<Path> files = DumpIncludes.parse(runner.plain(dump));
        files.removeIf(f -> !f.startsWith(copy.root()));
        if (files.isEmpty()) {
            notes.add("apache2 -D DUMP_INCLUDES listed no file; only the main file is bisected");
            files.add(copiedMain);
        }
        Bisector.Result b = new Bisector(copy, () -> runner.traced(apache), first.identity(), maxRuns).bisect(files);
        notes.addAll(b.notes());
        Path implicated = b.implicatedFile() == null ? null : copy.originalOf(b.implicatedFile());
        Path culpritFile = b.culprit() == null ? null : copy.originalOf(b.culprit().file());
        ConfigLines.Line culprit = b.culprit() == null ? null : b.culprit().line();
        return new ConfigtestVerdict(main, copy.originalRoot(), first, output, b, implicated, culpritFile, culprit,
                runner.runs(), elapsedMs(start), notes);
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The first ServerRoot line of the main file, else Debian's /etc/apache2 for its own file, else its directory. */
    static Path serverRootOf(Path main) throws IOException {
        List<String> lines = Files.readAllLines(main, StandardCharsets.ISO_8859_1);
        for (ConfigLines.Line l : ConfigLines.classify(lines)) {
            if (l.name().toLowerCase(Locale.ROOT).equals("serverroot")) {
                String arg = l.text().substring(l.name().length()).strip();
                if (arg.length() > 1 && arg.startsWith("\"") && arg.endsWith("\"")) {
                    arg = arg.substring(1, arg.length() - 1);
                }
                return Path.of(arg);
            }
        }
        return main.equals(DEBIAN_CONFIG) ? DEBIAN_ROOT : main.getParent();
    }
}
