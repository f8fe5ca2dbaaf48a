package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recording of every fixture (native/confsrv under seven strace flag sets, real Apache + PHP under two)
 * gives the verdict its expected.properties names, through the real CLI and its JSON contract.
 */
class FixtureVerdictTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Object[]> recordings() throws IOException {
        return recordingsUnder(Cli.repo().resolve("fixtures")).stream();
    }

    static List<Object[]> recordingsUnder(Path fixtures) throws IOException {
        List<Object[]> out = new ArrayList<>();
        List<Path> caseDirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(fixtures)) {
            s.filter(d -> Files.isRegularFile(d.resolve("expected.properties"))).forEach(caseDirs::add);
        }
        Path apache = fixtures.resolve("apache");
        if (Files.isDirectory(apache)) {
            try (Stream<Path> s = Files.list(apache)) {
                s.filter(d -> Files.isRegularFile(d.resolve("expected.properties"))).forEach(caseDirs::add);
            }
        }
        caseDirs.sort(null);
        for (Path dir : caseDirs) {
            List<String> root = Files.isDirectory(dir.resolve("snapshot")) ? List.of("--root", dir.resolve("snapshot").toString()) : List.of();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.sorted().collect(Collectors.toList())) {
                    String n = f.getFileName().toString();
                    // f_*: strace -f of the server; p_*: of its parent alone; fpm_<name>: php-fpm in the same run as <name>
                    if ((n.startsWith("f_") || n.startsWith("p_")) && n.endsWith(".txt") || n.equals("stderr.txt")) {
                        List<String> args = new ArrayList<>(root);
                        args.add(f.toString());
                        Path fpm = dir.resolve("fpm_" + n);
                        if (Files.isRegularFile(fpm)) {
                            args.add(fpm.toString());
                        }
                        out.add(new Object[] {fixtures.relativize(f).toString() + (Files.isRegularFile(fpm) ? " + fpm_" + n : ""), dir, args});
                    }
                }
            }
            Path ff = dir.resolve("ff");
            if (Files.isDirectory(ff)) {
                try (Stream<Path> s = Files.list(ff)) {
                    List<String> args = new ArrayList<>(root);
                    s.sorted().forEach(p -> args.add(p.toString()));
                    out.add(new Object[] {fixtures.relativize(ff).toString() + "/*", dir, args});
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void verdictMatchesExpected(String name, Path caseDir, List<String> args) throws IOException {
        check(caseDir, args);
    }

    /** Every recorded error.log, alone (no trace): the verdict its errorlog.* keys name. */
    static Stream<Object[]> errorLogs() throws IOException {
        List<Object[]> out = new ArrayList<>();
        for (Object[] r : recordingsUnder(Cli.repo().resolve("fixtures"))) {
            Path dir = (Path) r[1];
            if (Files.isRegularFile(dir.resolve("error.log")) && new Expected(dir.resolve("expected.properties")).fromErrorLog != null
                    && out.stream().noneMatch(o -> o[1].equals(dir))) {
                out.add(new Object[] {Cli.repo().resolve("fixtures").relativize(dir.resolve("error.log")).toString(), dir});
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorLogs")
    void theErrorLogAloneGivesItsVerdict(String name, Path caseDir) throws IOException {
        Expected want = new Expected(caseDir.resolve("expected.properties")).fromErrorLog;
        check(want, List.of("--root", caseDir.resolve("snapshot").toString(), "--error-log", caseDir.resolve("error.log").toString()));
    }

    static void check(Path caseDir, List<String> args) throws IOException {
        check(new Expected(caseDir.resolve("expected.properties")), args);
    }

    static void check(Expected want, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("analyze", "--format", "json"));
        cmd.addAll(args);
        Cli r = Cli.run(cmd.toArray(new String[0]));
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode root = JSON.readTree(r.out);
        JsonNode incidents = root.get("incidents");
        assertEquals(0, root.get("parse").get("unknown_lines").asLong(), "no unknown lines");
        if (!want.hint.isEmpty()) {
            assertTrue(root.get("hints").toString().contains(want.hint), "a hint says '" + want.hint + "': " + root.get("hints"));
        }
        if (want.anchor.equals("none")) {
            assertEquals(0, incidents.size(), "no crash and no 5xx: " + r.out);
            return;
        }
        assertTrue(incidents.size() >= 1, "an incident is found");
        for (JsonNode inc : incidents) {
            assertEquals(want.anchor, inc.get("kind").asText(), "anchor kind");
            assertTrue(inc.get("pid").asInt() > 0 && inc.get("tid").asInt() > 0, "pid and tid");
            if (want.anchor.equals("crash")) {
                assertEquals("SIGSEGV", inc.get("signal").asText());
            } else if (want.status != null) {
                assertEquals(want.status.intValue(), inc.get("status").asInt(), "status");
            } else {
                assertTrue(inc.get("status").asInt() >= 500);
            }
            JsonNode v = inc.get("verdict");
            assertEquals(want.verdictClass, v.get("class").asText(), "class; reason: " + v.get("reason").asText());
            JsonNode culprit = v.get("culprit");
            if (want.culprit.isEmpty()) {
                assertTrue(culprit.isNull(), "no config file implicated, but got " + culprit);
                String reason = v.get("reason").asText();
                assertTrue(reason.startsWith("no config file implicated") || reason.startsWith("no file named"), reason);
                continue;
            }
            assertFalse(culprit.isNull(), "a culprit is named");
            String path = culprit.get("path").asText();
            assertTrue(path.equals(want.culprit) || path.endsWith("/" + want.culprit), "culprit " + path + " ends with " + want.culprit);
            if (want.line == null) {
                assertTrue(culprit.get("line").isNull());
            } else {
                assertEquals(want.line.intValue(), culprit.get("line").asInt(), "culprit line");
            }
            assertTrue(v.get("confidence").asDouble() >= 0.5, "confident");
            if (!want.phase.isEmpty()) {
                assertEquals(want.phase, v.path("phase").asText(), "phase; " + v);
            }
            if (!want.module.isEmpty()) {
                assertEquals(want.module, v.path("module").asText(), "module; " + v);
            }
            if (!want.directive.isEmpty()) {
                assertTrue(want.directive.equalsIgnoreCase(v.path("directive").asText()), "directive " + want.directive + "; " + v);
            }
            JsonNode top = v.get("candidates").get(0);
            assertTrue(top.get("evidence").size() > 0 && top.get("evidence").get(0).get("log").size() > 0
                    || top.get("evidence").size() > 1, "the culprit comes with evidence lines");
        }
    }
}
