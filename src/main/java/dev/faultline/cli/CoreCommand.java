package dev.faultline.cli;

import dev.faultline.core.CoreAnalysis;
import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreInputException;
import dev.faultline.core.CoreReport;
import dev.faultline.core.CoreSource;
import dev.faultline.core.ElfFormatException;
import dev.faultline.httpd.HttpdCoreReader;
import dev.faultline.httpd.HttpdCrashFacts;
import dev.faultline.httpd.HttpdPhase;
import dev.faultline.report.CoreJson;
import dev.faultline.report.CoreText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "core", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Read an ELF core dump: the signal, the crashing thread and its backtrace, and a crash signature.",
        description = {"Read an ELF core dump (plain, or systemd-coredump's .zst, .lz4 or .xz).",
            "It shows the signal and the real fault address (recovered from the kernel's signal frame when httpd re-raised the signal), the crashing thread, its backtrace with trust levels, the modules with their build-ids, and a crash signature for deduplication."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline core /var/lib/systemd/coredump/core.apache2.0.abc.1234.zst",
            "      Read a systemd-coredump core.",
            "  faultline core --pid 1234 --format json",
            "      Find the core of crashed pid 1234 and print JSON."})
public final class CoreCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;


    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The core file.")
    Path file;

    @Option(names = "--pid", paramLabel = "PID", description = "Find the core of this crashed process (coredumpctl, core_pattern, --dir).")
    Integer pid;

    @Option(names = "--dir", paramLabel = "DIR", description = "Also look here for --pid's core (e.g. httpd's CoreDumpDirectory).")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--exe", paramLabel = "PATH", description = "Read the executable from PATH instead of the path the core names.")
    Path exe;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "The report's format: text (default) or json.")
    String format;

    @Option(names = "--allow-truncated", description = "Read a truncated core as far as it goes.")
    boolean allowTruncated;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE (atomically) instead of stdout.")
    Path output;

    // core's text report has no colour yet; the option is accepted so that every report command takes the same ones
    @Option(names = "--no-color", description = "No colour, even on a terminal (NO_COLOR is honoured too).")
    boolean noColor;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError(ExitCodes.USAGE, "--format must be text or json, not " + format);
        }
        if ((file == null) == (pid == null)) {
            throw new UserError(ExitCodes.USAGE, "give either a core FILE or --pid PID");
        }
        Path path = file;
        String how = null;
        if (pid != null) {
            CoreLocatorBridge.Found found = CoreLocatorBridge.find(pid, dirs);
            path = found.path();
            how = found.how();
        }
        if (exe != null && !Files.isRegularFile(exe)) {
            throw new UserError(ExitCodes.NOT_FOUND, "--exe " + exe + ": no such file");
        }
        CoreReport report = read(path, exe, allowTruncated, null).report();
        if (how != null) {
            System.err.println("faultline: core of pid " + pid + ": " + dev.faultline.report.Terminal.escape(how));
        }
        String text = format.equals("json") ? CoreJson.render(report) : CoreText.render(report);
        AnalyzeCommand.emit(text, output);
        // a core is always a crash: 20 when httpd's memory names the directive that ran, else 21
        return CoreText.namesCulprit(report) ? ExitCodes.CULPRIT_NAMED : ExitCodes.INCIDENTS_WITHOUT_CULPRIT;
    }

    /** A core's report, and what httpd's memory in it says about the crash. */
    public record Read(CoreReport report, HttpdCrashFacts httpd) {
    }

    /** Opens (decompressing if needed), reads and analyses one core; every input problem becomes a CoreInputException. */
    /** @param root a copy of the crashed machine's files (analyze --root): a module found there is read from there */
    public static Read read(Path path, Path exe, boolean allowTruncated, Path root) throws CoreInputException {
        try (CoreSource source = CoreSource.open(path)) {
            Map<String, Path> substitutes = new HashMap<>();
            try (CoreFile core = CoreFile.open(source.path(), substitutes, allowTruncated)) {
                if (root != null) {
                    for (dev.faultline.core.FileMapping m : core.files()) {
                        Path copy = m.path().startsWith("/") ? root.resolve(m.path().substring(1)) : null;
                        if (copy != null && Files.isRegularFile(copy)) {
                            substitutes.put(m.path(), copy);
                        }
                    }
                }
                if (exe != null && core.executable() != null) {
                    substitutes.put(core.executable(), exe);
                }
                CoreReport report = CoreAnalysis.analyze(core, path.toString(), source.compression(), dev.faultline.httpd.HttpdFrames.ROLES);
                List<String> functions = new ArrayList<>();
                for (dev.faultline.core.Frame f : report.backtrace()) {
                    functions.add(f.function());
                }
                HttpdPhase.Stage stage = HttpdPhase.stageOf(functions);
                report = stage == null ? report : report.withPhase(stage.label);
                HttpdCoreReader.Result httpd = HttpdCoreReader.read(core, report);
                return new Read(httpd.report(), httpd.facts());
            } catch (ElfFormatException e) {
                throw new CoreInputException(e.truncated ? CoreInputException.Reason.TRUNCATED : CoreInputException.Reason.CORRUPT,
                        path + ": " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new CoreInputException(CoreInputException.Reason.IO, path + ": " + e.getMessage());
            }
        }
    }
}
