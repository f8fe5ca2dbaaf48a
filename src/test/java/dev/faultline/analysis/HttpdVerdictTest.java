package dev.faultline.analysis;

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
 * Every recording of the real Apache crash corpus (fixtures/httpd, native/apache/record-httpd.sh) gives its case's
 * answer: class, phase, module, directive, file and line, or no culprit for the negatives. Each trace form is
 * checked on its own (strace -f, -ff, -k, -p per thread, apache2 -t), and with the case's core when it has one.
 * {@code -Dfaultline.httpd.corpus=DIR} checks a re-recorded corpus (for example a variant one) instead.
 */
class HttpdVerdictTest {
    private static final List<String> TRACES = List.of("f.txt", "k.txt", "p.txt", "t.txt");

    static Path corpus() {
        String other = System.getProperty("faultline.httpd.corpus");
        return other != null ? Path.of(other) : Cli.repo().resolve("fixtures/httpd");
    }

    static Stream<Object[]> recordings() throws IOException {
        return recordingsOf(corpus()).stream();
    }

    static List<Object[]> recordingsOf(Path corpus) throws IOException {
        List<Object[]> out = new ArrayList<>();
        if (!Files.isDirectory(corpus)) {
            return out;
        }
        List<Path> cases;
        try (Stream<Path> s = Files.list(corpus)) {
            cases = s.filter(d -> Files.isRegularFile(d.resolve("expected.properties"))).sorted().collect(Collectors.toList());
        }
        for (Path dir : cases) {
            List<String> root = List.of("--root", dir.resolve("snapshot").toString());
            boolean startup = new Expected(dir.resolve("expected.properties")).phase.equals("startup");
            for (String t : TRACES) {
                Path f = dir.resolve(t);
                if (Files.isRegularFile(f)) {
                    List<String> args = new ArrayList<>(root);
                    if (t.equals("p.txt")) {
                        // strace -p of a running server shows no command line and no configuration read: the user names it
                        args.addAll(List.of("--config", "/tmp/faultline-httpd/" + dir.getFileName() + "/conf/httpd.conf"));
                    }
                    args.add(f.toString());
                    out.add(new Object[] {dir.getFileName() + "/" + t, dir, args});
                    if (startup && !t.equals("p.txt") && Files.isExecutable(Path.of("/usr/sbin/apache2"))) {
                        // the same trace, with the tie settled by apache2 -t on a private copy of the snapshot
                        List<String> confirm = new ArrayList<>(List.of("--confirm"));
                        confirm.addAll(args);
                        out.add(new Object[] {dir.getFileName() + "/" + t + " --confirm", dir, confirm});
                    }
                }
            }
            Path ff = dir.resolve("ff");
            if (Files.isDirectory(ff)) {
                List<String> args = new ArrayList<>(root);
                try (Stream<Path> s = Files.list(ff)) {
                    s.sorted().forEach(p -> args.add(p.toString()));
                }
                out.add(new Object[] {dir.getFileName() + "/ff/*", dir, args});
            }
            Path core = dir.resolve("core.zst");
            if (Files.isRegularFile(core)) {
                String trace = Files.isRegularFile(dir.resolve("t.txt")) ? "t.txt" : "f.txt";
                List<String> args = new ArrayList<>(root);
                args.addAll(List.of("--core", core.toString(), dir.resolve(trace).toString()));
                out.add(new Object[] {dir.getFileName() + "/" + trace + " --core", dir, args});
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void verdictMatchesTheCase(String name, Path caseDir, List<String> args) throws IOException {
        Expected want = new Expected(caseDir.resolve("expected.properties"));
        if (want.phase.equals("startup") && !args.contains("--core") && !args.contains("--confirm")) {
            lineAmongCandidatesAndNoWrongCulprit(want, args);
        } else {
            FixtureVerdictTest.check(caseDir, args);
        }
    }

    /**
     * A start-up crash with no stack and no core: every directive ran in the parent and the trace cannot say which one
     * crashed when the module has two lines. The verdict must not guess: no culprit, the right line among the
     * candidates, and the way to an answer (configtest bisection, a core).
     */
    private static void lineAmongCandidatesAndNoWrongCulprit(Expected want, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("analyze", "--format", "json"));
        cmd.addAll(args);
        Cli r = Cli.run(cmd.toArray(new String[0]));
        org.junit.jupiter.api.Assertions.assertTrue(Cli.analyzed(r.exit), r.err);
        com.fasterxml.jackson.databind.JsonNode incidents = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out).get("incidents");
        org.junit.jupiter.api.Assertions.assertEquals(1, incidents.size(), r.out);
        com.fasterxml.jackson.databind.JsonNode v = incidents.get(0).get("verdict");
        com.fasterxml.jackson.databind.JsonNode culprit = v.get("culprit");
        if (!culprit.isNull()) {
            org.junit.jupiter.api.Assertions.assertTrue(culprit.get("path").asText().endsWith("/" + want.culprit)
                    && culprit.get("line").asInt() == want.line, "a culprit, then the right one: " + v);
            return;
        }
        org.junit.jupiter.api.Assertions.assertEquals(want.phase, v.get("phase").asText(), v.toString());
        org.junit.jupiter.api.Assertions.assertTrue(v.get("reason").asText().contains("configtest"), v.toString());
        boolean listed = false;
        for (com.fasterxml.jackson.databind.JsonNode c : v.get("candidates")) {
            listed |= c.get("path").asText().endsWith("/" + want.culprit) && c.get("line").asInt() == want.line;
        }
        org.junit.jupiter.api.Assertions.assertTrue(listed, "the right line is a candidate: " + v);
    }
}
