package dev.faultline.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff read as whole-line replacements, the form a SARIF {@code fix} takes. Only a diff whose every hunk
 * adds up (its header's counts match its lines) is read; anything else gives null and the caller keeps the diff as
 * text.
 */
final class DiffReplacements {
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");

    /** Lines {@code startLine .. startLine+deletedLines-1} of the old file become {@code inserted}. */
    record Replacement(int startLine, int deletedLines, String inserted) {
    }

    record FileChange(String path, List<Replacement> replacements) {
    }

    private DiffReplacements() {
    }

    static List<FileChange> parse(String diff) {
        if (diff == null) {
            return null;
        }
        List<FileChange> files = new ArrayList<>();
        String[] lines = diff.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            if (!l.startsWith("+++ ")) {
                boolean hunkLine = l.startsWith("@@") || l.startsWith("\\") || l.startsWith(" ")
                        || (l.startsWith("+") || l.startsWith("-")) && !l.startsWith("--- ");
                if (hunkLine) {
                    return null; // outside any hunk: a hunk whose header undercounts, or one before a file header
                }
                i++;
                continue;
            }
            String path = target(lines[i++]);
            if (path == null) {
                return null;
            }
            List<Replacement> replacements = new ArrayList<>();
            while (i < lines.length && lines[i].startsWith("@@")) {
                i = hunk(lines, i, replacements);
                if (i < 0) {
                    return null;
                }
            }
            if (replacements.isEmpty()) {
                return null;
            }
            files.add(new FileChange(path, replacements));
        }
        return files.isEmpty() ? null : files;
    }

    /** {@code +++ b/htdocs/app/.htaccess} (and an optional tab and timestamp) to the path; null for /dev/null. */
    private static String target(String header) {
        String p = header.substring(4);
        int tab = p.indexOf('\t');
        p = tab >= 0 ? p.substring(0, tab) : p;
        if (p.equals("/dev/null") || p.isBlank()) {
            return null;
        }
        return p.startsWith("b/") ? p.substring(2) : p;
    }

    /** Reads one hunk from lines[at] into replacements; returns the index after it, or -1 when it does not add up. */
    private static int hunk(String[] lines, int at, List<Replacement> out) {
        Matcher m = HUNK.matcher(lines[at]);
        if (!m.matches()) {
            return -1;
        }
        int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        // "-5,0" means the hunk inserts after line 5
        int oldLine = Integer.parseInt(m.group(1)) + (oldCount == 0 ? 1 : 0);
        int oldSeen = 0;
        int newSeen = 0;
        int runStart = -1;
        int deleted = 0;
        StringBuilder inserted = new StringBuilder();
        int i = at + 1;
        for (; i < lines.length && (oldSeen < oldCount || newSeen < newCount); i++) {
            String l = lines[i];
            char c = l.isEmpty() ? ' ' : l.charAt(0); // an empty line is an empty context line cut by an editor
            if (c == ' ') {
                if (runStart > 0) {
                    out.add(new Replacement(runStart, deleted, inserted.toString()));
                    runStart = -1;
                    deleted = 0;
                    inserted.setLength(0);
                }
                oldLine++;
                oldSeen++;
                newSeen++;
            } else if (c == '-' || c == '+') {
                if (runStart < 0) {
                    runStart = oldLine;
                }
                if (c == '-') {
                    deleted++;
                    oldLine++;
                    oldSeen++;
                } else {
                    inserted.append(l, 1, l.length()).append('\n');
                    newSeen++;
                }
            } else {
                return -1; // "\ No newline at end of file" and anything else: not a whole-line change
            }
        }
        if (oldSeen != oldCount || newSeen != newCount) {
            return -1;
        }
        if (runStart > 0) {
            out.add(new Replacement(runStart, deleted, inserted.toString()));
        }
        return i;
    }
}
