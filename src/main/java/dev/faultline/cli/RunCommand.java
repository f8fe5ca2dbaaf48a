package dev.faultline.cli;

import dev.faultline.linux.LinuxNames;
import dev.faultline.capture.Tracer;
import dev.faultline.capture.WaitStatus;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Run a command under faultline and name the config file behind any crash or HTTP 5xx.",
        description = {"Run a command under faultline, with full syscall tracing from its execve, and name the config file behind any crash or HTTP 5xx.",
            "faultline exits with the command's own status, or with 70 if the command crashed (for CI)."},
        footerHeading = "%nExamples:%n",
        footer = {"  sudo faultline run -- apache2 -X -f /srv/site/httpd.conf",
            "      Run a server in the foreground and watch it.",
            "  faultline run --strace-log trace.txt -o report.txt -- ./server",
            "      Keep an strace log and write the report to a file."})
public final class RunCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (put -- before it).")
    List<String> command;

    @Mixin
    LiveOptions live;

    @picocli.CommandLine.Option(names = "--max-incidents", paramLabel = "N",
            description = "Stop after N incidents; by default (0) run follows the command until it exits.")
    void maxIncidents(int n) {
        live.maxCrashes = n;
    }

    @picocli.CommandLine.Option(names = "--max-crashes", paramLabel = "N", hidden = true, description = "The old name of --max-incidents.")
    void maxCrashes(int n) {
        live.maxCrashes = n;
    }

    @picocli.CommandLine.Option(names = "--no-seccomp",
            description = "Stop at every syscall instead of installing a SECCOMP_RET_TRACE filter for the ones faultline reads.")
    boolean noSeccomp;

    @picocli.CommandLine.Option(names = "--exit-code", paramLabel = "POLICY", defaultValue = "status",
            description = "What run exits with: status (default), the command's own status (70 if it crashed); or verdict, as analyze does (0 no incident, 20 a config culprit named, 21 incidents without one).")
    String exitCode;

    @Override
    public Integer call() throws Exception {
        if (!exitCode.equals("status") && !exitCode.equals("verdict")) {
            throw new UserError(ExitCodes.USAGE, "--exit-code must be status or verdict, not " + exitCode);
        }
        Tracer.Options opt = live.tracerOptions(Tracer.Mode.FULL, 0);
        opt.escalate = false;
        opt.seccomp = !noSeccomp;
        LiveRun.Outcome out = LiveRun.run(opt, -1, command, 0, live.straceLog, !live.noRedact, live.root, null);
        live.report(out, null, verbosity.level());
        int s = out.launchedStatus;
        if (exitCode.equals("verdict")) {
            if (s == -1 && out.interrupted) {
                return 130;
            }
            return ExitCodes.of(out.report);
        }
        if (s == -1) {
            System.err.println("faultline: " + out.stopReason + " before the command finished");
            return out.interrupted ? 130 : ExitCodes.INTERNAL;
        }
        if (WaitStatus.signaled(s)) {
            int sig = WaitStatus.termSig(s);
            if (dev.faultline.linux.CrashSignals.isFault(sig)) {
                System.err.println("faultline: the command crashed: killed by " + LinuxNames.signal(sig)
                        + (WaitStatus.coreDumped(s) ? " (core dumped)" : ""));
                return ExitCodes.CRASHED;
            }
            return 128 + sig;
        }
        return WaitStatus.exitCode(s);
    }
}
