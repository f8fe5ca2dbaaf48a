package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import dev.faultline.Cli;
import dev.faultline.report.Report;
import dev.faultline.report.ReportSchema;
import dev.faultline.report.TextReport;
import dev.faultline.report.TextStyle;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The text report answers first and fits one screen for every recorded case of the corpus (fixtures/apache,
 * fixtures/httpd): at most 25 lines of at most 100 columns, line 1 the answer expected.properties knows. A golden file
 * pins the layout of four kinds of answer; the JSON of every case validates against docs/faultline-report.schema.json;
 * analyze's exit code says which kind of answer it gave.
 */
class TextReportLayoutTest {
    static final int SCREEN_LINES = 25;
    static final int SCREEN_COLUMNS = 100;
    /** Set -Dfaultline.golden.update=true to rewrite the golden files from the current layout (then review the diff). */
    static final boolean UPDATE_GOLDEN = Boolean.getBoolean("faultline.golden.update");

    /** One recorded case: its directory, the trace analyzed, and what expected.properties says line 1 must name. */
    record Case(Path dir, Path trace, String anchor, String culprit, String line) {
        String name() {
            return dir.getParent().getFileName() + "/" + dir.getFileName();
        }

        String[] analyze(String... more) {
            List<String> args = new ArrayList<>(List.of("analyze", "--root", dir.resolve("snapshot").toString()));
            if (Files.isRegularFile(core())) {
                args.addAll(List.of("--core", core().toString()));
            }
            args.addAll(List.of(more));
            args.add(trace.toString());
            return args.toArray(new String[0]);
        }

        /** The core dump of the crash, when the case recorded one (its culprit module and phase are evidence). */
        Path core() {
            return dir.resolve("core.zst");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * The trace with the most detail each case has: strace -f -tt -T -yy -s 1024 (apache), -p for parent-only,
     * the crashing apache2 -t whose core the case holds (httpd/startup-parse), else f.txt (httpd).
     */
    static Stream<Case> corpus() throws IOException {
        List<Case> out = new ArrayList<>();
        for (String set : List.of("fixtures/apache", "fixtures/httpd")) {
            try (Stream<Path> dirs = Files.list(Cli.repo().resolve(set))) {
                for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                    Path trace = Stream.of("f_tt_T_yy_s1024.txt", "p_tt_T_yy_s1024.txt", "t.txt", "f.txt").map(d::resolve)
                            .filter(Files::isRegularFile).findFirst().orElseThrow();
                    Properties p = new Properties();
                    try (Reader r = Files.newBufferedReader(d.resolve("expected.properties"))) {
                        p.load(r);
                    }
                    out.add(new Case(d, trace, p.getProperty("anchor", "").trim(), p.getProperty("culprit", "").trim(),
                            p.getProperty("line", "").trim()));
                }
            }
        }
        return out.stream();
    }

    static Case corpusCase(String name) throws IOException {
        return corpus().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCaseFitsOneScreenWithTheAnswerOnLineOne(Case c) {
        Cli r = Cli.run(c.analyze("--color=never"));
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.size() <= SCREEN_LINES, c + ": " + lines.size() + " lines\n" + r.out);
        int width = Math.min(SCREEN_COLUMNS, TextStyle.terminalWidth(false));
        for (String l : lines) {
            assertTrue(l.length() <= width, c + ": a line of " + l.length() + " columns: " + l);
        }
        assertFalse(r.out.contains("\u001b["), "--color=never: no escape sequence");
        String first = lines.get(0);
        if (c.anchor().equals("none")) {
            assertTrue(first.startsWith("no incident: "), c + ": " + first);
            assertEquals(ExitCodes.OK, r.exit, r.err);
        } else if (c.culprit().isEmpty()) {
            assertTrue(first.startsWith("no config culprit: "), c + ": " + first);
            assertEquals(ExitCodes.INCIDENTS_WITHOUT_CULPRIT, r.exit, r.err);
        } else {
            String file = c.culprit().substring(c.culprit().lastIndexOf('/') + 1);
            String where = file + (c.line().isEmpty() ? "" : ":" + c.line());
            assertTrue(first.contains(" ← ") && first.contains(where), c + ": line 1 names " + where + ": " + first);
            assertTrue(first.matches(c.anchor().equals("crash") ? "^CRASH SIG.*" : "^[45]\\d\\d ← .*"), c + ": what broke comes first: " + first);
            assertEquals(ExitCodes.CULPRIT_NAMED, r.exit, r.err);
        }
        assertTrue(lines.get(lines.size() - 1).startsWith("summary: "), "the last line counts the incidents: " + r.out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCasesJsonValidatesAgainstThePublishedSchema(Case c) {
        Cli r = Cli.run(c.analyze("--format", "json"));
        List<Error> errors = ReportSchema.errors(r.out);
        assertTrue(errors.isEmpty(), () -> c + ": schema errors: " + errors);
    }

    @Test
    void theSchemaRejectsAReportThatBreaksTheContract() throws IOException {
        // without this, a schema that asserts nothing would let the test above pass
        Case c = corpusCase("apache/htaccess-typo");
        String json = Cli.run(c.analyze("--format", "json")).out;
        assertTrue(ReportSchema.errors(json).isEmpty());
        assertFalse(ReportSchema.errors(json.replace("\"class\" : \"config\"", "\"class\" : \"bogus\"")).isEmpty(),
                "an unknown verdict class");
        assertFalse(ReportSchema.errors(json.replace("\"confidence\" : 0.", "\"confidence\" : 7.")).isEmpty(),
                "a confidence above 1");
        assertFalse(ReportSchema.errors(json.replaceFirst("\"incidents_dropped\" : 0,", "")).isEmpty(),
                "a required field missing");
    }

    /** Four kinds of answer, the layout pinned: crash with a culprit, 500 with a culprit, no culprit, no incident. */
    @ParameterizedTest
    @ValueSource(strings = {"httpd/location-handler-prefork", "apache/htaccess-typo", "apache/php-stack-overflow",
        "apache/directoryindex-healthy", "apache/php-missing-include"})
    void goldenLayout(String name) throws Exception {
        Case c = corpusCase(name);
        AnalyzeCommand a = new AnalyzeCommand();
        a.traces = List.of(c.trace().toString());
        a.root = c.dir().resolve("snapshot");
        if (Files.isRegularFile(c.core())) {
            a.cores = List.of(c.core());
        }
        Report report = a.report();
        String text = new TextReport(new TextStyle(SCREEN_COLUMNS, false, 0)).render(report);
        Path golden = Cli.repo().resolve("src/test/resources/golden/text-report/" + name.replace('/', '_') + ".txt");
        if (UPDATE_GOLDEN) {
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), text, "the layout changed; review, then -Dfaultline.golden.update=true");
    }

    @Test
    void verbosityAddsTheCandidateTableThenTheTimeline() throws IOException {
        Case c = corpusCase("apache/php-stack-overflow");
        String plain = Cli.run(c.analyze()).out;
        String v = Cli.run(c.analyze("-v")).out;
        String vv = Cli.run(c.analyze("-vv")).out;
        assertFalse(plain.contains("candidates:"), plain);
        assertTrue(plain.contains("-v lists the 2 weaker candidates"), "the short report says where the rest is: " + plain);
        assertTrue(v.contains("candidates:") && v.contains("walk.php  score") && !v.contains("timeline"), v);
        assertTrue(vv.contains("candidates:") && vv.contains("timeline (last file activities of tid"), vv);
        assertEquals(plain.lines().findFirst(), vv.lines().findFirst(), "the answer stays on line 1");
    }

    @Test
    void colourOnlyWhenAskedOrOnATerminal() throws IOException {
        Case c = corpusCase("apache/htaccess-typo");
        assertTrue(Cli.run(c.analyze("--color=always")).out.startsWith("\u001b[1;31m500 ← "), "the answer in bold red");
        assertFalse(Cli.run(c.analyze()).out.contains("\u001b["), "auto: not a terminal here");
        assertFalse(Cli.run(c.analyze("--color=always", "--no-color")).out.contains("\u001b["), "--no-color is --color=never");
        Cli bad = Cli.run(c.analyze("--color=sometimes"));
        assertEquals(ExitCodes.USAGE, bad.exit);
        assertTrue(bad.err.contains("--color must be auto, always or never"), bad.err);
    }

    @Test
    void sameSignatureIncidentsAreOneGroup() throws IOException {
        // php-missing-include: two workers answered 500 for the same referrer line
        Case c = corpusCase("apache/php-missing-include");
        List<String> lines = Cli.run(c.analyze()).out.lines().toList();
        assertTrue(lines.get(1).startsWith("  ×2 (pids "), lines.get(1));
        assertEquals(1, lines.stream().filter(l -> l.contains(" ← ")).count(), "one answer for the group: " + lines);
        assertTrue(lines.get(lines.size() - 1).startsWith("summary: 2 incidents: missing-include 2"), lines.get(lines.size() - 1));
    }

    @Test
    void demoIsOneScreenAnswerFirstAndItsJsonIsJson() throws Exception {
        Cli r = Cli.run("demo", "--color=never");
        assertEquals(ExitCodes.OK, r.exit, r.err);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.size() <= SCREEN_LINES, lines.size() + " lines: " + r.out);
        assertTrue(lines.get(0).startsWith("CRASH SIGSEGV in faultdemo_module ← conf/conf.d/40-z.conf:9"), lines.get(0));
        assertTrue(r.out.contains("$ faultline analyze f.txt") && r.out.contains("--format markdown") && r.out.contains("faultline check"),
                "the command to use and the next steps: " + r.out);
        Cli json = Cli.run("demo", "--format", "json");
        assertTrue(ReportSchema.errors(json.out).isEmpty(), json.out);
    }

    @Test
    void pathsAreShortenedInTheMiddle() {
        String p = "/srv/www/customers/acme/very/long/path/to/the/site/conf.d/20-x.conf";
        String s = TextStyle.middle(p, 30);
        assertEquals(30, s.length());
        assertTrue(s.startsWith("/srv/") && s.endsWith("conf.d/20-x.conf") && s.contains("…"), s);
        assertEquals(p, TextStyle.middle(p, 200));
    }
}
