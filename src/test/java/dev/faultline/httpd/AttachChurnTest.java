package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.capture.FaultlineProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Churn (issue #10, item 4): a real httpd under steady load, attached and detached by the real launcher in quick
 * succession (per MPM 25 sentinel and 10 full attaches, so 50 and 20 over both tests), with crashes of the test module
 * (mod_crashconf) mixed in, faultline SIGKILLed at random points (one of them while a crash is being captured), and a
 * graceful restart while attached. After every attach, and at the end:
 * <ul>
 *   <li>no task of the server (every thread of the parent and of each child) is traced or stopped;</li>
 *   <li>every child death in the error log is an injected crash, and every injected crash is a death;</li>
 *   <li>every load request that failed overlapped an injected crash, at most one per load connection per crash;</li>
 *   <li>every attach that saw a crash and was not killed printed a verdict naming the crashing .htaccess or conf file;</li>
 *   <li>no orphans: a killed faultline leaves none of its children (the waker {@code sleep}) alive, no process runs
 *       in the test's directory, and the faultline JVMs' temp directory is empty.</li>
 * </ul>
 * Each test stays near a minute on a 2-CPU machine: short attaches ({@code --duration} 0.2-0.6 s) and a paced load.
 * The random schedule's seed is printed; {@code -Dchurn.seed=N} replays one.
 */
class AttachChurnTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT_MIN = 18740;
    private static final int PORT_MAX = 18759;
    private static final int SENTINEL_ATTACHES = 25;
    private static final int FULL_ATTACHES = 10;
    private static final int KILLS = 4;
    private static final int LOAD_CONNECTIONS = 2;
    /** A load request this long after a crash request returned is no longer the crash's. */
    private static final long CRASH_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final Pattern DEATH = Pattern.compile("AH0005[12]: child pid (\\d+) exit signal ([^(]+)\\(");

    @TempDir
    Path dir;

    @BeforeEach
    void needsApache() throws Exception {
        LiveApache.assumeTraceable(dir);
    }

    @Test
    void preforkUnderLoadSurvivesAttachChurnKillsAndAGracefulRestart() throws Exception {
        churn("prefork");
    }

    @Test
    void eventUnderLoadSurvivesAttachChurnKillsAndAGracefulRestart() throws Exception {
        churn("event");
    }

    /** One crash fixture: the URL path and the file its verdict must name (relative to the server's directory). */
    private record CrashPath(String url, String culprit) {
    }

    private static final CrashPath CRASH = new CrashPath("/crash/", "htdocs/crash/.htaccess");
    private static final CrashPath CRASH_LATE = new CrashPath("/crash-late/", "htdocs/crash-late/.htaccess");
    private static final CrashPath CRASH_LOC = new CrashPath("/crash-loc/", "conf/conf.d/50-app.conf");
    // crash-late/.htaccess is read and closed before its crash: only a full trace (or an escalation) names it
    private static final List<CrashPath> SENTINEL_NAMES = List.of(CRASH, CRASH_LOC);
    private static final List<CrashPath> FULL_NAMES = List.of(CRASH, CRASH_LATE, CRASH_LOC);

    private void churn(String mpm) throws Exception {
        long seed = Long.getLong("churn.seed", System.nanoTime());
        Random random = new Random(seed);
        String context = mpm + ", seed " + seed + " (-Dchurn.seed=" + seed + " replays it)";
        System.out.println("AttachChurnTest " + context);
        Path tmp = Files.createDirectories(dir.resolve("faultline-tmp"));
        // the faultline JVMs' temp files go here, where the end of the test can see what a SIGKILL left behind;
        // no hsperfdata file in /tmp (the JVM's own, not faultline's)
        List<String> jvm = List.of("-Djava.io.tmpdir=" + tmp, "-Djna.tmpdir=" + tmp, "-XX:-UsePerfData");

        int total = SENTINEL_ATTACHES + FULL_ATTACHES;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        Set<Integer> full = Set.copyOf(order.subList(0, FULL_ATTACHES));
        Set<Integer> killed = Set.copyOf(order.subList(FULL_ATTACHES, FULL_ATTACHES + KILLS));
        int killedDuringCrash = order.get(FULL_ATTACHES);
        int graceful = order.get(FULL_ATTACHES + KILLS);

        long start = System.nanoTime();
        List<long[]> crashWindows = new ArrayList<>();
        int verdicts = 0;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), mpm, false, PORT_MIN, PORT_MAX);
                Load load = new Load(httpd.port(), LOAD_CONNECTIONS)) {
            int restarts = count(httpd.errorLog(), "resuming normal operations");
            for (int i = 0; i < total; i++) {
                boolean isFull = full.contains(i);
                String mode = isFull ? "full" : "sentinel";
                String what = "attach #" + i + " (" + mode + ", " + context + ")";
                load.mark(what + (killed.contains(i) ? " killed" : i == graceful ? " graceful" : i % 3 == 0 ? " crash" : ""));
                if (killed.contains(i)) {
                    boolean crash = i == killedDuringCrash;
                    FaultlineProcess fl = FaultlineProcess.startWithJvmOptions(dir, jvm, "attach", "--mode", mode,
                            "--duration", "10", Integer.toString(httpd.parentPid()));
                    if (crash) {
                        awaitTraced(httpd, fl, what);
                        long t0 = System.nanoTime();
                        // the crash request runs beside the kill: faultline dies somewhere in capturing it
                        Thread crasher = new Thread(() -> curlQuietly(httpd, CRASH.url()));
                        crasher.start();
                        Thread.sleep(random.nextInt(300));
                        killAndCheckOrphans(fl, what);
                        crasher.join(15_000);
                        crashWindows.add(new long[] {t0, System.nanoTime()});
                    } else {
                        // anywhere from JVM start-up through seizing to steady sentinel or full tracing
                        Thread.sleep(random.nextInt(1500));
                        killAndCheckOrphans(fl, what);
                    }
                } else if (i == graceful) {
                    FaultlineProcess fl = FaultlineProcess.startWithJvmOptions(dir, jvm, "attach", "--mode", mode,
                            "--max-incidents", "1", "--duration", "30", "--format", "json", Integer.toString(httpd.parentPid()));
                    awaitTraced(httpd, fl, what);
                    List<Integer> before = httpd.childPids();
                    FaultlineProcess.signal("USR1", httpd.parentPid()); // apache2ctl graceful
                    int expected = ++restarts;
                    FaultlineProcess.waitUntil(20, () -> count(httpd.errorLog(), "resuming normal operations") >= expected,
                            "the graceful restart completed: " + what);
                    FaultlineProcess.waitUntil(20, () -> !httpd.childPids().isEmpty()
                            && Collections.disjoint(before, httpd.childPids()), "a new generation of children: " + what);
                    awaitTraced(httpd, fl, what + ", after the graceful restart");
                    crashWindows.add(crashAndExpectVerdict(httpd, fl, CRASH, what + ", after a graceful restart"));
                    verdicts++;
                } else if (i % 3 == 0) {
                    List<CrashPath> paths = isFull ? FULL_NAMES : SENTINEL_NAMES;
                    CrashPath path = paths.get(random.nextInt(paths.size()));
                    FaultlineProcess fl = FaultlineProcess.startWithJvmOptions(dir, jvm, "attach", "--mode", mode,
                            "--max-incidents", "1", "--duration", "20", "--format", "json", Integer.toString(httpd.parentPid()));
                    awaitTraced(httpd, fl, what);
                    crashWindows.add(crashAndExpectVerdict(httpd, fl, path, what));
                    verdicts++;
                } else {
                    String duration = String.valueOf(0.2 + random.nextInt(5) / 10.0);
                    FaultlineProcess fl = FaultlineProcess.startWithJvmOptions(dir, jvm, "attach", "--mode", mode,
                            "--duration", duration, "--format", "json", Integer.toString(httpd.parentPid()));
                    assertEquals(dev.faultline.cli.ExitCodes.OK, fl.waitFor(30), what + ": " + fl.stderr()); // no incident
                    assertClean(fl, what);
                }
                assertNothingTracedOrStopped(httpd, what);
            }

            load.stopAndJoin();
            int crashes = crashWindows.size();
            // the parent logs a dead child in its once-a-second maintenance loop
            FaultlineProcess.waitUntil(10, () -> deaths(httpd.errorLog()).size() >= crashes, "every crash logged (" + context + ")");
            Thread.sleep(1200);
            List<String> deaths = deaths(httpd.errorLog());
            assertEquals(crashes, deaths.size(), "child deaths are the " + crashes + " injected crashes only (" + context + "): " + deaths);
            assertTrue(deaths.stream().allMatch(d -> d.equals("Segmentation fault")), "each death a SIGSEGV: " + deaths);
            assertFalse(httpd.errorLog().contains("AH00060"), "the parent never crashed");

            // a failed request is the crash's when the two overlap in time (a slow request may start well before)
            List<long[]> unexplained = load.failures().stream().filter(f -> crashWindows.stream()
                    .noneMatch(w -> f[0] <= w[1] + CRASH_GRACE_NANOS && f[1] >= w[0])).toList();
            assertEquals(List.of(), unexplained.stream().map(load::describe).toList(),
                    "load requests that failed outside every crash (" + context + "); timeline: " + load.timeline()
                    + "\nerror log:\n" + httpd.errorLog());
            assertTrue(load.failures().size() <= crashes * LOAD_CONNECTIONS, "at most one failure per load connection per crash: "
                    + load.failures().size() + " for " + crashes + " crashes (" + context + ")");
            assertTrue(load.ok() > 500, "the load ran all along: " + load.ok() + " answers");
            assertEquals(200, httpd.curl("/"), "the server still serves");
            assertNothingTracedOrStopped(httpd, "the end (" + context + ")");
            assertNoProcessIn(dir, httpd, context);
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(),
                        "temp files left by faultline, killed or not (" + context + ")");
            }
            System.out.printf("AttachChurnTest %s: %d attaches (%d full), %d killed, %d crashes, %d verdicts, %d answers, "
                    + "%d failed (all during crashes), %.1f s%n", context, total, FULL_ATTACHES, KILLS, crashes, verdicts,
                    load.ok(), load.failures().size(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** Sends a crash request to an attached faultline (--max-incidents 1) and checks its verdict; returns the crash's window. */
    private long[] crashAndExpectVerdict(LiveApache httpd, FaultlineProcess fl, CrashPath path, String what) throws Exception {
        long t0 = System.nanoTime();
        int status = httpd.curl(path.url());
        long t1 = System.nanoTime();
        assertEquals(-1, status, what + ": " + path.url() + " crashed its child (no answer)");
        assertEquals(dev.faultline.cli.ExitCodes.CULPRIT_NAMED, fl.waitFor(30), what + ": " + fl.stderr()); // 20: a culprit named
        assertClean(fl, what);
        JsonNode incidents = JSON.readTree(fl.stdout()).get("incidents");
        assertEquals(1, incidents.size(), what + ": one crash captured: " + fl.stdout() + fl.stderr());
        JsonNode verdict = incidents.get(0).get("verdict");
        assertEquals("SIGSEGV", incidents.get(0).get("signal").asText(), what);
        assertEquals(httpd.dir().resolve(path.culprit()).toString(), verdict.path("culprit").path("path").asText(),
                what + ": the verdict of " + path.url() + " names its file: " + verdict);
        return new long[] {t0, t1};
    }

    private static void assertClean(FaultlineProcess fl, String what) {
        String err = fl.stderr();
        assertFalse(err.contains("internal error") || err.contains("Exception") || err.contains("did not stop"), what + ": " + err);
        assertTrue(err.contains("attached to"), what + ": " + err);
    }

    private static void curlQuietly(LiveApache httpd, String path) {
        try {
            httpd.curl(path);
        } catch (IOException e) {
            // the crash is counted by its child's death in the error log
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until faultline printed its banner and traces every task of the server. */
    private static void awaitTraced(LiveApache httpd, FaultlineProcess fl, String what) throws Exception {
        FaultlineProcess.waitUntil(30, () -> {
            if (!fl.process.isAlive()) {
                throw new AssertionError(what + ": faultline exited early: " + fl.stderr());
            }
            if (!fl.stderr().contains("attached to")) {
                return false;
            }
            for (int tid : tasks(httpd)) {
                int tracer = FaultlineProcess.tracerPid(tid);
                char st = FaultlineProcess.state(tid);
                if (st != 'Z' && st != '?' && (tracer <= 0
                        || !Files.exists(Path.of("/proc", Long.toString(fl.process.pid()), "task", Integer.toString(tracer))))) {
                    return false;
                }
            }
            return true;
        }, what + ": faultline traces every task of the server");
    }

    /**
     * SIGKILLs faultline and checks that the children it had (its waker) die with it. The kernel detaches its
     * tracees when its last thread is gone.
     */
    private static void killAndCheckOrphans(FaultlineProcess fl, String what) throws Exception {
        List<Long> children = fl.process.isAlive() ? childrenOf(fl.process.pid()) : List.of();
        fl.process.destroyForcibly(); // SIGKILL
        assertTrue(fl.process.waitFor(20, TimeUnit.SECONDS), what + ": faultline died of SIGKILL");
        for (long child : children) {
            String cmd = cmdline(child);
            // gone, a zombie about to be reaped by its new parent, or the pid already reused by another command
            FaultlineProcess.waitUntil(5, () -> FaultlineProcess.state(child) == '?' || FaultlineProcess.state(child) == 'Z'
                    || !cmd.equals(cmdline(child)), what + ": faultline's child " + child + " (" + cmd + ") died with it");
        }
    }

    private static void assertNothingTracedOrStopped(LiveApache httpd, String what) throws Exception {
        // a SIGKILLed tracer's tracees are detached when the kernel has finished with its threads
        FaultlineProcess.waitUntil(10, () -> tasks(httpd).stream().allMatch(t -> {
            char st = FaultlineProcess.state(t);
            return st == '?' || st == 'Z' || FaultlineProcess.tracerPid(t) == 0 && st != 't' && st != 'T';
        }), what + ": every task of the server untraced and running: " + describeTasks(httpd));
    }

    /** Every thread of the parent and of each child. */
    private static List<Integer> tasks(LiveApache httpd) {
        List<Integer> tids = new ArrayList<>();
        for (int pid : httpd.serverPids()) {
            try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
                s.forEach(p -> tids.add(Integer.parseInt(p.getFileName().toString())));
            } catch (IOException gone) {
                // exited while listed
            }
        }
        return tids;
    }

    private static String describeTasks(LiveApache httpd) {
        StringBuilder b = new StringBuilder();
        for (int t : tasks(httpd)) {
            b.append(t).append(':').append(FaultlineProcess.state(t)).append('/').append(FaultlineProcess.tracerPid(t)).append(' ');
        }
        return b.toString();
    }

    private static List<Long> childrenOf(long pid) {
        try {
            return dev.faultline.capture.proc.ProcFs.system().children((int) pid).stream().map(Integer::longValue).toList();
        } catch (IOException gone) {
            return List.of(); // the process exited
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** No process but the server's runs in the test's directory: no faultline JVM, no waker, nothing they started. */
    private static void assertNoProcessIn(Path dir, LiveApache httpd, String context) throws Exception {
        Path real = dir.toRealPath();
        FaultlineProcess.waitUntil(5, () -> {
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                return procs.filter(p -> p.getFileName().toString().matches("\\d+")).noneMatch(p -> {
                    int pid = Integer.parseInt(p.getFileName().toString());
                    try {
                        return Files.readSymbolicLink(p.resolve("cwd")).startsWith(real) && !httpd.serverPids().contains(pid);
                    } catch (IOException | UnsupportedOperationException gone) {
                        return false;
                    }
                });
            }
        }, "no orphan process left in " + real + " (" + context + ")");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    /** The signal names of the child deaths the parent logged (AH00051/AH00052). */
    private static List<String> deaths(String errorLog) {
        List<String> out = new ArrayList<>();
        Matcher m = DEATH.matcher(errorLog);
        while (m.find()) {
            out.add(m.group(2).strip());
        }
        return out;
    }

    /**
     * A paced HTTP/1.0 load on "/" over {@code connections} sequential clients (a few hundred requests a second on
     * two CPUs): each request that gets no "200" is a failure, kept with its start time.
     */
    private static final class Load implements AutoCloseable {
        private final int port;
        private final List<Thread> threads = new ArrayList<>();
        /** {start, end} of each failed request, System.nanoTime(). */
        private final List<long[]> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        private volatile boolean running = true;

        Load(int port, int connections) {
            this.port = port;
            for (int i = 0; i < connections; i++) {
                Thread t = new Thread(this::loop, "churn-load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        private void loop() {
            while (running) {
                long t0 = System.nanoTime();
                String result = request();
                if (result == null) {
                    ok.incrementAndGet();
                } else {
                    synchronized (this) {
                        failures.add(new long[] {t0, System.nanoTime()});
                        reasons.add(result);
                    }
                }
                try {
                    Thread.sleep(4);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** null when answered 200, else what went wrong. */
        private String request() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                if (answer.startsWith("HTTP/1.1 200 ") && answer.contains("faultline live test server")) {
                    return null;
                }
                return answer.isEmpty() ? "empty reply" : answer.lines().findFirst().orElse("");
            } catch (IOException e) {
                return e.toString();
            }
        }

        private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());

        void mark(String what) {
            timeline.add("+" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms " + what);
        }

        String timeline() {
            return String.join("\n", timeline);
        }

        synchronized String describe(long[] f) {
            int i = failures.indexOf(f);
            return "+" + TimeUnit.NANOSECONDS.toMillis(f[0] - startNanos) + " to +" + TimeUnit.NANOSECONDS.toMillis(f[1] - startNanos)
                    + " ms: " + (i >= 0 ? reasons.get(i) : "?");
        }

        private final long startNanos = System.nanoTime();

        List<long[]> failures() {
            return List.copyOf(failures);
        }

        int ok() {
            return ok.get();
        }

        void stopAndJoin() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(20_000);
                if (t.isAlive()) {
                    fail("a load request hung for 20 s");
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(20_000);
            }
        }
    }
}
