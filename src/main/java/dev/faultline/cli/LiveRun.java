package dev.faultline.cli;

import dev.faultline.analysis.Analyzer;
import dev.faultline.analysis.FileSource;
import dev.faultline.analysis.Incident;
import dev.faultline.capture.AttachException;
import dev.faultline.capture.LiveRecord;
import dev.faultline.capture.LiveDecoder;
import dev.faultline.capture.Tracer;
import dev.faultline.capture.proc.ProcFs;
import dev.faultline.report.Report;
import dev.faultline.trace.ParseStats;
import dev.faultline.trace.StraceWriter;
import dev.faultline.trace.TraceEvent;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One live capture, shared by {@code attach} and {@code run}: the tracer thread (ptrace), and this thread, which
 * decodes the tracer's records into the same events {@code analyze} parses from text, feeds them to the same engine,
 * and writes the strace log ({@code --strace-log}) from them. Ctrl-C and SIGTERM stop the tracer, which detaches everything; the
 * report of what was seen is still printed.
 */
final class LiveRun {
    private static final List<LiveRecord> END = List.of(LiveRecord.END);

    static final class Outcome {
        Report report;
        String stopReason;
        int crashes;
        int launchedStatus = -1;
        boolean interrupted;
        /** An error inside the tracer after it started; the report covers what was seen up to it. */
        Throwable tracerFailure;
        /**
         * Counted down by the command once the report is printed: on Ctrl-C/SIGTERM the shutdown hook waits for it,
         * so the JVM does not halt before the report of what was seen is out.
         */
        CountDownLatch printed;
    }

    private LiveRun() {
    }

    /** @param banner printed on stderr once every tracee is seized (null: nothing), so a refused attach is one line */
    static Outcome run(Tracer.Options opt, int pid, List<String> command, long durationMs, Path strace,
            boolean redact, Path givenRoot, String banner) throws Exception {
        ProcFs proc = ProcFs.system();
        List<String> hostNotes = new java.util.ArrayList<>();
        // a server in a container names its files as it sees them: read them through its own root
        Path root = command == null && givenRoot == null ? proc.rootIfOtherMountNamespace(pid) : givenRoot;
        if (root != null && givenRoot == null) {
            hostNotes.add("process " + pid + " sees another file system (its own mount namespace, a container): its files"
                    + " were read through " + root);
        }
        int innerPid = command == null ? proc.innermostPid(pid) : pid;
        if (innerPid != pid) {
            hostNotes.add("process " + pid + " is pid " + innerPid + " in its own pid namespace: the pids its error log"
                    + " writes are that namespace's, not this host's");
        }
        // before the attach: the error log is watched from where it ends now, so no entry of the incident is missed
        dev.faultline.httpd.HttpdContext server = command == null ? serverContext(proc, pid, root) : null;
        List<ErrorLogWatch> watches = server == null || !opt.watchLogs ? List.of() : errorLogsOf(server, root);
        // the access logs too, for each incident's impact and the 5xx the error log does not explain
        dev.faultline.analysis.AccessLogImpact impact = new dev.faultline.analysis.AccessLogImpact(
                new dev.faultline.analysis.AccessLogImpact.Window(java.time.Instant.now().minusSeconds(1), null));
        List<AccessLogWatch> accessWatches = new java.util.ArrayList<>();
        List<Thread> accessThreads = new java.util.ArrayList<>();
        Tracer[] escalator = new Tracer[1];
        if (server != null && opt.watchLogs) {
            accessWatches = accessLogsOf(server, root, nanos -> watches.stream().anyMatch(w -> w.explainedWithin(nanos)), impact,
                    why -> escalator[0].requestEscalation(why, ESCALATION_MILLIS));
        }
        List<String> backends = new java.util.ArrayList<>();
        if (server != null && opt.alsoAttach.isEmpty()) {
            opt.alsoAttach = fastCgiServers(proc, server, backends);
        }
        BlockingQueue<List<LiveRecord>> queue = new ArrayBlockingQueue<>(256);
        Analyzer analyzer = new Analyzer(new FileSource(root));
        Tracer tracer = command == null
                ? Tracer.attach(pid, opt, proc, r -> put(queue, r))
                : Tracer.launch(command, opt, proc, r -> put(queue, r));
        analyzer.threadGroups(tracer::threadGroupOf);
        escalator[0] = tracer;
        analyzer.httpd(ev -> dev.faultline.httpd.HttpdContexts.load(ev, null, root));
        if (server != null) {
            try {
                analyzer.serverArgv(proc.cmdline(pid));
            } catch (IOException gone) {
                // the attach below says so
            }
        }
        // --max-incidents: 0 is no limit; a default sentinel stops at the first incident whose cause is named
        int limit = opt.maxCrashes == 0 ? 0 : opt.stopWhenNamed ? 1 : opt.maxCrashes;
        boolean full = opt.mode == Tracer.Mode.FULL;
        int[] httpErrors = {0};
        // each 5xx is said the moment the trace shows it; the full report comes when the capture ends
        analyzer.onHttpError(inc -> {
            if (!opt.sayIncidents) {
                return;
            }
            System.err.println("faultline: " + dev.faultline.report.TextReport.summaryLine(inc, analyzer.verdictNow(inc)));
            if (command == null && full && limit > 0 && ++httpErrors[0] >= limit) {
                tracer.requestStop("stopped after " + httpErrors[0] + " HTTP error(s) (--max-incidents): detached");
            }
        });
        Outcome out = new Outcome();
        CountDownLatch reported = new CountDownLatch(1);
        out.printed = reported;
        boolean ok = false;
        Thread hook = new Thread(() -> {
            out.interrupted = true;
            tracer.requestStop("interrupted (SIGINT/SIGTERM): detached");
            try {
                reported.await(10, TimeUnit.SECONDS); // let main print what was seen before the JVM halts
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "faultline-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Thread tracerThread = new Thread(() -> {
            try {
                tracer.run();
            } finally {
                put(queue, END);
            }
        }, "faultline-tracer");
        tracerThread.start();
        try {
            try {
                tracer.started().get();
            } catch (ExecutionException e) {
                tracerThread.join();
                Throwable cause = e.getCause();
                if (cause instanceof AttachException) {
                    throw (AttachException) cause;
                }
                throw new IOException(cause.getMessage(), cause);
            }
            if (banner != null) {
                System.err.println(banner);
                for (String b : backends) {
                    System.err.println("faultline: " + b);
                }
            }
            java.util.concurrent.atomic.AtomicInteger logIncidents = new java.util.concurrent.atomic.AtomicInteger();
            for (ErrorLogWatch watch : watches) {
                // in full mode the trace itself sees every 5xx (and says it); the log only adds its words at the end
                watch.announce(!full);
                watch.onIncident(ignored -> {
                    int n = logIncidents.incrementAndGet();
                    if (!full && limit > 0 && n >= limit) {
                        tracer.requestStop("the error log named the cause of " + n + " incident(s): detached");
                    }
                });
                Thread t = new Thread(watch, "faultline-error-log");
                t.setDaemon(true);
                t.start();
            }
            for (AccessLogWatch a : accessWatches) {
                // full mode sees every 5xx in the trace: the access log only counts there
                a.reportUnexplained(!full);
                Thread t = new Thread(a, "faultline-access-log");
                t.setDaemon(true);
                t.start();
                accessThreads.add(t);
            }
            if (durationMs > 0) {
                Thread timer = new Thread(() -> {
                    try {
                        Thread.sleep(durationMs);
                        tracer.requestStop("--duration elapsed: detached");
                    } catch (InterruptedException ignored) {
                        // finished first
                    }
                }, "faultline-duration");
                timer.setDaemon(true);
                timer.start();
            }
            // a device or fifo (--strace-log /dev/null) is written into: renaming a temp file over it would replace
            // the device itself (as root, /dev/null becomes a regular file); a regular file is renamed into place whole
            boolean direct = strace != null && OutputTarget.writeInPlace(strace);
            Path partial = strace == null ? null : direct ? strace : strace.resolveSibling(strace.getFileName() + ".partial");
            // this thread decodes the tracer's records into events and analyses them; no strace text in between
            LiveDecoder decoder = new LiveDecoder(proc, tracer::threadGroupOf, opt.stringCap, redact);
            StraceLog log = new StraceLog(partial);
            LiveDecoder.Sink sink = new LiveDecoder.Sink() {
                @Override
                public void event(TraceEvent e) {
                    log.write(e);
                    analyzer.accept(e);
                }

                @Override
                public void crash(dev.faultline.model.CrashCapture capture) {
                    analyzer.addCapture(capture);
                }
            };
            boolean end = false;
            while (!end) {
                for (LiveRecord r : queue.take()) {
                    if (r == LiveRecord.END) {
                        end = true;
                        break;
                    }
                    decoder.decode(r, sink);
                }
                if (queue.isEmpty()) {
                    log.flush();
                }
            }
            ParseStats stats = decoder.stats();
            tracerThread.join();
            log.close();
            if (log.failure != null) {
                throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot write " + strace + ": " + log.failure.getMessage());
            }
            if (partial != null && !direct) {
                Files.move(partial, strace, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            List<String> coreNotes = joinCores(analyzer, server, root);
            List<Incident> incidents = new java.util.ArrayList<>(analyzer.finish());
            for (ErrorLogWatch watch : watches) {
                watch.stop();
                incidents.addAll(dev.faultline.analysis.ErrorLogEvidence.mergeInto(incidents, watch.incidents()));
            }
            for (int i = 0; i < accessThreads.size(); i++) {
                AccessLogWatch a = accessWatches.get(i);
                a.reportUnexplained(false); // the last lines only count: there is no time left to tell them apart
                a.drain(accessThreads.get(i));
                incidents.addAll(a.incidents());
            }
            Report report = new Report(List.of(command == null ? "attach:" + pid : "run:" + String.join(" ", command)), incidents, stats);
            report.droppedIncidents = analyzer.droppedIncidents();
            report.configFile = AnalyzeCommand.mainConfig(analyzer.httpdContext());
            watches.forEach(w -> report.errorLogs.add(w.log.toString()));
            report.warnings.addAll(hostNotes);
            report.warnings.addAll(tracer.notes());
            if (analyzer.memoryNote() != null) {
                report.warnings.add(analyzer.memoryNote());
            }
            report.warnings.addAll(coreNotes);
            if (!accessWatches.isEmpty()) {
                synchronized (impact) {
                    accessWatches.forEach(a -> impact.source(a.log.toString()));
                    impact.apply(incidents);
                    report.accessLog = impact;
                }
            }
            out.report = report;
            out.stopReason = tracer.stopReason();
            out.crashes = tracer.crashes();
            out.launchedStatus = tracer.launchedStatus();
            out.tracerFailure = tracer.failure();
            ok = true;
            return out;
        } finally {
            tracer.requestStop("faultline is exiting");
            tracerThread.join(5000);
            if (!ok) {
                reported.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is running
            }
        }
    }

    /**
     * A crash that dumped core: its core (in httpd's CoreDumpDirectory, systemd-coredump, or where core_pattern
     * says) is read as {@code analyze --core} would, so the verdict gets its backtrace. Each outcome is a note.
     */
    private static List<String> joinCores(Analyzer analyzer, dev.faultline.httpd.HttpdContext server, Path root) {
        List<String> notes = new java.util.ArrayList<>();
        List<Path> dirs = new java.util.ArrayList<>();
        if (server != null && server.coreDumpDirectory() != null) {
            dirs.add(new dev.faultline.httpd.config.ConfigFiles(root).locate(server.coreDumpDirectory()));
        }
        for (int pid : analyzer.crashesThatDumpedCore()) {
            try {
                CoreLocatorBridge.Found f = CoreLocatorBridge.find(pid, dirs);
                CoreCommand.Read r = CoreCommand.read(f.path(), null, false, root);
                if (r.report().process() == null || r.report().process().pid() != pid) {
                    notes.add("pid " + pid + " dumped core, but " + f.path() + " is another process's: not used");
                    continue;
                }
                analyzer.addCore(r.report(), r.httpd());
                notes.add("pid " + pid + " dumped core: " + f.path() + " (" + f.how() + ") is read for its backtrace");
            } catch (UserError | dev.faultline.core.CoreInputException e) {
                notes.add("pid " + pid + " dumped core, but it was not found or not readable: " + e.getMessage());
            }
        }
        return notes;
    }

    /** attach: the configuration of the httpd behind {@code pid}, from its own command line; null for another server. */
    private static dev.faultline.httpd.HttpdContext serverContext(ProcFs proc, int pid, Path root) {
        try {
            List<String> argv = proc.cmdline(pid);
            if (!dev.faultline.httpd.HttpdExecutable.isServer(argv)) {
                return null;
            }
            return dev.faultline.httpd.HttpdContexts.load(new dev.faultline.httpd.ServerEvidence(argv, null, java.util.Map.of()), null, root);
        } catch (IOException | RuntimeException e) {
            return null; // the Apache knowledge is a bonus: the tracer goes on without it
        }
    }

    /**
     * attach: the server's ErrorLogs (server level and each virtual host's), to follow so that a sentinel sees a 5xx
     * whose cause httpd logs; the first such incident ends the attach like a crash that names its file. Logs this
     * machine cannot read are left out.
     */
    private static List<ErrorLogWatch> errorLogsOf(dev.faultline.httpd.HttpdContext ctx, Path root) {
        List<ErrorLogWatch> out = new java.util.ArrayList<>();
        try {
            for (String server : ctx.errorLogs()) {
                Path log = new dev.faultline.httpd.config.ConfigFiles(root).locate(server);
                if (log != null && Files.isRegularFile(log) && out.size() < 8) {
                    out.add(new ErrorLogWatch(log, server, new dev.faultline.analysis.ErrorLogEvidence(root)));
                }
            }
        } catch (RuntimeException e) {
            // the watch is a bonus: the tracer goes on without it
        }
        return out;
    }

    /** How long a sentinel traces every syscall after a 5xx nobody explained. */
    static final long ESCALATION_MILLIS = 30_000;

    /** attach: a watch on each access log the configuration names (CustomLog files this machine can read). */
    private static List<AccessLogWatch> accessLogsOf(dev.faultline.httpd.HttpdContext ctx, Path root, java.util.function.LongPredicate errors,
            dev.faultline.analysis.AccessLogImpact impact, java.util.function.Consumer<String> escalate) {
        List<AccessLogWatch> out = new java.util.ArrayList<>();
        if (ctx.config == null) {
            return out;
        }
        java.util.Set<Path> seen = new java.util.HashSet<>();
        try {
            for (dev.faultline.httpd.accesslog.CustomLogs.CustomLog l : dev.faultline.httpd.accesslog.CustomLogs.of(ctx.config).logs()) {
                if (l.piped() || !l.unreadable().isEmpty()) {
                    continue;
                }
                Path p = new dev.faultline.httpd.config.ConfigFiles(root).locate(l.target());
                if (p != null && Files.isRegularFile(p) && Files.isReadable(p) && seen.add(p) && out.size() < 8) {
                    out.add(new AccessLogWatch(p, l.target(), l.format(), errors, escalate, impact));
                }
            }
        } catch (RuntimeException e) {
            // the access logs are a bonus: the attach goes on without them
        }
        return out;
    }

    /**
     * attach: the processes of the FastCGI servers (php-fpm pools) the configuration passes requests to, found by
     * who listens on each address; what was found is said in {@code said}. A request's failing open is in those.
     */
    private static List<Integer> fastCgiServers(ProcFs proc, dev.faultline.httpd.HttpdContext ctx, List<String> said) {
        java.util.Set<Integer> pids = new java.util.TreeSet<>();
        for (dev.faultline.httpd.FastCgiBackends.Backend b : dev.faultline.httpd.FastCgiBackends.of(ctx)) {
            try {
                List<Integer> holders = dev.faultline.capture.proc.SocketListeners.holders(proc,
                        dev.faultline.capture.proc.SocketListeners.inodes(proc, b.address()));
                said.add(holders.isEmpty()
                        ? "nothing listens on " + b.address() + " (" + b.file() + ":" + b.line() + "): its FastCGI server is down"
                        : "tracing the FastCGI server on " + b.address() + " (" + b.file() + ":" + b.line() + ") too: pids " + holders);
                pids.addAll(holders);
            } catch (IOException | RuntimeException e) {
                said.add("the FastCGI server on " + b.address() + " could not be found: " + e.getMessage());
            }
        }
        return new java.util.ArrayList<>(pids);
    }

    /** Lets the report be printed before a Ctrl-C'd JVM halts; called by the commands after printing. */
    private static void put(BlockingQueue<List<LiveRecord>> queue, List<LiveRecord> batch) {
        try {
            queue.put(batch); // bounded: a slow analysis slows the tracees rather than growing the heap
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The -o strace log: written as events are decoded, to a .partial file renamed when the capture ends. */
    private static final class StraceLog {
        private final StraceWriter writer = new StraceWriter(StraceWriter.Clock.LOCAL, java.time.ZoneId.systemDefault());
        private Writer out;
        IOException failure;

        StraceLog(Path partial) {
            if (partial != null) {
                try {
                    out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    failure = e;
                }
            }
        }

        void write(TraceEvent e) {
            if (out == null) {
                return;
            }
            try {
                writer.write(e, out);
            } catch (IOException x) {
                // a full disk must not stall the tracees: stop writing the log, keep tracing
                failure = x;
                closeQuietly();
            }
        }

        void flush() {
            if (out != null) {
                try {
                    out.flush();
                } catch (IOException x) {
                    failure = x;
                    closeQuietly();
                }
            }
        }

        void close() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException x) {
                    failure = x;
                }
                out = null;
            }
        }

        private void closeQuietly() {
            try {
                out.close();
            } catch (IOException ignored) {
                // already failing
            }
            out = null;
        }
    }
}
