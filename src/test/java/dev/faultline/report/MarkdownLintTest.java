package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * scripts/lint-markdown.sh (markdownlint-cli2) finds nothing in the drafts of real recordings (a crash, a 500, a
 * code crash, no incident), of hostile input, nor in docs/postmortem.md. Skipped where markdownlint-cli2 is not installed.
 */
class MarkdownLintTest {

    @Test
    void draftsOfRealRecordingsAndTheDocsPassMarkdownlint() throws Exception {
        assumeTrue(onPath("markdownlint-cli2"), "markdownlint-cli2 is not installed (npm install -g markdownlint-cli2)");
        Path repo = Cli.repo();
        Path temp = Files.createTempDirectory(Path.of("/tmp"), "postmortem-lint-test-");
        try {
            List<String> cmd = new ArrayList<>(List.of(repo.resolve("scripts/lint-markdown.sh").toString()));
            String[][] cases = {
                {"httpd/location-handler-prefork", "f.txt"},
                {"httpd/htaccess-parse", "f.txt"},
                {"httpd/php-app-crash", "f.txt"},
                {"apache/htaccess-typo", "f_tt_T_yy_s1024.txt"},
                {"apache/not-found-404", "f_tt_T_yy_s1024.txt"},
            };
            for (String[] c : cases) {
                Path dir = MarkdownReportTest.fixture(c[0]);
                Cli r = Cli.run("analyze", dir.resolve(c[1]).toString(), "--error-log", dir.resolve("error.log").toString(),
                        "--root", dir.resolve("snapshot").toString(), "--format", "markdown");
                assertTrue(Cli.analyzed(r.exit), r.err);
                Path draft = temp.resolve(c[0].replace('/', '-') + ".md");
                Files.writeString(draft, r.out, StandardCharsets.UTF_8);
                cmd.add(draft.toString());
            }
            Cli hostile = MarkdownReportTest.hostileDraft(temp);
            assertTrue(Cli.analyzed(hostile.exit), hostile.err);
            Files.writeString(temp.resolve("hostile.md"), hostile.out, StandardCharsets.UTF_8);
            cmd.add(temp.resolve("hostile.md").toString());
            cmd.add(repo.resolve("docs/postmortem.md").toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "markdownlint-cli2 did not finish in 2 minutes");
            assertEquals(0, p.exitValue(), out);
        } finally {
            try (Stream<Path> all = Files.walk(temp)) {
                for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static boolean onPath(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
