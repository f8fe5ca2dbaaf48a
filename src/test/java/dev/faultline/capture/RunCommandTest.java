package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.trace.CString;
import dev.faultline.trace.TraceEvent;
import dev.faultline.trace.TraceSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code faultline run} on the native/ fixtures, with real strace as the oracle: the same fixture run under
 * {@code strace -f} must give the same verdict through {@code analyze}, and faultline's {@code -o} log must show the
 * same file syscalls (names, paths and outcomes, thread by thread) as strace's.
 */
class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> PATH_ARG = Map.ofEntries(Map.entry("open", 0), Map.entry("openat", 1),
            Map.entry("stat", 0), Map.entry("lstat", 0), Map.entry("newfstatat", 1), Map.entry("access", 0),
            Map.entry("faccessat", 1), Map.entry("faccessat2", 1), Map.entry("readlink", 0), Map.entry("chdir", 0),
            Map.entry("execve", 0), Map.entry("statx", 1));

    @BeforeAll
    static void needsPtraceAndStrace() {
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (Yama ptrace_scope)");
        Assumptions.assumeTrue(Files.isExecutable(FaultlineProcess.nativeBin("confsrv")), "native/ is built (make -C native)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"config-open,open,70", "config-closed,closed,70", "config-thread,thread,70", "config-fork,fork,1",
        "http500,http500,0", "stackoverflow,stackoverflow,70"})
    void runGivesStraceVerdictAndStraceFileCalls(String caseName, String mode, int exitCode,
            @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String bin = FaultlineProcess.nativeBin("confsrv").toString();
        Path mine = FaultlineProcess.caseTree(tmp.resolve("faultline"), caseName);
        FaultlineProcess run = FaultlineProcess.start(mine, List.of(), "run", "--format", "json", "--strace-log", "live.log", "--", bin, mode);
        assertEquals(exitCode, run.waitFor(60), "run mirrors the command (70 = crashed); stderr: " + run.stderr());

        Path theirs = FaultlineProcess.caseTree(tmp.resolve("strace"), caseName);
        Process strace = new ProcessBuilder("strace", "-f", "-o", "strace.log", bin, mode).directory(theirs.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("strace.out").toFile()).start();
        assertTrue(strace.waitFor(60, TimeUnit.SECONDS));

        JsonNode live = JSON.readTree(run.stdout());
        Cli oracle = Cli.run("analyze", "--format", "json", theirs.resolve("strace.log").toString());
        assertTrue(Cli.analyzed(oracle.exit), oracle.err);
        Cli readBack = Cli.run("analyze", "--format", "json", mine.resolve("live.log").toString());
        assertTrue(Cli.analyzed(readBack.exit), readBack.err);
        assertEquals(0, JSON.readTree(readBack.out).get("parse").get("unknown_lines").asLong(), "faultline's log parses whole");

        String want = verdicts(JSON.readTree(oracle.out), theirs);
        assertTrue(!want.isEmpty(), "strace's recording has an incident");
        assertEquals(want, verdicts(live, mine), "faultline run agrees with analyze of strace");
        assertEquals(want, verdicts(JSON.readTree(readBack.out), mine), "analyze of faultline's -o log agrees too");

        List<String> oracleCalls = fileCalls(theirs.resolve("strace.log"));
        assertTrue(String.join("", oracleCalls).contains("openat conf/main.conf = ok"), "the oracle saw the config opened");
        assertEquals(oracleCalls, fileCalls(mine.resolve("live.log")), "the file syscalls, thread by thread, match strace's");
    }

    @org.junit.jupiter.api.Test
    void theSeccompFilterStopsOnlyTheCallsTheEngineReads(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String bin = FaultlineProcess.nativeBin("confsrv").toString();
        Path filtered = FaultlineProcess.caseTree(tmp.resolve("filtered"), "config-open");
        FaultlineProcess a = FaultlineProcess.start(filtered, List.of(), "run", "--strace-log", "live.log", "--", bin, "open");
        assertEquals(70, a.waitFor(60), a.stderr());
        Path every = FaultlineProcess.caseTree(tmp.resolve("every"), "config-open");
        FaultlineProcess b = FaultlineProcess.start(every, List.of(), "run", "--no-seccomp", "--strace-log", "live.log", "--", bin, "open");
        assertEquals(70, b.waitFor(60), b.stderr());
        String withFilter = Files.readString(filtered.resolve("live.log"));
        String without = Files.readString(every.resolve("live.log"));
        assertTrue(without.contains(" brk("), "without the filter every syscall stops, brk included");
        assertTrue(!withFilter.contains(" brk(") && !withFilter.contains(" mprotect("), "with it, brk and mprotect never stop");
        assertTrue(a.stdout().lines().findFirst().orElse("").matches("CRASH SIGSEGV.* ← .*conf/sites/bad\\.conf:3 .*"),
                "the answer on line 1: " + a.stdout());
        assertEquals(fileCalls(every.resolve("live.log")), fileCalls(filtered.resolve("live.log")), "same file calls either way");
    }

    /** kind, class, culprit (relative to the case tree) and line of every incident, in order. */
    private static String verdicts(JsonNode report, Path tree) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode inc : report.get("incidents")) {
            JsonNode v = inc.get("verdict");
            JsonNode c = v.get("culprit");
            String path = c.isNull() ? "-" : c.get("path").asText();
            String prefix = tree.toString() + "/";
            if (path.startsWith(prefix)) {
                path = path.substring(prefix.length());
            }
            sb.append(inc.get("kind").asText()).append(' ').append(v.get("class").asText()).append(' ').append(path)
                    .append(':').append(c.isNull() || c.get("line").isNull() ? "-" : c.get("line").asText()).append('\n');
        }
        return sb.toString();
    }

    /** Per thread, the path-taking calls as "name path = ok|ERRNO"; threads sorted so pids do not matter. */
    static List<String> fileCalls(Path log) throws Exception {
        Map<Integer, StringBuilder> byTid = new LinkedHashMap<>();
        try (TraceSet set = new TraceSet(List.of(log.toString()))) {
            TraceEvent e;
            while ((e = set.next()) != null) {
                if (e.kind != TraceEvent.Kind.SYSCALL || !PATH_ARG.containsKey(e.name) || e.result == TraceEvent.NO_RESULT) {
                    continue;
                }
                String path = CString.decode(e.arg(PATH_ARG.get(e.name)));
                byTid.computeIfAbsent(e.tid, k -> new StringBuilder()).append(e.name).append(' ').append(path)
                        .append(" = ").append(e.failed() ? e.errno : "ok").append('\n');
            }
        }
        List<String> threads = new ArrayList<>();
        byTid.values().forEach(b -> threads.add(b.toString()));
        Collections.sort(threads);
        return threads;
    }
}
