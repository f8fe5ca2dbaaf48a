package dev.faultline.cli;

import dev.faultline.capture.Tracer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attach", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Attach to a running server, wait for a crash and name the config file behind it.",
        description = {"Attach to a running server (any of its pids, parent or child) and to every process and thread of it.",
            "Wait for a crash, capture it at the signal stop, and name the config file behind it.",
            "faultline detaches on Ctrl-C, SIGTERM, --duration or --max-incidents, on an error, or when the server is gone."},
        footerHeading = "%nExamples:%n",
        footer = {"  sudo faultline attach --pidfile /run/apache2/apache2.pid",
            "      Wait for the next crash of Debian's apache2.",
            "  sudo faultline attach --mode full --strace-log trace.txt --duration 600 PID",
            "      Trace every syscall for 10 minutes and keep an strace log.",
            "  sudo faultline attach --format json -o verdict.json PID",
            "      Write the JSON report to a file."})
public final class AttachCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PID", description = "A pid of the server (httpd parent or any child).")
    Integer pid;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID",
            description = "A pid of the server, as strace takes it (repeatable; faultline finds every process and thread of the server from the first).")
    java.util.List<Integer> pids = new java.util.ArrayList<>();

    @Option(names = "--pidfile", paramLabel = "FILE", description = "The server's PidFile (Debian: /run/apache2/apache2.pid).")
    java.nio.file.Path pidfile;

    @Option(names = "--escalate", paramLabel = "off|window:SECONDS|full", defaultValue = "window:60",
            description = "Sentinel mode, after a first crash whose file is not named yet: trace the crashing kind of "
                    + "process (the server's children) fully for SECONDS (default window:60), until the end (full), or not (off).")
    String escalate;

    @Option(names = "--escalate-share", paramLabel = "FRACTION", defaultValue = "" + dev.faultline.Limits.ESCALATION_SHARE,
            description = "While escalated, trace this share of the server's child processes in full (default ${DEFAULT-VALUE}: "
                    + "a tenth, at least one; 1 = all). A crash in another child still gets its capture and verdict, without the syscall history.")
    double escalateShare;

    @Option(names = "--no-escalate", description = "The same as --escalate=off.")
    boolean noEscalate;

    @Option(names = "--no-log-watch", description = "Do not follow the server's error and access logs (a sentinel then sees crashes only).")
    boolean noLogWatch;

    @Option(names = "--max-incidents", paramLabel = "N",
            description = "Stop after N incidents; 0 means no limit. By default, in sentinel mode with escalation, attach "
                    + "stops at the first crash whose config file is named, else after the second crash (the first one only "
                    + "shows the fd table); with --no-escalate it stops after the first crash, and with --mode full after the "
                    + "first crash or HTTP 5xx.")
    void maxIncidents(int n) {
        live.maxCrashes = n;
    }

    @Option(names = "--max-crashes", paramLabel = "N", hidden = true, description = "The old name of --max-incidents.")
    void maxCrashes(int n) {
        live.maxCrashes = n;
    }

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Detach after SECONDS (default: no limit).")
    double durationSeconds;

    @Mixin
    LiveOptions live;

    /** The pid to attach to: the positional PID, else the first -p, else the PidFile's. */
    int target() {
        if (pid != null) {
            return pid;
        }
        if (!pids.isEmpty()) {
            return pids.get(0);
        }
        if (pidfile == null) {
            throw new UserError(ExitCodes.USAGE, "give the server's PID, -p PID or --pidfile FILE");
        }
        if (!java.nio.file.Files.exists(pidfile)) {
            throw new UserError(ExitCodes.NOT_FOUND, "--pidfile " + pidfile + ": no such file (is the server running?)");
        }
        try {
            String text = java.nio.file.Files.readString(pidfile).strip();
            return Integer.parseInt(text.length() > 16 ? text.substring(0, 16) : text);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new UserError(ExitCodes.NO_PERMISSION, "--pidfile " + pidfile + ": permission denied");
        } catch (java.io.IOException | NumberFormatException e) {
            throw new UserError(ExitCodes.USAGE, "--pidfile " + pidfile + " holds no pid");
        }
    }

    /** --escalate: off, full, or window:SECONDS. */
    static void applyEscalation(Tracer.Options opt, String value) {
        String v = value.trim();
        if (v.equals("off")) {
            opt.escalate = false;
        } else if (v.equals("full")) {
            opt.escalate = true;
            opt.escalationWindowMillis = 0;
        } else if (v.startsWith("window:")) {
            double seconds;
            try {
                seconds = Double.parseDouble(v.substring(7));
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (!(seconds > 0) || seconds > 86_400) {
                throw new UserError(ExitCodes.USAGE, "--escalate window:SECONDS takes 0 < SECONDS <= 86400, not " + v.substring(7));
            }
            opt.escalate = true;
            opt.escalationWindowMillis = (long) (seconds * 1000);
        } else {
            throw new UserError(ExitCodes.USAGE, "--escalate must be off, window:SECONDS or full, not " + value);
        }
    }

    @Override
    public Integer call() throws Exception {
        int pid = target();
        if (pid <= 0) {
            throw new UserError(ExitCodes.USAGE, "PID must be a positive number, not " + pid);
        }
        Tracer.Options opt = live.tracerOptions(Tracer.Mode.SENTINEL, 1);
        applyEscalation(opt, noEscalate ? "off" : escalate);
        if (!(escalateShare > 0) || escalateShare > 1) {
            throw new UserError(ExitCodes.USAGE, "--escalate-share takes 0 < FRACTION <= 1, not " + escalateShare);
        }
        opt.escalationShare = escalateShare;
        opt.watchLogs = !noLogWatch;
        if (opt.escalate && opt.mode == Tracer.Mode.SENTINEL && live.maxCrashes == null) {
            // the first crash shows only the fd table; if that names no config file, trace fully and wait for the next
            opt.maxCrashes = 2;
            opt.stopWhenNamed = true;
        }
        LiveRun.Outcome out = LiveRun.run(opt, pid, null, (long) (durationSeconds * 1000), live.straceLog, !live.noRedact,
                live.root, "faultline: attached to " + pid + " (" + opt.mode.name().toLowerCase() + " mode); Ctrl-C detaches");
        live.report(out, "faultline: " + out.stopReason + "; " + out.crashes + " crash(es) captured", verbosity.level());
        return ExitCodes.of(out.report);
    }
}
