package dev.faultline.cli;

import dev.faultline.report.TextStyle;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How the text report looks: --color and its alias --no-color (a picocli mixin of analyze, attach, run and demo).
 * The detail level comes from the one -v option every command has ({@link Verbosity}): -v adds the candidate table
 * and every signal, -vv also each thread's last file activities.
 */
final class TextOptions {
    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour the text report: auto (only on a terminal, never with NO_COLOR set or TERM=dumb), always or never.")
    String color;

    @Option(names = "--no-color", description = "No colour, even on a terminal: the same as --color=never (NO_COLOR is honoured too).")
    boolean noColor;

    /** The layout for a report written to {@code output} (null: stdout) at detail level {@code verbosity} (how many -v). */
    TextStyle style(Path output, int verbosity) {
        boolean terminal = output == null && System.console() != null;
        boolean colour;
        switch (noColor ? "never" : color) {
            case "always": colour = true; break;
            case "never": colour = false; break;
            case "auto":
                colour = terminal && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
                break;
            default:
                throw new UserError(ExitCodes.USAGE, "--color must be auto, always or never, not " + color);
        }
        return new TextStyle(output == null ? TextStyle.terminalWidth(terminal) : TextStyle.DEFAULT_WIDTH, colour, verbosity);
    }
}
