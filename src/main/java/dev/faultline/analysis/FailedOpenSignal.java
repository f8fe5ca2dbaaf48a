package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import dev.faultline.model.PathClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Signals 4 and 5: failed opens (missing or unreadable files, near misses) and the files that refer to them. */
final class FailedOpenSignal implements ScoringSignal {
    private static final Set<String> FAILURE_ERRNOS = Set.of("ENOENT", "ENOTDIR", "ELOOP", "EACCES", "EPERM", "ENAMETOOLONG");

    private final ScoringContext ctx;

    FailedOpenSignal(ScoringContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        failedOpens(inc, window, cands);
    }

    private void failedOpens(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        Map<String, Integer> statFails = new HashMap<>();
        Map<String, FileActivity> firstProbe = new HashMap<>();
        for (int i = 0; i < window.size(); i++) {
            FileActivity a = window.get(i);
            if (a.kind == FileActivity.Kind.STAT_FAILED && a.errno != null) {
                statFails.merge(a.path, 1, Integer::sum);
                firstProbe.putIfAbsent(a.path, a);
            }
        }
        Map<String, Boolean> done = new HashMap<>();
        for (int i = 0; i < window.size(); i++) {
            FileActivity a = window.get(i);
            boolean failedOpen = a.kind == FileActivity.Kind.OPEN_FAILED;
            boolean probedAway = a.kind == FileActivity.Kind.STAT_FAILED && statFails.getOrDefault(a.path, 0) >= 2
                    && PathClass.of(a.path).isSuspect() && "ENOENT".equals(a.errno);
            if (!(failedOpen || probedAway) || a.errno == null || !FAILURE_ERRNOS.contains(a.errno)) {
                continue;
            }
            if (done.putIfAbsent(a.path, Boolean.TRUE) != null) {
                continue;
            }
            String base = PathClass.basename(a.path).toLowerCase(Locale.ROOT);
            // Apache probes .htaccess in every ancestor, each DirectoryIndex name in turn, and PHP probes .user.ini:
            // their absence is normal, never a culprit
            if ((base.equals(".htaccess") || base.equals(".user.ini") || ctx.directoryIndex.contains(base))
                    && (a.errno.equals("ENOENT") || a.errno.equals("ENOTDIR"))) {
                continue;
            }
            PathClass pc = PathClass.of(a.path);
            Candidate c = cands.computeIfAbsent(a.path, Candidate::new);
            boolean permission = a.errno.equals("EACCES") || a.errno.equals("EPERM");
            if (permission && pc.isSuspect()) {
                c.add(new Evidence("permission", Weights.PERMISSION, "the server was denied access to it (" + a.errno + ")")
                        .line(a.source, a.firstLine, a.firstText));
                c.permission = true;
                // the file to fix is this one's mode; the line that needs it is its includer's
                Map<String, Candidate> includers = new LinkedHashMap<>();
                referrer(inc, window, i, a, true, includers);
                for (Candidate r : includers.values()) {
                    if (r.line != null && r.has("referrer")) {
                        c.add(new Evidence("includer", 0, "it is needed by " + r.path + " line " + r.line));
                        c.includer = r.path + ":" + r.line;
                        break;
                    }
                }
                continue;
            }
            int stats = statFails.getOrDefault(a.path, 0);
            c.add(new Evidence("failed-open", pc.isSuspect() ? Weights.FAILED_OPEN : Weights.FAILED_OPEN_OTHER,
                    (failedOpen ? "opening it failed with " : "probing it failed with ") + a.errno)
                    .line(a.source, a.firstLine, a.firstText));
            if (stats >= 2) {
                FileActivity probe = firstProbe.get(a.path);
                c.add(new Evidence("repeated-probes", Weights.REPEATED_PROBES, "probed " + stats + " times before it failed")
                        .line(probe.source, probe.firstLine, probe.firstText));
            }
            String typo = PathClass.typoExtension(a.path);
            // "did you mean X" only when X is real: a sibling with that extension exists
            if (typo != null && ctx.files.locate(withExtension(a.path, typo), inc.cwd) != null) {
                c.add(new Evidence("near-miss", Weights.NEAR_MISS, "its extension looks like a typo of ." + typo));
            }
            boolean includeLike = pc == PathClass.CONFIG || (pc == PathClass.INCLUDE && !base.endsWith(".so"));
            c.missingInclude = includeLike;
            referrer(inc, window, i, a, includeLike, cands);
        }
    }

    /**
     * A shared library or other binary names the files it loads (an ELF's DT_NEEDED strings), but it has no lines
     * to fix: the dynamic loader's probing for them is no config file's doing.
     */
    static boolean binary(String content) {
        int n = Math.min(content.length(), 8192);
        for (int i = 0; i < n; i++) {
            if (content.charAt(i) == '\0') {
                return true;
            }
        }
        return content.startsWith("\u007fELF") || content.startsWith("\\177ELF");
    }

    private static String withExtension(String path, String ext) {
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        return dot > slash ? path.substring(0, dot + 1) + ext : path;
    }

    /** Signal 5: the file that names the missing path, from trace buffers first, then from disk. */
    private void referrer(Incident inc, List<FileActivity> window, int failedAt, FileActivity missing, boolean includeLike,
            Map<String, Candidate> cands) {
        String name = PathClass.basename(missing.path);
        // 1. a buffer the thread read before the failure
        for (int i = failedAt - 1; i >= 0; i--) {
            FileActivity a = window.get(i);
            if (a.kind != FileActivity.Kind.READ || a.file == null || a.path == null || a.path.equals(missing.path)) {
                continue;
            }
            String content = a.file.partialContent();
            Integer line = content == null || binary(content) ? null : lineOf(content, name, missing.path);
            if (line != null) {
                addReferrer(cands, a.path, line, missing, includeLike, "names the missing " + missing.path + " on line " + line
                        + " (in the buffer the thread read)", a.source, a.firstLine, a.firstText);
                return;
            }
        }
        // 2. the files on disk (or under --root): the thread's files, most recent first, then the missing file's neighbours
        List<String> tried = new ArrayList<>();
        for (int i = failedAt - 1; i >= 0; i--) {
            FileActivity a = window.get(i);
            if (a.path != null && !a.path.equals(missing.path) && PathClass.of(a.path).isSuspect() && !tried.contains(a.path)
                    && (a.kind == FileActivity.Kind.READ || a.kind == FileActivity.Kind.OPEN || a.kind == FileActivity.Kind.STAT_OK)) {
                tried.add(a.path);
            }
        }
        for (String n : ctx.files.neighbours(missing.path, inc.cwd, 2)) {
            if (!tried.contains(n) && !n.equals(missing.path) && PathClass.of(n).isSuspect()) {
                tried.add(n);
            }
        }
        for (String path : tried) {
            String content = ctx.files.read(path, inc.cwd);
            Integer line = content == null || binary(content) ? null : lineOf(content, name, missing.path);
            if (line != null) {
                addReferrer(cands, path, line, missing, includeLike, "names the missing " + missing.path + " on line " + line
                        + " (found by reading the file)", null, 0, null);
                return;
            }
        }
    }

    private static void addReferrer(Map<String, Candidate> cands, String path, int line, FileActivity missing, boolean includeLike,
            String reason, String source, long logLine, String text) {
        Candidate r = cands.computeIfAbsent(path, Candidate::new);
        // The referrer is the file to fix: it inherits the missing path's own evidence on top of its weight,
        // so it always outranks the file it names.
        Candidate named = cands.get(missing.path);
        int inherited = named == null ? 0 : named.score;
        Evidence ev = new Evidence("referrer", Weights.REFERRER + inherited, reason);
        if (source != null) {
            ev.line(source, logLine, text);
        }
        ev.line(missing.source, missing.firstLine, missing.firstText);
        r.add(ev);
        r.line = line;
        r.names = missing.path;
        r.missingInclude = includeLike;
    }

    /** 1-based line of the first occurrence of the missing path (or else its basename) in content. */
    static Integer lineOf(String content, String basename, String fullPath) {
        int at = fullPath.startsWith("/") ? content.indexOf(fullPath) : -1;
        if (at < 0) {
            at = content.indexOf(basename);
        }
        if (at < 0) {
            return null;
        }
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (content.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
