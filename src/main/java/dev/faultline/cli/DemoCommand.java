package dev.faultline.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Analyze bundled real recordings to show what an answer looks like.",
        description = {"Analyze bundled real recordings from fixtures/: a config crash, a server-level <Location> that crashes Apache's children, and a WordPress-style missing include behind a real Apache."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline demo",
            "      Show the answers as text.",
            "  faultline demo --format json",
            "      Print the reports as one JSON array."})
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;


    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "The reports' format: text (default), or json for one JSON array that holds the three reports.")
    String format;

    @Option(names = "--no-color", description = "No colour, even on a terminal (NO_COLOR is honoured too).")
    boolean noColor;

    @Override
    public Integer call() throws Exception {
        boolean json = AnalyzeCommand.reportFormat(format) == dev.faultline.report.ReportFormat.JSON;
        // JSON: stdout is one document (an array of the reports); the titles go to stderr
        java.io.PrintStream titles = json ? System.err : System.out;
        List<String> jsonReports = new java.util.ArrayList<>();
        Path repo = repoRoot();
        List<String[]> demos = List.of(
                new String[] {"confsrv crashes on a bad directive in an included file (strace -f -tt -T)",
                    "fixtures/config-open/f_tt_T.txt"},
                new String[] {"Apache children crash at request time on a directive in a server-level <Location> they never read (strace -f -tt -T -yy -s 1024)",
                    "fixtures/httpd/location-handler-prefork/f.txt", "fixtures/httpd/location-handler-prefork/snapshot"},
                new String[] {"Apache + mod_php answers 500: a WordPress-style require_once of a misspelled file (strace -f -tt -T -yy -s 1024)",
                    "fixtures/apache/php-missing-include/f_tt_T_yy_s1024.txt"});
        for (String[] d : demos) {
            Path trace = repo.resolve(d[1]);
            if (!Files.isRegularFile(trace)) {
                throw new UserError(ExitCodes.NOT_FOUND, "demo recording missing: " + trace + " (run from a faultline checkout)");
            }
            titles.println("=== " + d[0]);
            titles.println("=== $ faultline analyze " + (d.length > 2 ? "--root " + d[2] + " " : "") + d[1]);
            AnalyzeCommand a = new AnalyzeCommand();
            a.traces = List.of(trace.toString());
            if (d.length > 2) {
                a.root = repo.resolve(d[2]); // the recorded server's files: its configuration and module
            }
            a.format = format;
            a.noColor = noColor;
            if (json) {
                dev.faultline.report.Report report = a.report();
                report.warnings.forEach(w -> System.err.println("faultline: warning: " + dev.faultline.report.Terminal.escape(w)));
                jsonReports.add(dev.faultline.report.JsonReport.render(report).strip());
                continue;
            }
            int rc = a.call();
            if (rc != 0) {
                return rc;
            }
            System.out.println();
        }
        if (json) {
            AnalyzeCommand.emit("[\n" + String.join(",\n", jsonReports) + "\n]\n", null);
        }
        return ExitCodes.OK;
    }

    /** The checkout this jar was built in: FAULTLINE_HOME from the launcher, else the current directory. */
    static Path repoRoot() {
        String home = System.getenv("FAULTLINE_HOME");
        return home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    }
}
