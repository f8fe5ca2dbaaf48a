package dev.faultline.analysis;

import dev.faultline.httpd.errorlog.DirectiveLine;
import dev.faultline.httpd.errorlog.ErrorLogEntry;
import dev.faultline.httpd.errorlog.ErrorLogFinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Apache's error log as evidence. An entry that names a file is the strongest evidence there is: httpd itself says
 * which file it could not use. With a trace, an entry of the same process joins the trace's incident (its file
 * becomes the culprit when the trace named none, and a note says when the two disagree); without one, or for an entry
 * no traced incident matches, the entry is an incident of its own.
 */
public final class ErrorLogEvidence {

    private final Path root;
    private final List<Finding> findings = new ArrayList<>();
    private long dropped;

    /** One entry that means something, with where it was read. */
    record Finding(String source, ErrorLogEntry entry, ErrorLogFinding finding) {
    }

    /** @param root a copy of the server's files (--root) to find a directive's line in, or null for the live files */
    public ErrorLogEvidence(Path root) {
        this.root = root;
    }

    /** Keeps the entries that name a cause (config, permission, missing include, PHP error, crash). */
    public void accept(String source, ErrorLogEntry e) {
        ErrorLogFinding f = ErrorLogFinding.of(e).orElse(null);
        if (f == null || f.kind() == ErrorLogFinding.Kind.LIFECYCLE) {
            return;
        }
        if (findings.size() >= dev.faultline.Limits.LOG_INCIDENTS * 4) {
            dropped++;
            return;
        }
        findings.add(new Finding(source, e, f));
    }

    /** An AH00051 entry: pid N dumped core, possibly in DIR; the entry's time when the log has one. */
    public record CoreHint(int pid, String dir, String source, long line, java.util.Optional<java.time.ZonedDateTime> time) {
    }

    /** Where httpd said the cores of its crashed children may be (AH00051), one per pid. */
    public List<CoreHint> coreHints() {
        List<CoreHint> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.finding().kind() == ErrorLogFinding.Kind.CRASH && f.finding().coreDir().isPresent() && f.finding().crashedPid().isPresent()
                    && out.stream().noneMatch(h -> h.pid() == f.finding().crashedPid().getAsLong())) {
                out.add(new CoreHint((int) f.finding().crashedPid().getAsLong(), f.finding().coreDir().get(), f.source(), f.entry().logLine(),
                        f.entry().time()));
            }
        }
        return out;
    }

    /**
     * The incident one new log entry makes on its own, as a live watch sees it: a 5xx (or 403) whose cause the entry
     * names; null for an entry that names no cause, and for a crash (the tracer captures crashes itself).
     */
    public Incident incidentFor(String source, ErrorLogEntry e) {
        ErrorLogFinding f = ErrorLogFinding.of(e).orElse(null);
        if (f == null || f.kind() == ErrorLogFinding.Kind.LIFECYCLE || f.kind() == ErrorLogFinding.Kind.CRASH) {
            return null;
        }
        return incidentOf(new Finding(source, e, f));
    }

    /** What the log cannot show: a child that died with no core (AH00052) gets the line that would give one. */
    public List<String> hints() {
        for (Finding f : findings) {
            if (f.finding().kind() == ErrorLogFinding.Kind.CRASH && f.finding().coreDir().isEmpty()) {
                return List.of(Analyzer.CORE_HINT);
            }
        }
        return List.of();
    }

    public long dropped() {
        return dropped;
    }

    /**
     * For a log found on its own (the server's ErrorLog, not given by the user): its entries only join the trace's
     * incidents of the same process; they make none of their own, since the log may hold other days.
     */
    public void joinOnly(List<Incident> traced) {
        for (Finding f : findings) {
            Incident match = sameRequest(traced, f);
            if (match != null) {
                join(match, f);
            }
        }
    }

    /**
     * The traced incident an entry is about: the same process, and the same thread when the log names a kernel tid
     * (a crash: any thread of the dead child). Among several (a threaded child, whose log names no usable tid), the
     * one closest in time, when both have times: the log's local time against the trace's time of day (or epoch).
     */
    private Incident sameRequest(List<Incident> traced, Finding f) {
        Incident match = null;
        long best = Long.MAX_VALUE;
        // AH00051/AH00052 is logged by the parent about a child: the child's pid is the one to join by
        long crashed = f.finding().crashedPid().orElse(-1);
        for (Incident inc : traced) {
            if (crashed > 0 && inc.kind == Incident.Kind.CRASH && inc.pid == crashed) {
                long apart = apart(inc.timeNs, f.entry().time().orElse(null));
                if (match == null || apart < best) {
                    match = inc;
                    best = apart;
                }
                continue;
            }
            if (crashed <= 0 && f.entry().pid() > 0 && inc.pid == f.entry().pid() && (f.entry().tid() <= 0 || inc.tid == f.entry().tid()
                    || f.finding().kind() == ErrorLogFinding.Kind.CRASH)) {
                long apart = apart(inc.timeNs, f.entry().time().orElse(null));
                if (match == null || apart < best || apart == best && apart == Long.MAX_VALUE) {
                    match = inc;
                    best = apart;
                }
            }
        }
        return match;
    }

    private static final long DAY_NS = 86_400_000_000_000L;

    /** How far apart a trace time and a log time are, in ns; MAX_VALUE when either is missing. */
    static long apart(long traceNs, java.time.ZonedDateTime logTime) {
        if (traceNs == dev.faultline.trace.TraceEvent.NO_TIME || logTime == null) {
            return Long.MAX_VALUE;
        }
        if (traceNs >= 100_000_000L * 1_000_000_000L) { // -ttt: epoch
            java.time.Instant t = logTime.toInstant();
            return Math.abs(traceNs - (t.getEpochSecond() * 1_000_000_000L + t.getNano()));
        }
        // -t/-tt: a time of day on the traced host, as the log's local time is
        long tod = logTime.toLocalTime().toNanoOfDay();
        long d = Math.abs(Math.floorMod(traceNs, DAY_NS) - tod);
        return Math.min(d, DAY_NS - d);
    }

    /**
     * Joins the findings to the trace's incidents (same pid, and same tid when both have one) and makes incidents of
     * the rest. Returns the incidents to add.
     */
    public List<Incident> apply(List<Incident> traced) {
        List<Incident> out = new ArrayList<>();
        for (Finding f : findings) {
            Incident match = sameRequest(traced, f);
            if (match != null) {
                join(match, f);
            } else if (out.size() < dev.faultline.Limits.LOG_INCIDENTS && !duplicate(out, f)) {
                out.add(incidentOf(f));
            } else {
                dropped++;
            }
        }
        return out;
    }

    /**
     * Live: the incidents a log watch made, joined to the traced incidents of the same request (same process, the
     * same thread when the log names a kernel tid): the trace's incident keeps its evidence and takes the log's
     * culprit when it had none. Returns the log's incidents that matched none, to report on their own.
     */
    public static List<Incident> mergeInto(List<Incident> traced, List<Incident> fromLog) {
        List<Incident> alone = new ArrayList<>();
        java.util.Set<Incident> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Incident log : fromLog) {
            Incident match = null;
            for (Incident t : traced) {
                if (!used.contains(t) && !t.fromErrorLog && t.kind == log.kind && t.pid == log.pid
                        && (log.tid == log.pid || t.tid == log.tid)) {
                    // a threaded child serves many requests at once: the one blaming the same file is this one
                    boolean sameCause = t.verdict != null && t.verdict.culprit != null && log.verdict != null
                            && log.verdict.culprit != null && t.verdict.culprit.path.equals(log.verdict.culprit.path);
                    if (match == null || sameCause) {
                        match = t;
                    }
                    if (sameCause) {
                        break;
                    }
                }
            }
            if (match == null) {
                alone.add(log);
                continue;
            }
            used.add(match);
            match.relate(log.source, log.line, log.text);
            match.loggedAt(log.errorLogTime);
            if ((match.verdict == null || match.verdict.culprit == null) && log.verdict != null && log.verdict.culprit != null) {
                List<Candidate> cands = new ArrayList<>(log.verdict.candidates);
                if (match.verdict != null) {
                    cands.addAll(match.verdict.candidates);
                }
                match.verdict = new Verdict(log.verdict.kind, log.verdict.confidence, log.verdict.culprit, log.verdict.reason, cands);
            }
            match.notes.add("the error log names this request's cause too (" + log.source + ":" + log.line + ")");
        }
        return alone;
    }

    /** The same cause named again (a 500 storm): one incident, counted. */
    private static boolean duplicate(List<Incident> out, Finding f) {
        for (Incident i : out) {
            Candidate named = i.verdict == null ? null : i.verdict.culprit;
            String fileLine = f.finding().file().orElse("") + ":" + (f.finding().line().isPresent() ? f.finding().line().getAsInt() : "");
            if (i.text.equals(f.entry().message()) || named != null && f.finding().file().isPresent()
                    && (named.path.equals(f.finding().file().get()) && i.verdict.kind == kindOf(f.finding())
                    // PHP's fatal "Failed opening required" after its warning that the file was denied: one failure
                    // (the same cause, whichever child served this request)
                    || named.includer != null && named.includer.equals(fileLine))) {
                i.notes.add("the error log names it again at " + f.source() + ":" + f.entry().logLine());
                return true;
            }
        }
        return false;
    }

    private void join(Incident inc, Finding f) {
        inc.relate(f.source(), f.entry().logLine(), f.entry().message());
        inc.loggedAt(f.entry().time().map(java.time.ZonedDateTime::toInstant).orElse(null));
        if (f.finding().file().isEmpty()) {
            return;
        }
        String file = f.finding().file().get();
        Verdict v = inc.verdict;
        // the same story told from the other end: the log names the includer of the file the trace blames, or
        // its message names that file too ("Failed opening required 'X' in F:N")
        boolean agrees = v != null && v.culprit != null && (v.culprit.path.equals(file) || f.entry().message().contains(v.culprit.path)
                || v.culprit.includer != null && v.culprit.includer.startsWith(file + ":"));
        if (v != null && v.culprit != null && !agrees) {
            inc.notes.add("the error log (" + f.source() + ":" + f.entry().logLine() + ") names " + file + ", not " + v.culprit.path);
        } else if (v == null || v.culprit == null) {
            Candidate c = candidate(f);
            List<Candidate> cands = new ArrayList<>();
            cands.add(c);
            if (v != null) {
                cands.addAll(v.candidates);
            }
            inc.verdict = new Verdict(kindOf(f.finding()), Weights.confidence(c.score), c, c.evidence.get(0).reason, cands);
        }
    }

    private Incident incidentOf(Finding f) {
        ErrorLogEntry e = f.entry();
        boolean crash = f.finding().kind() == ErrorLogFinding.Kind.CRASH;
        int pid = (int) (crash ? f.finding().crashedPid().orElse(e.pid()) : e.pid());
        Incident inc = new Incident(crash ? Incident.Kind.CRASH : Incident.Kind.HTTP_ERROR, pid, (int) Math.max(e.tid(), pid),
                f.source(), e.logLine(), e.message());
        inc.fromErrorLog = true;
        inc.loggedAt(e.time().map(java.time.ZonedDateTime::toInstant).orElse(null));
        if (e.level().equals("stderr")) {
            inc.notes.add("httpd wrote this at start-up (to stderr or the journal, before its ErrorLog was open): "
                    + "the server does not start with this configuration; `apache2 -t` shows it too");
        }
        if (crash) {
            inc.signal = signalOf(e.message());
            f.finding().coreDir().ifPresent(d -> inc.notes.add("httpd says a core may be in " + d + " (AH00051): `faultline core --pid "
                    + pid + " --dir " + d + "` reads it"));
            inc.verdict = new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: the error log only says that child "
                    + pid + " died; a trace or its core shows why", List.of());
            return inc;
        }
        inc.status = statusOf(f.finding());
        if (f.finding().kind() == ErrorLogFinding.Kind.PHP_CODE) {
            inc.verdict = new Verdict(Verdict.Kind.CODE, 0.7, null, "no config file implicated: a PHP error in application code ("
                    + e.message() + ")", List.of());
            return inc;
        }
        if (f.finding().file().isEmpty() && f.finding().kind() == ErrorLogFinding.Kind.MISSING_INCLUDE) {
            inc.verdict = new Verdict(Verdict.Kind.MISSING_INCLUDE, 0.3, null, "no file named: PHP was told to include a missing file "
                    + "before or after every script (\"in Unknown on line 0\"): an auto_prepend_file or auto_append_file set in php.ini, "
                    + "the server configuration or an .htaccess (php_value); a trace of the request shows which (" + e.message() + ")", List.of());
            return inc;
        }
        if (f.finding().file().isEmpty()) {
            inc.verdict = new Verdict(Verdict.Kind.UNKNOWN, 0.2, null, "no config file implicated: " + e.message(), List.of());
            return inc;
        }
        Candidate c = candidate(f);
        inc.verdict = new Verdict(kindOf(f.finding()), Weights.confidence(c.score), c, c.evidence.get(0).reason, List.of(c));
        return inc;
    }

    private Candidate candidate(Finding f) {
        String file = f.finding().file().get();
        Candidate c = new Candidate(file);
        if (f.finding().line().isPresent()) {
            c.line = f.finding().line().getAsInt();
        } else if (f.finding().directive().isPresent()) {
            // "Invalid command 'X'" names no line: the first line whose directive is X is it
            OptionalInt l = DirectiveLine.find(root, file, f.finding().directive().get());
            if (l.isPresent()) {
                c.line = l.getAsInt();
            }
        }
        c.directive = f.finding().directive().orElse(null);
        c.includer = f.finding().includer().orElse(null);
        c.permission = f.finding().kind() == ErrorLogFinding.Kind.PERMISSION;
        c.missingInclude = f.finding().kind() == ErrorLogFinding.Kind.MISSING_INCLUDE;
        if (c.missingInclude) {
            c.names = missingNamedBy(f.entry().message(), file);
        }
        String whose = switch (f.entry().level()) {
            case "php-fpm" -> "php-fpm's log";
            case "php" -> "PHP's error log";
            case "stderr" -> "httpd's start-up output";
            default -> "httpd's error log";
        };
        c.add(new Evidence("error-log", Weights.ERROR_MESSAGE, whose + " names it: " + f.entry().message())
                .line(f.source(), f.entry().logLine(), f.entry().message()));
        return c;
    }

    /**
     * The include PHP could not open, from the message that names {@code referrer}; a relative one as PHP resolved it
     * last, against the including script's directory. Null when the message does not say.
     */
    private static String missingNamedBy(String message, String referrer) {
        for (dev.faultline.httpd.errorlog.ErrorMessages.Named n : dev.faultline.httpd.errorlog.ErrorMessages.parse(message)) {
            if (n.missing && n.names != null && !n.names.isEmpty() && referrer.equals(n.path)) {
                int slash = referrer.lastIndexOf('/');
                return n.names.startsWith("/") || slash < 0 ? n.names : referrer.substring(0, slash + 1) + n.names;
            }
        }
        return null;
    }

    static Verdict.Kind kindOf(ErrorLogFinding f) {
        return switch (f.kind()) {
            case PERMISSION -> Verdict.Kind.PERMISSION;
            case MISSING_INCLUDE -> Verdict.Kind.MISSING_INCLUDE;
            case PHP_CODE -> Verdict.Kind.CODE;
            default -> Verdict.Kind.CONFIG;
        };
    }

    /** The status httpd answers for each kind of failure it logs (403 for a file it may not read, 500 otherwise). */
    static int statusOf(ErrorLogFinding f) {
        // a PHP include the server may not read is a PHP fatal error: 500, not httpd's 403
        return f.kind() == ErrorLogFinding.Kind.PERMISSION && f.includer().isEmpty() ? 403 : 500;
    }

    private static String signalOf(String message) {
        if (message.contains("Segmentation fault")) {
            return "SIGSEGV";
        }
        if (message.contains("Bus error")) {
            return "SIGBUS";
        }
        if (message.contains("Aborted")) {
            return "SIGABRT";
        }
        return "SIGSEGV";
    }
}
