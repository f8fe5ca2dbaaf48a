package dev.faultline.httpd.configtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the config line behind a crash of {@code apache2 -t} by dropping parts of a private copy and re-testing.
 * First whole included files (each emptied alone), then single directive lines (each commented out alone) in the
 * implicated file. A drop counts only if {@code apache2 -t} then exits 0: the same crash again, another crash, or a
 * failure such as a syntax error of the drop's own making are all "not this one". Every edit is undone before the
 * next run, and the number of runs is bounded.
 */
public final class Bisector {
    /** Re-tests the (edited) copy; one call is one run of apache2 -t. */
    @FunctionalInterface
    public interface Test {
        ConfigTestResult run() throws IOException;
    }

    /** A dropped line that made the crash disappear: its file (the copy's path) and the logical line. */
    public record Culprit(Path file, ConfigLines.Line line) {
    }

    /**
     * The answer: the implicated file (emptying it alone made the crash disappear; null if none did), the culprit
     * line (null if no single line did), the runs spent, and whether the budget ran out first.
     */
    public record Result(Path implicatedFile, Culprit culprit, int fileRuns, int lineRuns, boolean budgetExhausted,
            int otherFailures, List<String> notes) {
        public int runs() {
            return fileRuns + lineRuns;
        }
    }

    private final ConfigCopy copy;
    private final Test test;
    private final CrashIdentity target;
    private final int budget;
    /** Drops after which apache2 -t failed some other way (a syntax error, another crash): not a pass. */
    private int otherFailures;
    private int fileRuns;
    private int lineRuns;
    private final List<String> notes = new ArrayList<>();

    /** @param target the crash being bisected: a drop that leaves exactly it is "not this one" too */
    public Bisector(ConfigCopy copy, Test test, CrashIdentity target, int budget) {
        this.copy = copy;
        this.test = test;
        this.target = target;
        this.budget = budget;
    }

    /** @param files the config files in include order (copy paths), the main file first */
    public Result bisect(List<Path> files) throws IOException {
        Path implicated = null;
        // Emptying a file that includes the culprit's file passes too; children come after their parent in the
        // include order, so the last file that passes is the innermost one.
        for (Path f : files.subList(Math.min(1, files.size()), files.size())) {
            if (exhausted()) {
                break;
            }
            fileRuns++;
            if (passesWith(f, List.of())) {
                implicated = f;
            }
        }
        List<Path> scan = new ArrayList<>();
        if (implicated != null) {
            scan.add(implicated);
        } else {
            notes.add("no included file alone made the crash disappear; directives are tried file by file");
            scan.addAll(files);
        }
        for (Path f : scan) {
            Culprit c = scanLines(f);
            if (c != null) {
                return new Result(implicated, c, fileRuns, lineRuns, false, otherFailures, notes);
            }
            if (exhausted()) {
                break;
            }
        }
        return new Result(implicated, null, fileRuns, lineRuns, exhausted(), otherFailures, notes);
    }

    private Culprit scanLines(Path f) throws IOException {
        List<String> original = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
        for (ConfigLines.Line l : ConfigLines.classify(original)) {
            if (!l.droppable()) {
                continue;
            }
            if (exhausted()) {
                return null;
            }
            List<String> edited = new ArrayList<>(original);
            // every physical line of a continuation: a '#' on the first one alone would comment out the whole
            // joined line in httpd, but not in an editor, and the rest would read as stray text
            for (int i = l.firstLine() - 1; i < l.lastLine(); i++) {
                edited.set(i, "#" + edited.get(i));
            }
            lineRuns++;
            if (passesWith(f, edited)) {
                return new Culprit(f, l);
            }
        }
        return null;
    }

    /** Runs the test with {@code f} holding {@code content} (the copy puts the file back). */
    private boolean passesWith(Path f, List<String> content) throws IOException {
        ConfigTestResult r = copy.withContent(f, content, test::run);
        if (r.outcome() != ConfigTestResult.Outcome.OK && !target.sameAs(r.identity())) {
            otherFailures++;
        }
        return r.outcome() == ConfigTestResult.Outcome.OK;
    }

    private boolean exhausted() {
        return fileRuns + lineRuns >= budget;
    }
}
