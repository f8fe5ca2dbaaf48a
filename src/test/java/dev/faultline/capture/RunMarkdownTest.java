package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code faultline run --format markdown} on a real crashing program (native/ confsrv, the config-open case): the
 * live report is a postmortem draft too, naming the culprit line, with times placed exactly (live times are epoch).
 */
class RunMarkdownTest {

    @Test
    void aLiveCrashIsAPostmortemDraft() throws Exception {
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (Yama ptrace_scope)");
        Assumptions.assumeTrue(Files.isExecutable(FaultlineProcess.nativeBin("confsrv")), "native/ is built (make -C native)");
        Path temp = Files.createTempDirectory(Path.of("/tmp"), "postmortem-run-test-");
        try {
            Path tree = FaultlineProcess.caseTree(temp, "config-open");
            Instant before = Instant.now();
            FaultlineProcess run = FaultlineProcess.start(tree, List.of(), "run", "--format", "markdown", "--",
                    FaultlineProcess.nativeBin("confsrv").toString(), "open");
            assertEquals(70, run.waitFor(60), "run mirrors the crashed command; stderr: " + run.stderr());
            Instant after = Instant.now();
            String md = run.stdout();

            Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
            List<String> h2 = new ArrayList<>();
            String cause = null;
            for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
                if (n instanceof Heading h && h.getLevel() == 2) {
                    h2.add(((Text) h.getFirstChild()).getLiteral());
                } else if (n instanceof Heading h && h.getLevel() == 3 && h.getLastChild() instanceof Code c && cause == null) {
                    cause = c.getLiteral();
                }
            }
            assertEquals(List.of("Issue Summary", "Timeline", "Root Cause and Resolution", "Corrective and Preventative Measures"), h2, md);
            assertEquals(tree.resolve("conf/sites/bad.conf") + ":3", cause, md);

            // the first crash's time is a live epoch time: within the run, not placed by any file's mtime
            Matcher m = Pattern.compile("- \\*\\*([0-9TZ:.-]+)\\*\\*: first crash").matcher(md);
            assertTrue(m.find(), md);
            Instant crashed = Instant.parse(m.group(1));
            assertTrue(!crashed.isBefore(before.minus(Duration.ofSeconds(1))) && !crashed.isAfter(after), crashed + " within the run");
            assertTrue(md.contains("- Traces: `run:"), "says what was examined");
        } finally {
            try (Stream<Path> all = Files.walk(temp)) {
                for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
