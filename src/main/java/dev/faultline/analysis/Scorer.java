package dev.faultline.analysis;

import dev.faultline.httpd.modules.DirectiveCatalog;
import dev.faultline.model.CrashCapture;
import dev.faultline.model.FileActivity;
import dev.faultline.model.OpenFile;
import dev.faultline.model.PathClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Ranks the files an incident's thread touched, with the signals of BRIEF §2 and the weights in {@link Weights}. */
final class Scorer {
    private static final Set<String> FAILURE_ERRNOS = Set.of("ENOENT", "ENOTDIR", "ELOOP", "EACCES", "EPERM", "ENAMETOOLONG");

    private final FileSource files;

    /** The server's own directive table when its configuration is known; else every installed module's. */
    private DirectiveCatalog catalog;

    Scorer(FileSource files) {
        this.files = files;
    }

    void catalog(DirectiveCatalog c) {
        this.catalog = c;
    }

    /** mod_dir's default DirectoryIndex, until the server's configuration says more. */
    static final Set<String> DEFAULT_DIRECTORY_INDEX = Set.of("index.html");
    private Set<String> directoryIndex = DEFAULT_DIRECTORY_INDEX;

    /** The names DirectoryIndex lists anywhere in the server's configuration (lower case). */
    void directoryIndex(Set<String> names) {
        this.directoryIndex = names;
    }

    private DirectiveCatalog catalog() {
        if (catalog == null) {
            catalog = DirectiveCatalog.installed();
        }
        return catalog;
    }

    Verdict score(Incident inc) {
        List<FileActivity> window = new ArrayList<>();
        for (FileActivity a : inc.timeline) {
            if (inc.windowStartSeq < 0 || a.seq >= inc.windowStartSeq) {
                window.add(a);
            }
        }
        Map<String, Candidate> cands = new LinkedHashMap<>();

        recencyAndPrior(window, cands);
        if (inc.kind == Incident.Kind.CRASH && inc.windowStartSeq >= 0) {
            readInCrashingRequest(inc, window, cands);
        }
        if (inc.kind == Incident.Kind.CRASH) {
            openAtFault(inc, cands);
            if (inc.capture != null) {
                openAtCrash(inc, cands);
            }
            if (inc.core != null) {
                coreConfigPhase(inc, window, cands);
            }
        }
        failedOpens(inc, window, cands);
        errorMessages(inc, window, cands);
        apacheTypos(inc, window, cands);
        if (inc.kind == Incident.Kind.HTTP_ERROR) {
            for (Candidate c : cands.values()) {
                if (c.score >= Weights.PATH_PRIOR + Weights.RECENCY[Weights.RECENCY.length - 1]) {
                    c.add(new Evidence("http-status", Weights.HTTP_STATUS, "the same thread then answered HTTP " + inc.status)
                            .line(inc.source, inc.line, inc.text));
                }
            }
        }

        List<Candidate> ranked = new ArrayList<>(cands.values());
        ranked.removeIf(c -> c.score <= 0);
        for (Candidate c : ranked) {
            c.evidence.sort(Comparator.comparingInt((Evidence e) -> -e.weight));
        }
        ranked.sort(Comparator.comparingInt((Candidate c) -> -c.score));
        if (ranked.size() > 10) {
            ranked = new ArrayList<>(ranked.subList(0, 10));
        }
        Candidate best = ranked.isEmpty() ? null : ranked.get(0);
        if (best != null && best.code && !best.missingInclude && !best.permission) {
            return new Verdict(Verdict.Kind.CODE, 0.8, null, "no config file implicated: application code: a PHP error in "
                    + best.path + (best.line != null ? " line " + best.line : "") + " (the script to fix, not the configuration)", ranked);
        }
        if (best != null && best.score >= Weights.CULPRIT_THRESHOLD) {
            Verdict.Kind kind = best.permission ? Verdict.Kind.PERMISSION
                    : best.missingInclude ? Verdict.Kind.MISSING_INCLUDE : Verdict.Kind.CONFIG;
            return new Verdict(kind, Weights.confidence(best.score), best, summarize(best), ranked);
        }
        if (inc.kind == Incident.Kind.CRASH) {
            String fault = faultDescription(inc);
            if (inc.stackOverflowHint || stackLikeAddress(inc)) {
                return new Verdict(Verdict.Kind.CODE, inc.stackOverflowHint ? 0.8 : 0.6, null,
                        "no config file implicated: " + fault + " looks like a stack overflow, an application bug"
                                + (best != null ? " (weak config candidates listed below)" : ""), ranked);
            }
            return new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: " + fault
                    + (best == null ? "; the crashing thread touched no config-like file" : "; the files below are only weak candidates"), ranked);
        }
        return new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: the request failed with HTTP " + inc.status
                + (best == null ? " but the thread touched no config-like file" : "; the files below are only weak candidates"), ranked);
    }

    private static String summarize(Candidate c) {
        StringBuilder sb = new StringBuilder();
        for (Evidence e : c.evidence) {
            if (e.weight >= Weights.FAILED_OPEN_OTHER || c.evidence.size() == 1) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(e.reason);
            }
        }
        return sb.length() == 0 ? c.evidence.get(0).reason : sb.toString();
    }

    // -- 6 and 9: recency in config events, and the path prior --------------------------------------------

    private static void recencyAndPrior(List<FileActivity> window, Map<String, Candidate> cands) {
        int rank = 0;
        Map<String, Boolean> seen = new HashMap<>();
        for (int i = window.size() - 1; i >= 0; i--) {
            FileActivity a = window.get(i);
            if (a.kind != FileActivity.Kind.READ && a.kind != FileActivity.Kind.OPEN) {
                continue;
            }
            if (a.file == null || a.file.pathClass != PathClass.CONFIG && a.file.pathClass != PathClass.INCLUDE) {
                continue;
            }
            if (a.kind == FileActivity.Kind.OPEN && a.file.bytesRead == 0 && a.file.reads == 0) {
                continue; // opened but never read: a probe, or an mmap'd module
            }
            if (seen.putIfAbsent(a.path, Boolean.TRUE) != null) {
                continue;
            }
            Candidate c = cands.computeIfAbsent(a.path, Candidate::new);
            if (rank < Weights.RECENCY.length) {
                String nth = rank == 0 ? "the last" : ordinal(rank + 1) + "-last";
                c.add(new Evidence("recency", Weights.RECENCY[rank], nth + " config-class file the thread read before the anchor")
                        .line(a.source, a.lastLine, a.lastText));
            }
            c.add(new Evidence("path-prior", Weights.PATH_PRIOR, "its name looks like " + (a.file.pathClass == PathClass.CONFIG ? "configuration" : "an include"))
                    .line(a.source, a.file.openedLine, a.file.openedText));
            rank++;
        }
    }

    private static void readInCrashingRequest(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        FileActivity only = null;
        for (FileActivity a : window) {
            if (a.kind == FileActivity.Kind.READ && a.file != null && a.file.pathClass == PathClass.CONFIG) {
                if (only != null && !only.path.equals(a.path)) {
                    return; // several config files: nothing singles one out
                }
                only = a;
            }
        }
        Candidate c = only == null ? null : cands.get(only.path);
        if (c != null) {
            c.add(new Evidence("read-in-request", Weights.READ_IN_CRASHING_REQUEST,
                    "the only config file read for the request that crashed"
                            + (inc.requestLine != null ? " (" + inc.requestLine + ")" : "") + ": its settings were applied to it")
                    .line(only.source, only.lastLine, only.lastText));
        }
    }

    private static String ordinal(int n) {
        return n == 2 ? "2nd" : n == 3 ? "3rd" : n + "th";
    }

    // -- 3: open and being read at the fault --------------------------------------------------------------

    private static void openAtFault(Incident inc, Map<String, Candidate> cands) {
        OpenFile reading = null;
        List<OpenFile> open = new ArrayList<>();
        for (OpenFile f : inc.openFiles.values()) {
            if (f.kind != OpenFile.Kind.FILE || f.pathClass != PathClass.CONFIG || f.lastReaderTid != inc.tid || f.bytesRead == 0) {
                continue;
            }
            if (!open.contains(f)) {
                open.add(f);
            }
            if (reading == null || f.lastReadLine > reading.lastReadLine) {
                reading = f;
            }
        }
        for (OpenFile f : open) {
            Candidate c = cands.computeIfAbsent(f.path, Candidate::new);
            Integer line = f.lineAtPosition();
            if (f == reading) {
                String where = line != null ? "; " + line + " line" + (line == 1 ? "" : "s") + " consumed, so line " + line + " was being parsed" : "";
                c.add(new Evidence("open-at-fault", Weights.OPEN_AT_FAULT,
                        "still open and the last file the crashing thread read when it faulted (" + f.bytesRead + " bytes read" + where + ")")
                        .line(f.source, f.openedLine, f.openedText));
                if (line != null && c.line == null) {
                    c.line = line;
                }
            } else {
                c.add(new Evidence("also-open", Weights.ALSO_OPEN_AT_FAULT, "also open at the fault (an including file?)")
                        .line(f.source, f.openedLine, f.openedText));
            }
        }
    }

    // -- core dump: the crash happened while httpd parsed configuration ---------------------------------------

    /**
     * The core's backtrace says which phase of httpd crashed. During ap_parse_htaccess the file being parsed is
     * the last .htaccess-like file the thread read; during ap_read_config, the last config file. The culprit
     * module (the innermost frame outside libc, APR and httpd) names the directive's owner in the reason.
     */
    private static void coreConfigPhase(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        String phase = inc.core.phase();
        if (!"htaccess".equals(phase) && !"config-load".equals(phase)) {
            return;
        }
        for (int i = window.size() - 1; i >= 0; i--) {
            FileActivity a = window.get(i);
            if (a.kind != FileActivity.Kind.READ || a.file == null || a.file.pathClass != PathClass.CONFIG) {
                continue;
            }
            boolean htaccess = a.path.endsWith("/.htaccess") || a.path.contains("/.ht");
            if ("htaccess".equals(phase) && !htaccess) {
                continue;
            }
            String culprit = inc.core.culprit().module() == null ? "an unknown module"
                    : inc.core.culprit().module() + (inc.core.culprit().function() != null ? " " + inc.core.culprit().function() : "");
            cands.computeIfAbsent(a.path, Candidate::new).add(new Evidence("core-config-phase", Weights.CORE_CONFIG_PHASE,
                    "the core shows the crash in " + culprit + " while httpd parsed "
                            + ("htaccess".equals(phase) ? "an .htaccess file (ap_parse_htaccess)" : "its configuration (ap_read_config)")
                            + ", and this is the last such file the thread read"));
            return;
        }
    }

    // -- 3, live: the fd table at the signal-delivery-stop --------------------------------------------------

    /**
     * A live capture lists every fd of the crashed process with its read position (/proc/PID/fdinfo). A config
     * file still open there is usually the one being parsed; among several, the highest fd is the most recently
     * opened (an include inside its includer). The position gives the line when the reader stopped mid-file.
     */
    private void openAtCrash(Incident inc, Map<String, Candidate> cands) {
        CrashCapture.Fd reading = null;
        List<CrashCapture.Fd> open = new ArrayList<>();
        for (CrashCapture.Fd fd : inc.capture.fds) {
            if (!fd.isFile() || PathClass.of(fd.path()) != PathClass.CONFIG || fd.pos() <= 0) {
                continue;
            }
            open.add(fd);
            if (reading == null || fd.fd() > reading.fd()) {
                reading = fd;
            }
        }
        for (CrashCapture.Fd fd : open) {
            Candidate existing = cands.get(fd.path());
            if (existing != null && (existing.has("open-at-fault") || existing.has("also-open"))) {
                continue; // the trace already showed it open at the fault
            }
            Candidate c = cands.computeIfAbsent(fd.path(), Candidate::new);
            String where = "fd " + fd.fd() + ", read position " + fd.pos() + (fd.size() >= 0 ? " of " + fd.size() + " bytes" : "");
            if (fd == reading) {
                Integer line = lineAt(fd);
                c.add(new Evidence("open-at-crash", Weights.OPEN_AT_FAULT,
                        "open in the crashed process at the fault (" + where + (line != null ? "; the reader stopped inside line " + line : "")
                                + ", from /proc/" + inc.capture.pid + "/fdinfo at the signal stop)"));
                if (line != null && c.line == null) {
                    c.line = line;
                }
            } else {
                c.add(new Evidence("also-open", Weights.ALSO_OPEN_AT_FAULT, "also open at the fault (" + where + "; an including file?)"));
            }
        }
    }

    /** The line holding the last byte read, when the reader stopped before the end of the file. */
    private Integer lineAt(CrashCapture.Fd fd) {
        if (fd.size() <= 0 || fd.pos() >= fd.size()) {
            return null; // read to the end (a buffered reader slurps small files): the position says nothing
        }
        String text = files.read(fd.path(), null);
        if (text == null) {
            return null;
        }
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int end = (int) Math.min(fd.pos(), bytes.length);
        int line = 1;
        for (int i = 0; i < end - 1; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    // -- 4 and 5: failed opens and their referrers ----------------------------------------------------------

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
            if ((base.equals(".htaccess") || base.equals(".user.ini") || directoryIndex.contains(base))
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
            if (typo != null && files.locate(withExtension(a.path, typo), inc.cwd) != null) {
                c.add(new Evidence("near-miss", Weights.NEAR_MISS, "its extension looks like a typo of ." + typo));
            }
            boolean includeLike = pc == PathClass.CONFIG || (pc == PathClass.INCLUDE && !base.endsWith(".so"));
            c.missingInclude = includeLike;
            referrer(inc, window, i, a, includeLike, cands);
        }
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
            Integer line = content == null ? null : lineOf(content, name, missing.path);
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
        for (String n : files.neighbours(missing.path, inc.cwd, 2)) {
            if (!tried.contains(n) && !n.equals(missing.path) && PathClass.of(n).isSuspect()) {
                tried.add(n);
            }
        }
        for (String path : tried) {
            String content = files.read(path, inc.cwd);
            Integer line = content == null ? null : lineOf(content, name, missing.path);
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

    // -- 1: error messages that name the file ------------------------------------------------------------

    private void errorMessages(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        for (FileActivity a : window) {
            if (a.kind != FileActivity.Kind.WRITE_LOG || a.data == null) {
                continue;
            }
            for (dev.faultline.httpd.errorlog.ErrorMessages.Named n : dev.faultline.httpd.errorlog.ErrorMessages.parse(a.data)) {
                Candidate c = match(cands, n.path, inc.cwd);
                Integer line = n.line;
                if (line == null && n.directive != null) {
                    line = directiveLine(window, c.path, n.directive, inc.cwd);
                }
                c.add(new Evidence("error-message", Weights.ERROR_MESSAGE, "the server's own error message names it: " + n.what
                        + (line != null ? " (line " + line + ")" : "")).line(a.source, a.firstLine, a.firstText));
                if (line != null) {
                    c.line = line;
                }
                if (n.missing) {
                    c.missingInclude = true;
                }
                if (n.permission) {
                    c.permission = true;
                    if (n.includer != null) {
                        c.includer = n.includer;
                    }
                }
                if (n.code) {
                    c.code = true;
                    c.codeMessage = n.what;
                }
            }
        }
    }

    private static Candidate match(Map<String, Candidate> cands, String named, String cwd) {
        for (Candidate c : cands.values()) {
            if (c.path.equals(named) || c.path.endsWith("/" + named) || named.endsWith("/" + c.path)) {
                return c;
            }
        }
        String path = named;
        if (!named.startsWith("/") && cwd != null) {
            path = cwd + "/" + named;
            for (Candidate c : cands.values()) {
                if (c.path.equals(path)) {
                    return c;
                }
            }
        }
        return cands.computeIfAbsent(named, Candidate::new);
    }

    /** The line where a directive appears in a file, from the trace's buffer or the file itself. */
    private Integer directiveLine(List<FileActivity> window, String path, String directive, String cwd) {
        String content = null;
        for (int i = window.size() - 1; i >= 0 && content == null; i--) {
            FileActivity a = window.get(i);
            if (a.file != null && path.equals(a.path)) {
                content = a.file.partialContent();
            }
        }
        Integer line = content == null ? null : directiveLineIn(content, directive);
        if (line == null) {
            String disk = files.read(path, cwd);
            line = disk == null ? null : directiveLineIn(disk, directive);
        }
        return line;
    }

    static Integer directiveLineIn(String content, String directive) {
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (t.regionMatches(true, 0, directive, 0, directive.length())
                    && (t.length() == directive.length() || Character.isWhitespace(t.charAt(directive.length())))) {
                return i + 1;
            }
        }
        return null;
    }

    // -- httpd knowledge: a misspelled directive in a .htaccess or .conf the thread read -------------------

    private void apacheTypos(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        Map<String, Boolean> done = new HashMap<>();
        for (FileActivity a : window) {
            if (a.kind != FileActivity.Kind.READ || a.file == null || done.putIfAbsent(a.path, Boolean.TRUE) != null) {
                continue;
            }
            String base = PathClass.basename(a.path).toLowerCase(Locale.ROOT);
            if (!base.equals(".htaccess") && !base.endsWith(".conf")) {
                continue;
            }
            Candidate c = cands.get(a.path);
            if (c != null && c.has("error-message")) {
                continue;
            }
            String content = a.file.content();
            if (content == null) {
                content = files.read(a.path, inc.cwd);
            }
            DirectiveCatalog.Typo typo = content == null ? null : catalog().findTypo(content);
            if (typo == null) {
                continue;
            }
            c = cands.computeIfAbsent(a.path, Candidate::new);
            c.add(new Evidence("invalid-directive", Weights.INVALID_DIRECTIVE, "line " + typo.line() + " uses '" + typo.written()
                    + "', which no loaded module registers; did you mean '" + typo.meant() + "'?").line(a.source, a.firstLine, a.firstText));
            if (c.line == null) {
                c.line = typo.line();
            }
        }
    }

    // -- the fault itself --------------------------------------------------------------------------------

    static String faultDescription(Incident inc) {
        Map<String, String> si = inc.siginfo == null ? Map.of() : inc.siginfo;
        String addr = si.get("si_addr");
        String code = si.get("si_code");
        StringBuilder sb = new StringBuilder(inc.signal == null ? "the crash" : inc.signal);
        if (code != null) {
            sb.append(" (").append(code);
            if (addr != null) {
                sb.append(" at ").append(addr);
            }
            sb.append(")");
        }
        return sb.toString();
    }

    /** A fault address near the top of the user address space, where the main thread's stack lives. */
    static boolean stackLikeAddress(Incident inc) {
        if (inc.siginfo == null) {
            return false;
        }
        String addr = inc.siginfo.get("si_addr");
        if (addr == null || !addr.startsWith("0x")) {
            return false;
        }
        try {
            long a = Long.parseUnsignedLong(addr.substring(2), 16);
            return a >= 0x7ff000000000L && a < 0x800000000000L;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
