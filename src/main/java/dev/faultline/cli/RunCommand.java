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
        description = {"Run a command under faultline (full syscall tracing from its execve), and name the config",
            "file behind any crash or HTTP 5xx. Exits with the command's status, or 70 if it crashed (for CI)."})
public final class RunCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command and its arguments (put -- before it)")
    List<String> command;

    @Mixin
    LiveOptions live;

    @picocli.CommandLine.Option(names = "--no-seccomp",
            description = "stop at every syscall instead of installing a SECCOMP_RET_TRACE filter for the ones faultline reads")
    boolean noSeccomp;

    @picocli.CommandLine.Option(names = "--exit-code", paramLabel = "POLICY", defaultValue = "status",
            description = "status (default): exit with the command's own status (70 if it crashed); verdict: exit as analyze does (0 no incident, 20 culprit named, 21 incidents without a culprit)")
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
        live.report(out, null);
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
