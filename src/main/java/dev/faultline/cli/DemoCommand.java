package dev.faultline.cli;

import dev.faultline.report.JsonReport;
import dev.faultline.report.Report;
import dev.faultline.report.TextReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One screen that teaches: the answer faultline gives for a real recorded incident (line 1), then the commands that
 * recorded and analyzed it, as they would be typed for a live server, then the next steps.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Show on one screen what faultline answers for a real recorded incident.",
        description = {"Show on one screen what faultline answers for a real recorded incident (Apache's children crashing on a directive in a server-level <Location>).",
            "Then show the commands that would record and analyze your own, and the next steps."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline demo",
            "      Show the answer as text, with the commands to use on a real server.",
            "  faultline demo --format json",
            "      Print the recording's report as one JSON document."})
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    /** The recording the demo analyzes: Apache's prefork children crash on a directive in a server-level <Location>. */
    static final String TRACE = "fixtures/httpd/location-handler-prefork/f.txt";
    /** The recorded server's files (its configuration and module), read in place of the live /etc/apache2. */
    static final String ROOT = "fixtures/httpd/location-handler-prefork/snapshot";

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "The format: text (default), or json for the recording's report as one JSON document.")
    String format;

    @Mixin
    TextOptions text = new TextOptions();

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError(ExitCodes.USAGE, "--format must be text or json, not " + format);
        }
        Path repo = repoRoot();
        Path trace = repo.resolve(TRACE);
        if (!Files.isRegularFile(trace)) {
            throw new UserError(ExitCodes.NOT_FOUND, "demo recording missing: " + trace + " (run from a faultline checkout)");
        }
        AnalyzeCommand a = new AnalyzeCommand();
        a.traces = List.of(trace.toString());
        a.root = repo.resolve(ROOT);
        Report report = a.report();
        if (format.equals("json")) {
            // JSON only, so the output is one valid document
            AnalyzeCommand.emit(JsonReport.render(report), null);
            return ExitCodes.OK;
        }
        StringBuilder sb = new StringBuilder(new TextReport(text.style(null, verbosity.level())).render(report));
        sb.append('\n')
          .append("That was a real incident, recorded: Apache's children crash on GET /app/x. On your server:\n")
          .append("  $ strace -f -tt -T -yy -s 1024 -o f.txt -p \"$(cat /run/apache2/apache2.pid)\"   # until it crashes\n")
          .append("  $ faultline analyze f.txt\n")
          .append("  (the demo ran it in fixtures/httpd/location-handler-prefork: analyze --root snapshot f.txt)\n")
          .append("  (or in one step: faultline attach --pidfile /run/apache2/apache2.pid)\n")
          .append("Exit code ").append(ExitCodes.of(report)).append(": a config culprit was named (21: incidents without one, 0: none).\n")
          .append("Next:\n")
          .append("  faultline analyze --format markdown f.txt > postmortem.md   # the postmortem draft\n")
          .append("  faultline check --config /etc/apache2/apache2.conf          # in CI, before the next reload\n")
          .append("  faultline analyze -v f.txt                                  # every candidate and signal\n");
        int width = text.style(null, verbosity.level()).width();
        StringBuilder out = new StringBuilder();
        for (String line : sb.toString().split("\n")) {
            out.append(dev.faultline.report.TextStyle.clip(line, width)).append('\n');
        }
        AnalyzeCommand.emit(out.toString(), null);
        return ExitCodes.OK;
    }

    /** The checkout this jar was built in: FAULTLINE_HOME from the launcher, else the current directory. */
    static Path repoRoot() {
        String home = System.getenv("FAULTLINE_HOME");
        return home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    }
}
