package dev.faultline.cli;

import dev.faultline.report.Terminal;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "faultline",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = {"Which config file, and which line, made the server crash?",
            "faultline reads strace logs, error logs and core dumps, or traces a running Apache itself, and names "
                + "the config file and line behind each crash or HTTP 5xx."},
        subcommands = {AnalyzeCommand.class, AttachCommand.class, RunCommand.class, ConfigtestCommand.class, CheckCommand.class,
            FixCommand.class, CoreCommand.class, EventsCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline demo",
            "      See an answer on bundled recordings.",
            "  faultline analyze trace.txt",
            "      Name the culprit in an strace -f log.",
            "  sudo faultline attach --pidfile /run/apache2/apache2.pid",
            "      Wait for the next crash of the running server.",
            "  faultline help analyze",
            "      Show the help of one command."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done; analyze/attach/core/run --exit-code=verdict: no incident found",
            "1:internal error in faultline",
            "2:bad command line",
            "3:trace file, process or command not found",
            "4:permission denied",
            "5:a directory was given instead of a file",
            "6:empty trace",
            "7:not a strace log (binary data, or no line of strace output)",
            "8:I/O error while reading",
            "9:output could not be written",
            "10:attach: the process is already traced by another tracer",
            "11:core: not an ELF file",
            "12:core: an ELF file but not a core dump",
            "13:core: truncated core",
            "14:core: corrupt core (a size or count contradicts the file)",
            "15:core: unsupported architecture (32-bit, big-endian, not x86_64/aarch64)",
            "16:core: corrupt or truncated compressed core",
            "20:analyze/attach/core/run --exit-code=verdict: an incident names a config culprit",
            "21:analyze/attach/core/run --exit-code=verdict: incidents, none names a config culprit",
            "70:run: the command crashed (a fatal fault signal), otherwise run exits with the command's own status; configtest: apache2 -t crashed",
            "71:configtest: apache2 -t failed without crashing (syntax error)",
            "72:fix, analyze --fix-format: no fix hint (none known, or the evidence is too weak)",
            "73:check: the candidate configuration has findings",
            "74:check: the check could not run",
            "75:fix: the fixed file fails apache2 -t (or php -l) on a copy; nothing written",
            "76:the launcher: no Java 17+ runtime, or the jar could not be built",
            "130:interrupted by Ctrl-C (SIGINT); attach and run detach and print what they saw first",
            "143:stopped by SIGTERM; attach and run detach and print what they saw first"})
public final class Main implements Runnable {

    @CommandLine.Mixin
    Verbosity verbosity;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (QuickVersion.print(args, System.out)) {
            System.exit(ExitCodes.OK);
        }
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code; every failure becomes one line on stderr. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> report(cmd.getErr(), ex));
        cl.setParameterExceptionHandler((ex, badArgs) -> usageError(ex));
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands Exceptions to the handler above, but lets an Error through
            return report(cl.getErr(), e);
        }
    }

    /**
     * A bad command line: what is wrong, the closest command or option when a name was mistyped, and where the help
     * is ("faultline analyze --help", the command's full name).
     */
    /** The message of picocli's HelpCommand for {@code faultline help NAME} when there is no such command. */
    private static final java.util.regex.Pattern UNKNOWN_HELP_TOPIC = java.util.regex.Pattern.compile("Unknown subcommand '(.*)'\\.");

    private static int usageError(CommandLine.ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException && !cmd.getSubcommands().isEmpty()) {
            List<String> unmatched = ((CommandLine.UnmatchedArgumentException) ex).getUnmatched();
            if (!unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
                message = "'" + unmatched.get(0) + "' is not a " + cmd.getCommandSpec().qualifiedName() + " command";
            }
        }
        err.println("faultline: " + Terminal.escape(message));
        java.util.regex.Matcher helpFor = UNKNOWN_HELP_TOPIC.matcher(ex.getMessage());
        if (helpFor.matches()) {
            // faultline help analyse: picocli's HelpCommand names no suggestion, so ask as for faultline analyse
            ex = new CommandLine.UnmatchedArgumentException(cmd, List.of(helpFor.group(1)));
        }
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
    }

    static int report(PrintWriter err, Throwable ex) {
        int code;
        String msg;
        if (ex instanceof UserError) {
            code = ((UserError) ex).exitCode;
            msg = ex.getMessage();
        } else if (ex instanceof dev.faultline.InputException) {
            code = ExitCodes.of(((dev.faultline.InputException) ex).failure);
            msg = ex.getMessage();
        } else if (ex instanceof UncheckedIOException || ex instanceof IOException) {
            code = ExitCodes.IO_ERROR;
            msg = "I/O error: " + (ex.getCause() != null && ex instanceof UncheckedIOException ? ex.getCause().getMessage() : ex.getMessage());
        } else if (ex instanceof OutOfMemoryError) {
            code = ExitCodes.INTERNAL;
            msg = "internal error: out of memory with a heap of " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB (please report this with the input's size and flags)";
        } else {
            code = ExitCodes.INTERNAL;
            msg = "internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (please report this)";
            if (System.getenv("FAULTLINE_DEBUG") != null) {
                ex.printStackTrace(err);
            }
        }
        err.println("faultline: " + Terminal.escape(msg));
        err.flush();
        return code;
    }
}
