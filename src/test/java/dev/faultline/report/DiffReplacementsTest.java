package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a fix diff as SARIF replacements: diffs made by the real diff(1) from corpus files, applied the way a
 * SARIF consumer applies whole-line regions, must give the fixed file back.
 */
class DiffReplacementsTest {
    private static final Path DIFF = Path.of("/usr/bin/diff");
    private static final Path APP = Path.of(
            "fixtures/apache/htaccess-typo/snapshot/tmp/faultline-apache/htaccess-typo");

    @TempDir
    Path tmp;

    /** diff -U{context} a/name b/name, run in tmp on the two texts. */
    private String diff(String name, String before, String after, int context) throws Exception {
        assumeTrue(Files.isExecutable(DIFF), "diff(1) is not installed");
        Files.createDirectories(tmp.resolve("a").resolve(name).getParent());
        Files.createDirectories(tmp.resolve("b").resolve(name).getParent());
        Files.writeString(tmp.resolve("a").resolve(name), before);
        Files.writeString(tmp.resolve("b").resolve(name), after);
        Process p = new ProcessBuilder(DIFF.toString(), "-U" + context, "a/" + name, "b/" + name)
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), out);
        return out;
    }

    /** Applies the replacements bottom-up, a region being whole lines startLine .. startLine+deleted-1. */
    private static String apply(String before, List<DiffReplacements.Replacement> replacements) {
        List<String> lines = new ArrayList<>(List.of(before.split("(?<=\n)")));
        List<DiffReplacements.Replacement> bottomUp = new ArrayList<>(replacements);
        bottomUp.sort(Comparator.comparingInt(DiffReplacements.Replacement::startLine).reversed());
        for (DiffReplacements.Replacement r : bottomUp) {
            for (int i = 0; i < r.deletedLines(); i++) {
                lines.remove(r.startLine() - 1);
            }
            lines.addAll(r.startLine() - 1, r.inserted().isEmpty() ? List.of() : List.of(r.inserted().split("(?<=\n)")));
        }
        return String.join("", lines);
    }

    private void roundTrip(String name, String before, String after, int context) throws Exception {
        String diff = diff(name, before, after, context);
        List<DiffReplacements.FileChange> changes = DiffReplacements.parse(diff);
        assertEquals(1, changes.size(), diff);
        assertEquals(name, changes.get(0).path());
        assertEquals(after, apply(before, changes.get(0).replacements()), diff);
    }

    @Test
    void htaccessTypoFix() throws Exception {
        String before = Files.readString(APP.resolve("htdocs/app/.htaccess"));
        String after = before.replace("RewriteEngin On", "RewriteEngine On");
        String diff = diff("htdocs/app/.htaccess", before, after, 3);
        List<DiffReplacements.FileChange> changes = DiffReplacements.parse(diff);
        assertEquals(List.of(new DiffReplacements.FileChange("htdocs/app/.htaccess",
                List.of(new DiffReplacements.Replacement(2, 1, "RewriteEngine On\n")))), changes);
        assertEquals(changes, DiffReplacements.parse(CheckResults.HTACCESS_FIX), "the test data is a real diff");
    }

    @Test
    void deletionsInsertionsAndChangesAcrossHunksWithAndWithoutContext() throws Exception {
        String before = Files.readString(APP.resolve("conf/httpd.conf"));
        List<String> lines = new ArrayList<>(List.of(before.split("(?<=\n)")));
        lines.add(0, "# checked by faultline\n");
        lines.set(20, "# " + lines.get(20));
        lines.remove(30);
        lines.remove(30);
        lines.add(45, "LogLevel debug\n");
        lines.add("Include conf/extra.conf\n");
        String after = String.join("", lines);
        for (int context : new int[] {0, 1, 3}) {
            roundTrip("conf/httpd.conf", before, after, context);
        }
        roundTrip("conf/httpd.conf", before, before.substring(before.indexOf('\n') + 1), 0);
    }

    @Test
    void whatDoesNotAddUpIsNotRead() {
        assertNull(DiffReplacements.parse(null));
        assertNull(DiffReplacements.parse("just a sentence\n"));
        String undercounted = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n";
        assertNull(DiffReplacements.parse(undercounted));
        String overcounted = "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n+b\n";
        assertNull(DiffReplacements.parse(overcounted));
        assertNull(DiffReplacements.parse("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\n"));
        assertNull(DiffReplacements.parse("--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"));
        assertNull(DiffReplacements.parse("@@ -1 +1 @@\n-a\n+b\n"));
    }
}
