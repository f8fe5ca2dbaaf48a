package dev.faultline.cli;

import dev.faultline.report.Terminal;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "faultline",
        mixinStandardHelpOptions = true,
        version = "faultline 0.1.0",
        description = "Which config file, and which line, made the server crash?",
        subcommands = {AnalyzeCommand.class, AttachCommand.class, RunCommand.class, ConfigtestCommand.class, CheckCommand.class, FixCommand.class, CoreCommand.class, EventsCommand.class, DemoCommand.class},
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
            "130:attach/run: stopped by Ctrl-C (SIGINT) after detaching and printing the report",
            "143:attach/run: stopped by SIGTERM after detaching and printing the report"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code; every failure becomes one line on stderr. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> report(cmd.getErr(), ex));
        cl.setParameterExceptionHandler((ex, args2) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("faultline: " + Terminal.escape(ex.getMessage()));
            err.println("Try 'faultline " + ex.getCommandLine().getCommandName() + " --help' for usage.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cl.execute(args);
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
            msg = "internal error: out of memory (please report this with the trace's size and flags)";
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
