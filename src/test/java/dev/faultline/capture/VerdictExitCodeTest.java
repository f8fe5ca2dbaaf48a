package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exit code says what the analysis found, for scripts (docs/cli.md): 0 no incident, 20 a config culprit named,
 * 21 incidents without one. Each outcome through the real CLI in a JVM of its own: analyze on recorded traces, run
 * with --exit-code=verdict on the native fixtures (and with its default policy, the command's own status), core.
 */
class VerdictExitCodeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "analyze {0} exits {1}")
    @CsvSource({"fixtures/httpd/location-handler-prefork/f.txt,20", "fixtures/apache/htaccess-typo/f_tt_T_yy_s1024.txt,20",
        "fixtures/apache/php-stack-overflow/f_tt_T_yy_s1024.txt,21", "fixtures/apache/directoryindex-healthy/f_tt_T_yy_s1024.txt,0"})
    void analyzeExitsWithTheVerdict(String trace, int code) throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "analyze", "--format", "json", Cli.repo().resolve(trace).toString());
        assertEquals(code, fl.waitFor(60), fl.stderr());
        assertTrue(fl.stdout().startsWith("{"), "the report was printed: " + fl.stdout());
    }

    @Test
    void analyzeErrorsKeepTheirOwnCodes() throws Exception {
        FaultlineProcess missing = FaultlineProcess.start(tmp, List.of(), "analyze", tmp.resolve("nosuch.txt").toString());
        assertEquals(ExitCodes.NOT_FOUND, missing.waitFor(60), missing.stderr());
        FaultlineProcess fixNone = FaultlineProcess.start(tmp, List.of(), "analyze", "--fix-diff",
                Cli.repo().resolve("fixtures/apache/php-stack-overflow/f_tt_T_yy_s1024.txt").toString());
        assertEquals(ExitCodes.NO_FIX, fixNone.waitFor(60), "--fix-format keeps its own policy: " + fixNone.stderr());
    }

    @Test
    void coreOfACrashWithoutADirectiveInMemoryExits21() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "core",
                Cli.repo().resolve("fixtures/httpd/location-handler-prefork/core.zst").toString());
        assertEquals(ExitCodes.INCIDENTS_WITHOUT_CULPRIT, fl.waitFor(60), fl.stderr());
        assertTrue(fl.stdout().startsWith("no config culprit: CRASH SIGSEGV in mod_faultdemo.so"), fl.stdout());
    }

    /** The native fixture cases: what the command does, and what run exits with under each policy. */
    @ParameterizedTest(name = "run {0}: status {2}, verdict {3}")
    @CsvSource({"config-open,open,70,20", "http500,http500,0,20", "stackoverflow,stackoverflow,70,21"})
    void runExitsWithTheCommandsStatusOrTheVerdict(String caseName, String mode, int status, int verdict) throws Exception {
        needsPtrace();
        String bin = FaultlineProcess.nativeBin("confsrv").toString();
        Path a = FaultlineProcess.caseTree(tmp.resolve("status"), caseName);
        FaultlineProcess byStatus = FaultlineProcess.start(a, List.of(), "run", "--", bin, mode);
        assertEquals(status, byStatus.waitFor(60), "the command's own status by default: " + byStatus.stderr());
        Path b = FaultlineProcess.caseTree(tmp.resolve("verdict"), caseName);
        FaultlineProcess byVerdict = FaultlineProcess.start(b, List.of(), "run", "--exit-code=verdict", "--format", "json", "--", bin, mode);
        assertEquals(verdict, byVerdict.waitFor(60), byVerdict.stdout() + byVerdict.stderr());
        var errors = dev.faultline.report.ReportSchema.errors(byVerdict.stdout());
        assertTrue(errors.isEmpty(), () -> "run's JSON (with its live capture) against the schema: " + errors);
    }

    @Test
    void runOfACleanCommandExitsZeroEitherWay() throws Exception {
        needsPtrace();
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "run", "--exit-code=verdict", "--", "/bin/true");
        assertEquals(ExitCodes.OK, fl.waitFor(60), fl.stderr());
        assertTrue(fl.stdout().startsWith("no incident: "), fl.stdout());
        FaultlineProcess bad = FaultlineProcess.start(tmp, List.of(), "run", "--exit-code=sometimes", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, bad.waitFor(60), bad.stderr());
        assertTrue(bad.stderr().contains("--exit-code must be status or verdict"), bad.stderr());
    }

    @Test
    void theHelpListsTheVerdictCodes() throws Exception {
        FaultlineProcess fl = FaultlineProcess.start(tmp, List.of(), "--help");
        assertEquals(ExitCodes.OK, fl.waitFor(60), fl.stderr());
        for (String code : List.of("20", "21", "70", "75", "76", "130", "143")) {
            assertTrue(fl.stdout().lines().anyMatch(l -> l.trim().startsWith(code + " ")), "exit code " + code + " in --help: " + fl.stdout());
        }
        String table = Files.readString(Cli.repo().resolve("docs/cli.md"));
        for (int code : new int[] {ExitCodes.CULPRIT_NAMED, ExitCodes.INCIDENTS_WITHOUT_CULPRIT, ExitCodes.LAUNCHER}) {
            assertTrue(table.contains("\n| " + code + " | "), "docs/cli.md's table has " + code);
        }
    }

    private static void needsPtrace() {
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (Yama ptrace_scope)");
        Assumptions.assumeTrue(Files.isExecutable(FaultlineProcess.nativeBin("confsrv")), "native/ is built (make -C native)");
    }
}
