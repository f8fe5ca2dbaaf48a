package dev.faultline.report;

import dev.faultline.httpd.fix.FixHint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * A fix as a unified diff (3 lines of context) that GNU {@code patch -p0} applies. Its file names are the server's
 * paths without the leading '/' (GNU patch refuses absolute names): apply it from {@code /} on the server itself, or
 * from the directory given to {@code analyze --root} for a copy ({@code cd ROOT && patch -p0 < fix.diff}).
 */
public final class FixDiff {
    static final int CONTEXT = 3;
    private static final String NO_NEWLINE = "\\ No newline at end of file\n";

    private FixDiff() {
    }

    /** The diff of one edit, read against its file as it is now; null for a permission fix or a file that changed. */
    public static String render(FixHint hint) {
        if (hint == null || !hint.isEdit() || hint.local() == null) {
            return null;
        }
        try {
            return render(hint, Files.readString(hint.local(), StandardCharsets.UTF_8));
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** The diff of one edit against {@code content} (the file's text), or null when the line is not the hint's old line. */
    public static String render(FixHint hint, String content) {
        if (hint.apply(content) == null) {
            return null;
        }
        List<String> lines = FixHint.splitKeepingTerminators(content);
        int changed = hint.line() - 1;
        int from = Math.max(0, changed - CONTEXT);
        int to = Math.min(lines.size(), changed + CONTEXT + 1);
        int oldCount = to - from;
        int newCount = hint.newLine() == null ? oldCount - 1 : oldCount;
        for (int i = from; i < to; i++) {
            String l = lines.get(i);
            if (!dev.faultline.trace.Redactor.redact(l).equals(l)) {
                return null; // a diff quotes its context whole: one with a secret beside the fix is not printed
            }
        }
        String name = diffName(hint.path());
        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(name).append('\n');
        sb.append("+++ ").append(name).append('\n');
        sb.append("@@ -").append(range(from + 1, oldCount)).append(" +").append(range(newCount == 0 ? from : from + 1, newCount)).append(" @@\n");
        for (int i = from; i < to; i++) {
            String whole = lines.get(i);
            if (i == changed) {
                line(sb, '-', whole);
                if (hint.newLine() != null) {
                    line(sb, '+', hint.newLine() + FixHint.terminatorOf(whole));
                }
            } else {
                line(sb, ' ', whole);
            }
        }
        return sb.toString();
    }

    /** The diff name of a server path: relative, so that {@code patch -p0} run from / (or from --root) finds it. */
    public static String diffName(String serverPath) {
        return serverPath.replaceFirst("^/+", "");
    }

    private static String range(int start, int count) {
        return count == 1 ? String.valueOf(start) : start + "," + count;
    }

    private static void line(StringBuilder sb, char mark, String whole) {
        sb.append(mark).append(whole);
        if (FixHint.terminatorOf(whole).isEmpty()) {
            sb.append('\n').append(NO_NEWLINE);
        }
    }
}
