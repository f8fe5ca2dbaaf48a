package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.Cli;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code analyze --format markdown} on real recordings (fixtures/httpd, fixtures/apache), parsed as GitHub would
 * parse it (CommonMark with GFM tables): the four sections in order, an evidence table whose cells quote the
 * recorded lines at the line numbers they give, the culprit of the case's expected.properties, and no markup or
 * secret let through from hostile input.
 */
class MarkdownReportTest {
    static final List<String> SECTIONS = List.of("Issue Summary", "Timeline", "Root Cause and Resolution",
            "Corrective and Preventative Measures");
    private static final List<Extension> GFM = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(GFM).build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().extensions(GFM).build();

    private Path temp;

    @AfterEach
    void removeTemp() throws IOException {
        if (temp != null) {
            try (Stream<Path> all = Files.walk(temp)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A case's trace (and error log and snapshot), analyzed by the real CLI as a postmortem draft. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "httpd/location-handler-prefork, f.txt",
        "httpd/htaccess-parse, f.txt",
        "apache/htaccess-typo, f_tt_T_yy_s1024.txt",
    })
    void aCrashOr500CaseIsADraftWithItsCulpritAndQuotedEvidence(String name, String traceName) throws IOException {
        Path dir = fixture(name);
        Path trace = dir.resolve(traceName);
        Cli r = Cli.run("analyze", trace.toString(), "--error-log", dir.resolve("error.log").toString(),
                "--root", dir.resolve("snapshot").toString(), "--format", "markdown");
        assertTrue(Cli.analyzed(r.exit), r.err);
        Node doc = PARSER.parse(r.out);
        assertEquals(SECTIONS, headings(doc, 2), r.out);

        Properties want = expected(dir);
        String culprit = want.getProperty("culprit") + ":" + want.getProperty("line");
        Heading cause = headings(doc, 3, "Root cause 1").get(0);
        String named = codeIn(cause);
        assertTrue(named.endsWith("/" + culprit), "root cause 1 is " + named + ", expected …/" + culprit);

        List<List<Node>> rows = rows(tableAfter(doc, "Evidence"));
        assertFalse(rows.isEmpty());
        int fromTrace = 0;
        for (List<Node> row : rows) {
            assertEquals(3, row.size(), "location, quote, what it shows");
            String location = codeIn(row.get(0));
            String quote = codeIn(row.get(1));
            int colon = location.lastIndexOf(':');
            Path file = Path.of(location.substring(0, colon));
            if (!Files.isRegularFile(file)) {
                continue; // a config file of the recorded server, named by its path there (its line is in the snapshot)
            }
            String line = Files.readAllLines(file, StandardCharsets.UTF_8).get(Integer.parseInt(location.substring(colon + 1)) - 1);
            assertTrue(line.contains(recorded(quote)), location + " holds\n  " + line + "\nnot the quoted\n  " + quote);
            fromTrace += file.equals(trace) ? 1 : 0;
        }
        assertTrue(fromTrace > 0, "the table quotes the trace itself: " + rows.size() + " rows");

        String html = HTML.render(doc);
        for (String s : SECTIONS) {
            assertTrue(html.contains("<h2>" + s + "</h2>"), s);
        }
        assertTrue(html.contains("<table>"));
        assertTrue(r.out.contains("faultline check --config ") && r.out.contains(" --format junit"), "the CI line");
        if (r.out.contains("- Access logs: none")) {
            // (a case whose snapshot holds the server's own access log has it read)
            assertTrue(r.out.contains("- Requests in the window: " + MarkdownReport.NO_ACCESS_LOG), "no access log: unknown, not 0");
        }

        // the resolution carries the exact fix: a diff whose removed line is the culprit line (and a Puppet resource)
        String resolution = r.out.substring(r.out.indexOf("#### Resolution of root cause 1"));
        String culpritText = Files.readAllLines(dir.resolve("snapshot").resolve(named.substring(1, named.lastIndexOf(':'))),
                StandardCharsets.ISO_8859_1).get(Integer.parseInt(want.getProperty("line")) - 1);
        assertTrue(resolution.contains("```diff\n") && resolution.contains("\n-" + culpritText + "\n"),
                "the fix diff removes the culprit line " + culpritText + ":\n" + resolution);
        assertTrue(resolution.contains("```puppet\n") && resolution.contains("file_line {"), resolution);

        // the culprit's own line, quoted from the recorded server's configuration (the httpd cases name its directive)
        if (want.getProperty("directive", "").isBlank()) {
            return;
        }
        Path culpritFile = dir.resolve("snapshot").resolve(named.substring(1, named.lastIndexOf(':')));
        String culpritLine = Files.readAllLines(culpritFile).get(Integer.parseInt(want.getProperty("line")) - 1).strip();
        assertTrue(culpritLine.startsWith(want.getProperty("directive")), culpritLine);
        assertTrue(rows.stream().anyMatch(row -> codeIn(row.get(0)).equals(named) && culpritLine.contains(codeIn(row.get(1)).strip())),
                "the evidence quotes " + named + ": " + culpritLine);
    }

    @Test
    void theAccessLogGivesTheRequestsAndTheShareOfFailures() throws IOException {
        Path dir = fixture("apache/htaccess-unreadable-403");
        Path access = dir.resolve("access.log");
        Cli r = Cli.run("analyze", dir.resolve("f_tt_T_yy_s1024.txt").toString(), "--error-log", dir.resolve("error.log").toString(),
                "--access-log", access.toString(), "--root", dir.resolve("snapshot").toString(), "--format", "markdown");
        assertTrue(Cli.analyzed(r.exit), r.err);
        List<String> lines = Files.readAllLines(access).stream().filter(l -> !l.isBlank()).toList();
        long forbidden = lines.stream().filter(l -> l.contains("\" 403 ")).count();
        assertTrue(forbidden > 0, "the recording's access log has its 403");
        assertTrue(r.out.contains("- Requests in the window: " + lines.size() + " "), r.out);
        assertTrue(r.out.contains("- HTTP 403 answers: " + forbidden + " ("), r.out);
        assertFalse(r.out.contains(MarkdownReport.NO_ACCESS_LOG));
        assertEquals(SECTIONS, headings(PARSER.parse(r.out), 2));
    }

    /**
     * A -tt trace's times of day are placed by the error log's AH00051 entry about the same crash: the draft's crash
     * is as far before that entry as the trace and the log say (the trace's SIGSEGV at 14:26:00.625719, the log's
     * entry at 14:26:00.875713), whatever this host's zone and the trace file's mtime.
     */
    @Test
    void timesOfDayArePlacedByTheErrorLog() throws IOException {
        Path dir = fixture("httpd/location-handler-prefork");
        Cli r = Cli.run("analyze", dir.resolve("f.txt").toString(), "--error-log", dir.resolve("error.log").toString(),
                "--root", dir.resolve("snapshot").toString(), "--format", "markdown");
        assertTrue(Cli.analyzed(r.exit), r.err);
        java.util.regex.Matcher crash = java.util.regex.Pattern.compile("- \\*\\*(\\S+)\\*\\*: first crash").matcher(r.out);
        java.util.regex.Matcher logged = java.util.regex.Pattern.compile("- \\*\\*(\\S+)\\*\\*: first error-log entry").matcher(r.out);
        assertTrue(crash.find() && logged.find(), r.out);
        long apartMs = java.time.Duration.between(java.time.Instant.parse(crash.group(1)), java.time.Instant.parse(logged.group(1))).toMillis();
        assertTrue(apartMs >= 249 && apartMs <= 251, "crash " + crash.group(1) + ", logged " + logged.group(1));
        assertTrue(crash.group(1).endsWith(":00.625Z"), "the trace's own time of day, to the millisecond: " + crash.group(1));
    }

    /** Two recordings of the same .htaccess typo (two servers, two 500s): one root cause, both quoted, not two. */
    @Test
    void incidentsWithTheSameCulpritAreOneRootCause() throws IOException {
        Path dir = fixture("apache/htaccess-typo");
        Path first = dir.resolve("f_tt_T_yy_s1024.txt");
        Path second = dir.resolve("f_o.txt");
        Cli r = Cli.run("analyze", first.toString(), second.toString(), "--error-log", dir.resolve("error.log").toString(),
                "--error-log", dir.resolve("error-f_o.log").toString(), "--format", "markdown");
        assertTrue(Cli.analyzed(r.exit), r.err);
        Node doc = PARSER.parse(r.out);
        assertEquals(2, rows(tableAfter(doc, "Incidents")).size(), "two incidents");
        List<Heading> causes = headings(doc, 3, "Root cause");
        assertEquals(1, causes.size(), r.out);
        assertTrue(codeIn(causes.get(0)).endsWith("/" + expected(dir).getProperty("culprit") + ":" + expected(dir).getProperty("line")));
        assertTrue(r.out.contains("- Incidents: 1 and 2 (one cause: the same culprit)"), r.out);
        List<String> locations = rows(tableAfter(doc, "Evidence")).stream().map(row -> codeIn(row.get(0))).toList();
        assertTrue(locations.stream().anyMatch(l -> l.startsWith(first + ":")) && locations.stream().anyMatch(l -> l.startsWith(second + ":")),
                "both recordings are quoted: " + locations);
    }

    @Test
    void noIncidentIsAShortDraftThatSaysWhatWasExamined() throws IOException {
        Path dir = fixture("apache/not-found-404");
        Path trace = dir.resolve("f_tt_T_yy_s1024.txt");
        Cli r = Cli.run("analyze", trace.toString(), "--error-log", dir.resolve("error.log").toString(), "--format", "markdown");
        assertTrue(Cli.analyzed(r.exit), r.err);
        Node doc = PARSER.parse(r.out);
        assertEquals(SECTIONS, headings(doc, 2));
        assertTrue(r.out.startsWith("# Postmortem draft: no incident found\n"), r.out);
        assertTrue(r.out.contains("- Traces: `" + trace + "`"), "names the trace it read");
        assertTrue(r.out.contains("- Error logs: `" + dir.resolve("error.log") + "`"));
        assertTrue(headings(doc, 3, "Root cause").isEmpty());
    }

    @Test
    void aCrashInCodeNamesNoConfigCulprit() throws IOException {
        Path dir = fixture("httpd/php-app-crash");
        assertEquals("code", expected(dir).getProperty("class"));
        Cli r = Cli.run("analyze", dir.resolve("f.txt").toString(), "--error-log", dir.resolve("error.log").toString(),
                "--root", dir.resolve("snapshot").toString(), "--format", "markdown");
        assertTrue(Cli.analyzed(r.exit), r.err);
        Node doc = PARSER.parse(r.out);
        assertEquals(SECTIONS, headings(doc, 2));
        List<Heading> causes = headings(doc, 3, "Root cause");
        assertEquals(1, causes.size(), "the trace's crash and the error log's record of it are one cause");
        assertEquals("Root cause 1: no config culprit", plain(causes.get(0)));
        assertTrue(r.out.contains("- No config culprit: "), r.out);
        assertFalse(r.out.contains("- File and line:"));
    }

    /** Paths, log lines and request lines that try to break the table, inject HTML, or leak a secret. */
    @Test
    void hostileInputCannotInjectMarkupOrBreakTheTable() throws IOException {
        temp = Files.createTempDirectory(Path.of("/tmp"), "postmortem-test-");
        Cli r = hostileDraft(temp);
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertFalse(r.out.contains("hunter2") || r.out.contains("s3cr3t"), "secrets are masked");

        Node doc = PARSER.parse(r.out);
        assertEquals(SECTIONS, headings(doc, 2));
        String html = HTML.render(doc);
        assertFalse(html.contains("<script"), "no raw <script from the input");
        assertFalse(html.contains("<img"), "no raw HTML from the input");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostile text is shown, escaped");

        // every table row keeps its cells, and the hostile strings are quoted whole inside them
        Node incidents = tableAfter(doc, "Incidents");
        for (List<Node> row : rows(incidents)) {
            assertEquals(7, row.size());
        }
        assertTrue(codesIn(incidents).contains(HOSTILE_REQUEST.replace("s3cr3t", dev.faultline.trace.Redactor.MASK) + " HTTP/1.1"), codesIn(incidents).toString());
        List<String> causes = new ArrayList<>();
        for (Heading h : headings(doc, 3, "Root cause")) {
            causes.add(codeIn(h));
        }
        assertTrue(causes.contains(HOSTILE_PATH), "the hostile path is one culprit, quoted whole: " + causes);
        boolean quoted = false;
        for (Node table : tables(doc)) {
            for (List<Node> row : rows(table)) {
                assertEquals(tableWidth(table), row.size());
                // (quoted as escaped text, not a code span: the path has a backslash before a pipe)
                quoted |= row.size() == 3 && plain(row.get(1)).startsWith(HOSTILE_PATH + ": Invalid command 'Rewrite<img src=x onerror=alert(2)>|``'");
            }
        }
        assertTrue(quoted, "the hostile log line is quoted whole in the evidence table");
    }

    static final String HOSTILE_REQUEST = "GET /app/index.html?q=|`x`<script>alert(3)</script>&token=s3cr3t";
    static final String HOSTILE_PATH = "/srv/x|y`z<script>alert(1)</script>\\|/.htaccess";

    /**
     * The htaccess-typo recording with a hostile request line (pipes, backticks, a script tag, a token), and an
     * error log naming a hostile .htaccess path with HTML and a URL password, analyzed as a draft.
     */
    static Cli hostileDraft(Path temp) throws IOException {
        Path dir = fixture("apache/htaccess-typo");
        Path trace = temp.resolve("trace.txt");
        Files.writeString(trace, Files.readString(dir.resolve("f_tt_T_yy_s1024.txt")).replace("GET /app/index.html", HOSTILE_REQUEST));
        Path log = temp.resolve("error.log");
        Files.writeString(log, "[Tue Nov 24 06:46:58.343642 2026] [core:alert] [pid 100:tid 100] [client 127.0.0.1:60044] " + HOSTILE_PATH
                + ": Invalid command 'Rewrite<img src=x onerror=alert(2)>|``', perhaps misspelled or defined by a module not included in the"
                + " server configuration, referer: http://admin:hunter2@evil.example/\n");
        return Cli.run("analyze", trace.toString(), "--error-log", log.toString(), "--root", dir.resolve("snapshot").toString(),
                "--format", "markdown");
    }

    /** A multi-line hint (a diff) is a fenced block no line of it can close; a secret in it is masked. */
    @Test
    void aFixHintDiffIsOneFencedBlock() {
        String diff = "--- a/.htaccess\n+++ b/.htaccess\n@@ -2 +2 @@\n-RewriteEngin On\n+RewriteEngine On\n ```\n"
                + "</pre><script>alert(1)</script>\n AuthPassword=hunter2\n";
        String md = MarkdownReport.renderFixHint(diff);
        Node doc = PARSER.parse(md);
        org.commonmark.node.FencedCodeBlock block = null;
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof org.commonmark.node.FencedCodeBlock b) {
                assertTrue(block == null, "one block");
                block = b;
            }
        }
        assertTrue(block != null, md);
        assertEquals("diff", block.getInfo());
        assertEquals(diff.strip().replace("hunter2", dev.faultline.trace.Redactor.MASK) + "\n", block.getLiteral());
        assertFalse(HTML.render(doc).contains("<script"));
        assertEquals("Fix hint: did you mean \\`RewriteEngine\\`?\n\n", MarkdownReport.renderFixHint("did you mean `RewriteEngine`?"));
    }

    @Test
    void codeSpansSurviveBackticksAndPipes() {
        for (String s : List.of("`", "``a``", "a|b", "` x `", "a\nb", "<script>`|`</script>", " lead", "\\|", "a\\\\|`|")) {
            Node doc = PARSER.parse("| a |\n| --- |\n| " + Markdown.code(s, true) + " |\n\n" + Markdown.code(s, false) + "\n");
            String shown = s.replace("\n", "\\n");
            List<List<Node>> rows = rows(doc.getFirstChild());
            assertEquals(1, rows.size());
            assertEquals(List.of(shown), rows.get(0).stream().map(MarkdownReportTest::plain).toList(), "in a table: " + s);
            assertEquals(shown, codeIn(doc.getLastChild()), "in a paragraph: " + s);
        }
    }

    // --- helpers over the parsed document ---

    static Path fixture(String name) {
        Path dir = Cli.repo().resolve("fixtures").resolve(name);
        assumeTrue(Files.isDirectory(dir), "no " + dir + " in this checkout");
        return dir;
    }

    private static Properties expected(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("expected.properties"))) {
            p.load(r);
        }
        return p;
    }

    /**
     * A quoted line as recorded: a call strace split in two ("unfinished ... resumed") is quoted joined, at the line
     * of its resumed half; a cut quote ends in ….
     */
    private static String recorded(String quote) {
        String q = quote.endsWith("…") ? quote.substring(0, quote.length() - 1) : quote;
        String joint = "<unfinished ...> ... ";
        int resumed = q.indexOf(joint);
        return resumed >= 0 ? q.substring(resumed + joint.length()) : q;
    }

    static List<String> headings(Node doc, int level) {
        List<String> out = new ArrayList<>();
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && h.getLevel() == level) {
                out.add(plain(h));
            }
        }
        return out;
    }

    private static List<Heading> headings(Node doc, int level, String prefix) {
        List<Heading> out = new ArrayList<>();
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && h.getLevel() == level && plain(h).startsWith(prefix)) {
                out.add(h);
            }
        }
        return out;
    }

    /** The first table after the heading that starts with {@code heading}. */
    private static Node tableAfter(Node doc, String heading) {
        boolean after = false;
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && plain(h).startsWith(heading)) {
                after = true;
            } else if (after && n instanceof TableBlock) {
                return n;
            }
        }
        throw new AssertionError("no table after " + heading);
    }

    private static List<Node> tables(Node doc) {
        List<Node> out = new ArrayList<>();
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof TableBlock) {
                out.add(n);
            }
        }
        return out;
    }

    private static int tableWidth(Node table) {
        Node headRow = table.getFirstChild().getFirstChild();
        int n = 0;
        for (Node c = headRow.getFirstChild(); c != null; c = c.getNext()) {
            n++;
        }
        return n;
    }

    /** The body rows, each as its cells. */
    private static List<List<Node>> rows(Node table) {
        List<List<Node>> out = new ArrayList<>();
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            if (!(section instanceof TableBody)) {
                continue;
            }
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                assertTrue(row instanceof TableRow);
                List<Node> cells = new ArrayList<>();
                for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
                    assertTrue(c instanceof TableCell);
                    cells.add(c);
                }
                out.add(cells);
            }
        }
        return out;
    }

    /** The literal of the one code span in {@code n}. */
    private static String codeIn(Node n) {
        List<String> codes = codesIn(n);
        assertEquals(1, codes.size(), "one code span in " + plain(n));
        return codes.get(0);
    }

    private static List<String> codesIn(Node n) {
        List<String> out = new ArrayList<>();
        collect(n, out);
        return out;
    }

    private static void collect(Node n, List<String> out) {
        if (n instanceof Code c) {
            out.add(c.getLiteral());
        }
        for (Node k = n.getFirstChild(); k != null; k = k.getNext()) {
            collect(k, out);
        }
    }

    private static String plain(Node n) {
        StringBuilder sb = new StringBuilder();
        plain(n, sb);
        return sb.toString();
    }

    private static void plain(Node n, StringBuilder sb) {
        if (n instanceof Text t) {
            sb.append(t.getLiteral());
        } else if (n instanceof Code c) {
            sb.append(c.getLiteral());
        }
        for (Node k = n.getFirstChild(); k != null; k = k.getNext()) {
            plain(k, sb);
        }
    }
}
