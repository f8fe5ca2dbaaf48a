package dev.faultline.analysis;

import dev.faultline.core.Frame;
import dev.faultline.httpd.DirectiveOwners;
import dev.faultline.httpd.HttpdContext;
import dev.faultline.httpd.HttpdCrashFacts;
import dev.faultline.httpd.HttpdPhase;
import dev.faultline.httpd.RequestScope;
import dev.faultline.httpd.config.ConfigNode;
import dev.faultline.model.FileActivity;
import dev.faultline.model.OpenFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A crash explained the way httpd works: phase → module → directive → file:line.
 *
 * <ol>
 * <li>The directive httpd was running when it crashed, read from its own memory (core or live): exact.</li>
 * <li>Otherwise the phase (from the stack, or from the process's role) says which configuration was being used:
 * the .htaccess being parsed, the whole configuration at start-up or reload, or the directives in effect for
 * the request ({@link RequestScope}), wherever they were written.</li>
 * <li>Among those, the directives of the module that crashed (from the stack: strace -k, a core, the live pc);
 * without a stack, the directives of modules not shipped with httpd. One line is named only when the evidence
 * leaves one; several are listed as candidates with no culprit.</li>
 * </ol>
 * A stack overflow is an application bug whatever is in effect, and a crash inside a language runtime (PHP, Perl,
 * Python) at request time is the application's: this rule then says nothing and the generic scorer decides.
 */
final class ApacheCrashRule {
    /** Module files that run the site's own code: a request-time crash inside one is the application's. */
    private static final List<String> INTERPRETER_MODULES = List.of("libphp", "mod_php", "mod_perl", "mod_python", "mod_wsgi",
            "mod_lua", "mod_ruby", "mod_passenger");

    private final HttpdContext httpd;

    ApacheCrashRule(HttpdContext httpd) {
        this.httpd = httpd;
    }

    /** What the reader should know about the configuration itself (files changed or gone since, read warnings). */
    List<String> contextNotes() {
        return httpd.notes();
    }

    /** What the stack says: the innermost frame in a loaded module (not httpd, APR or libc), and httpd's stage. */
    record CrashSite(String modulePath, String module, String function, HttpdPhase.Stage stage, String source) {
    }

    CrashSite site(Incident inc) {
        DirectiveOwners owners = httpd.owners();
        List<String> functions = new ArrayList<>();
        String path = null;
        String function = null;
        String source = null;
        if (inc.core != null && !inc.core.backtrace().isEmpty()) {
            for (Frame f : inc.core.backtrace()) {
                functions.add(f.function());
            }
            if (inc.core.culprit() != null && inc.core.culprit().path() != null) {
                path = inc.core.culprit().path();
                function = inc.core.culprit().function();
                source = "the core's backtrace";
            }
        }
        if (!inc.stack.isEmpty()) {
            for (String frame : inc.stack) {
                String fn = HttpdPhase.functionOfStraceFrame(frame);
                functions.add(fn);
                String file = straceFrameFile(frame);
                if (path == null && file != null && owners.moduleOfFile(file) != null) {
                    path = file;
                    function = fn;
                    source = "the strace -k stack of the fault";
                }
            }
        }
        if (path == null && inc.capture != null && inc.capture.pcModule != null && owners.moduleOfFile(inc.capture.pcModule) != null) {
            path = inc.capture.pcModule;
            source = "the pc at the live signal stop";
        }
        String module = path == null ? null : owners.moduleOfFile(path);
        HttpdPhase.Stage stage = HttpdPhase.stageOf(functions);
        if (stage == null && logsReopenedAfterConfig(inc)) {
            stage = HttpdPhase.Stage.POST_CONFIG;
        }
        return new CrashSite(path, module, function, stage, source);
    }

    /**
     * Without a stack: the process had read its configuration and then opened its logs (ap_run_open_logs runs after
     * every directive, just before the post_config hooks), so the crash came after the directives ran.
     */
    static boolean logsReopenedAfterConfig(Incident inc) {
        if (inc.timeline == null || inc.openFiles == null || inc.requestLine != null) {
            return false;
        }
        long lastConfigRead = -1;
        String source = null;
        for (FileActivity a : inc.timeline) {
            if (a.kind == FileActivity.Kind.READ && a.file != null && a.file.pathClass == dev.faultline.model.PathClass.CONFIG) {
                lastConfigRead = a.lastLine;
                source = a.source;
            }
        }
        if (lastConfigRead < 0) {
            return false;
        }
        for (OpenFile f : inc.openFiles.values()) {
            if (f.kind == OpenFile.Kind.FILE && f.writeOnly && f.source != null && f.source.equals(source) && f.openedLine > lastConfigRead) {
                return true;
            }
        }
        return false;
    }

    /** {@code /usr/lib/x.so(fn+0x1) [0x2]} → {@code /usr/lib/x.so}. */
    static String straceFrameFile(String frame) {
        int plus = frame.lastIndexOf("+0x");
        int open = plus < 0 ? frame.lastIndexOf(" [") : frame.lastIndexOf('(', plus);
        if (open <= 0) {
            return null;
        }
        String f = frame.substring(0, open).trim();
        return f.startsWith("/") ? f : null;
    }

    /** The phase from the stack when it shows one, else from the crashing process's role and history. */
    static HttpdPhase phase(Incident inc, HttpdPhase.Stage stage, boolean htaccessOpen, boolean servingRequest) {
        boolean reloading = "SIGUSR1".equals(inc.controlSignal) || "SIGHUP".equals(inc.controlSignal);
        if (stage != null) {
            switch (stage) {
                case HTACCESS_PARSE:
                    return HttpdPhase.HTACCESS;
                case REQUEST:
                    return HttpdPhase.REQUEST;
                case CHILD_INIT:
                    return HttpdPhase.UNKNOWN;
                default:
                    return reloading ? HttpdPhase.RELOAD : HttpdPhase.STARTUP;
            }
        }
        if (servingRequest) {
            return htaccessOpen ? HttpdPhase.HTACCESS : HttpdPhase.REQUEST;
        }
        if (reloading) {
            return HttpdPhase.RELOAD;
        }
        if (inc.execArgv != null && !inc.forked) {
            return HttpdPhase.STARTUP; // the process that exec'd the server died before it forked a child
        }
        return HttpdPhase.UNKNOWN;
    }

    /** The verdict, or null when this rule has nothing to add (the generic scorer then decides alone). */
    Verdict explain(Incident inc) {
        if (inc.kind != Incident.Kind.CRASH || inc.stackOverflowHint) {
            return null;
        }
        CrashSite site = site(inc);
        OpenFile parsing = htaccessOpenAtFault(inc);
        boolean served = inc.requestLine != null || inc.httpdFacts != null && inc.httpdFacts.request() != null;
        HttpdPhase phase = phase(inc, site.stage(), parsing != null, served);
        if (isInterpreter(site.modulePath()) && phase == HttpdPhase.REQUEST) {
            return null;
        }
        HttpdCrashFacts facts = inc.httpdFacts == null ? HttpdCrashFacts.NONE : inc.httpdFacts;
        if (facts.directive() != null) {
            return exact(inc, facts, site, phase);
        }
        // the configuration the server ran, from its memory when there (it survives edits and deletions)
        List<ConfigNode> tree = !facts.tree().isEmpty() ? facts.tree() : httpd.tree();
        String treeSource = !facts.tree().isEmpty() ? "httpd's ap_conftree in memory" : httpd.treeSource();
        List<Candidate> cands;
        String scope;
        switch (phase) {
            case HTACCESS -> {
                if (parsing == null) {
                    return null;
                }
                cands = candidates(site, httpd.htaccess(parsing.path, traceText(parsing)), n -> "in " + parsing.path + ", the .htaccess being parsed at the fault");
                scope = "the .htaccess httpd was parsing";
            }
            case STARTUP, RELOAD -> {
                if (tree.isEmpty()) {
                    return null;
                }
                cands = candidates(site, HttpdContext.directives(tree), n -> "in the configuration (" + treeSource + ")");
                if (site.stage() == HttpdPhase.Stage.POST_CONFIG) {
                    for (Candidate c : cands) {
                        int ro = httpd.owners().reqOverride(c.directive);
                        if (ro >= 0 && (ro & dev.faultline.httpd.modules.DirectiveCatalog.PER_DIRECTORY) == 0) {
                            c.add(new Evidence("server-scope-hook", Weights.SERVER_SCOPE_HOOK, c.directive
                                    + " is server-scoped only: the per-server configuration that post_config hooks read"));
                        }
                    }
                    cands.sort((a, b) -> b.score - a.score);
                }
                scope = "the configuration being " + (phase == HttpdPhase.RELOAD ? "reloaded" : "loaded");
            }
            case REQUEST -> {
                RequestScope.Request req = facts.request() != null ? facts.request() : RequestScope.Request.parse(inc.requestLine, null);
                if (req == null || tree.isEmpty()) {
                    return null;
                }
                List<List<ConfigNode>> chain = new ArrayList<>();
                for (OpenFile h : htaccessReadInRequest(inc)) {
                    chain.add(httpd.htaccess(h.path, traceText(h)));
                }
                List<ConfigNode> inEffect = new ArrayList<>();
                Map<ConfigNode, String> via = new LinkedHashMap<>();
                for (RequestScope.InEffect e : RequestScope.of(tree, req, chain)) {
                    if (!e.conditional()) {
                        inEffect.add(e.node());
                        via.put(e.node(), e.via());
                    }
                }
                // most specific first: the last one merged won
                java.util.Collections.reverse(inEffect);
                String request = req.method() + " " + req.uri();
                cands = candidates(site, inEffect, n -> "in effect for " + request + " (" + describeVia(via.get(n)) + ")");
                for (Candidate c : cands) {
                    ConfigNode n = nodeOf(c, inEffect);
                    String v = n == null ? null : via.get(n);
                    if (v != null && !v.equals("server")) {
                        c.add(new Evidence("request-scope", Weights.REQUEST_SCOPE, "it applies " + describeVia(v)
                                + ", a scope the crashing request matched; a server-wide line applied to every request"));
                    }
                }
                cands.sort((a, b) -> b.score - a.score);
                scope = "the directives in effect for the request";
            }
            default -> {
                return null;
            }
        }
        if (cands.isEmpty()) {
            return null;
        }
        Candidate best = cands.get(0);
        boolean single = cands.size() == 1 || cands.get(1).score < best.score;
        Verdict v;
        if (!single && httpd.confirmer != null && (phase == HttpdPhase.STARTUP || phase == HttpdPhase.RELOAD)) {
            Candidate confirmed = confirm(cands);
            if (confirmed != null) {
                best = confirmed;
                cands.remove(confirmed);
                cands.add(0, confirmed);
                single = true;
            }
        }
        if (single && best.score >= Weights.CULPRIT_THRESHOLD) {
            v = new Verdict(Verdict.Kind.CONFIG, Weights.confidence(best.score), best,
                    best.evidence.get(0).reason, cands);
        } else {
            v = new Verdict(Verdict.Kind.UNKNOWN, 0.3, null, "no single config line: " + cands.size() + " lines of "
                    + (site.module() != null ? site.module() + "'s directives" : "third-party directives") + " are in " + scope
                    + "; `faultline configtest` or a core (--core) can tell which one ran", cands);
        }
        v.phase = phase;
        // the module: from the stack; else the one that owns the culprit's directive (its command table says so)
        v.module = site.module() != null ? site.module() : v.culprit != null ? httpd.owners().moduleOf(best.directive) : null;
        v.function = site.function();
        if (v.culprit != null) {
            v.directive = best.directive;
        }
        return v;
    }

    /** analyze --confirm: settle the tie by experiment on a private copy (CandidateCheck). */
    private Candidate confirm(List<Candidate> cands) {
        List<dev.faultline.httpd.configtest.CandidateCheck.Line> lines = new ArrayList<>();
        int top = cands.get(0).score;
        for (Candidate c : cands) {
            if (c.score == top && c.line != null && lines.size() < 8) {
                lines.add(new dev.faultline.httpd.configtest.CandidateCheck.Line(c.path, c.line));
            }
        }
        dev.faultline.httpd.configtest.CandidateCheck.Outcome o = httpd.confirmer.apply(lines);
        if (o.culprit() == null) {
            httpd.note("--confirm: " + o.problem() + " (" + String.join("; ", o.runs()) + ")");
            return null;
        }
        for (Candidate c : cands) {
            if (c.path.equals(o.culprit().file()) && c.line != null && c.line == o.culprit().line()) {
                c.add(new Evidence("confirmed-by-configtest", Weights.CONFIRMED_BY_CONFIGTEST, "apache2 -t on a private copy of the"
                        + " configuration crashes as it is and passes without this line alone: " + String.join("; ", o.runs())));
                c.evidence.sort((a, b) -> b.weight - a.weight);
                return c;
            }
        }
        return null;
    }

    private Verdict exact(Incident inc, HttpdCrashFacts facts, CrashSite site, HttpdPhase phase) {
        ConfigNode n = facts.directive();
        Candidate c = new Candidate(n.file());
        c.line = n.line();
        c.directive = n.name();
        String owner = httpd.owners() == null ? null : httpd.owners().moduleOf(n.name());
        boolean inCrashModule = site.module() == null || owner == null || owner.equals(site.module())
                || facts.directiveSource() != null && facts.directiveSource().contains("owned by the module that faulted");
        c.add(new Evidence(inCrashModule ? "directive-being-run" : "directive-on-stack",
                inCrashModule ? Weights.DIRECTIVE_BEING_RUN : Weights.DIRECTIVE_ON_STACK, "httpd was running " + n.text() + " ("
                + n.location() + ") when it crashed: " + facts.directiveSource()).line(n.file(), n.line(), n.text()));
        Verdict v = new Verdict(Verdict.Kind.CONFIG, Weights.confidence(c.score), c, c.evidence.get(0).reason, List.of(c));
        v.phase = phase == HttpdPhase.UNKNOWN && inc.requestLine == null ? HttpdPhase.STARTUP : phase;
        v.module = site.module() != null ? site.module() : httpd.owners().moduleOf(n.name());
        v.function = site.function();
        v.directive = n.name();
        return v;
    }

    /**
     * The lines among {@code nodes} that the crash implicates: the crashing module's directives (the one whose handler
     * crashed first), or without a stack, those of third-party modules. Ranked, best first.
     */
    private List<Candidate> candidates(CrashSite site, List<ConfigNode> nodes, java.util.function.Function<ConfigNode, String> whereOf) {
        DirectiveOwners owners = httpd.owners();
        String handlerOf = site.module() == null || site.function() == null ? null
                : owners.directiveOfHandler(site.module(), site.function());
        List<Candidate> out = new ArrayList<>();
        for (ConfigNode n : nodes) {
            if (n.isSection()) {
                continue;
            }
            String owner = owners.moduleOf(n.name());
            String where = whereOf.apply(n);
            Evidence e;
            if (handlerOf != null && handlerOf.equalsIgnoreCase(n.name())) {
                e = new Evidence("crashing-handler", Weights.CRASHING_HANDLER, "the crash is in " + site.function() + ", the handler of "
                        + n.name() + " (" + site.module() + "), and " + n.text() + " is " + where);
            } else if (site.module() != null && site.module().equals(owner)) {
                e = new Evidence("crashing-module-directive", Weights.CRASHING_MODULE_DIRECTIVE, "the crash is in " + site.module()
                        + " (" + site.source() + ") and " + n.text() + " is one of its directives, " + where);
            } else if (site.module() == null && owner != null && !owners.shippedWithHttpd(owner)) {
                e = new Evidence("third-party-directive", Weights.THIRD_PARTY_DIRECTIVE, n.text() + " belongs to " + owner
                        + ", a module not shipped with httpd, and is " + where + "; the stack is unknown (strace -k or a core would name the module)");
            } else {
                continue;
            }
            if (out.stream().anyMatch(c -> (c.path + ":" + c.line).equals(n.location()))) {
                continue;
            }
            Candidate c = new Candidate(n.file());
            c.line = n.line();
            c.directive = n.name();
                c.add(e.line(n.file(), n.line(), n.text()));
            out.add(c);
        }
        // the handler's own lines first; then as given (for a request: most specific first)
        out.sort((a, b) -> b.score - a.score);
        if (out.size() > 10) {
            return new ArrayList<>(out.subList(0, 10));
        }
        return out;
    }

    /** The .htaccess the crashing thread still had open and had read at the fault: httpd was parsing it. */
    private static OpenFile htaccessOpenAtFault(Incident inc) {
        OpenFile best = null;
        if (inc.openFiles != null) {
            for (OpenFile f : inc.openFiles.values()) {
                if (f.path != null && f.path.endsWith("/.htaccess") && f.lastReaderTid == inc.tid && f.bytesRead > 0
                        && (best == null || f.lastReadLine > best.lastReadLine)) {
                    best = f;
                }
            }
        }
        if (best == null && inc.capture != null) {
            for (var fd : inc.capture.fds) {
                if (fd.path().endsWith("/.htaccess")) {
                    OpenFile f = new OpenFile(fd.path(), OpenFile.Kind.FILE, false, false, 0, null, "live");
                    best = f;
                }
            }
        }
        return best;
    }

    /** The .htaccess files the crashing thread read in the request window, in the order it read them. */
    private static List<OpenFile> htaccessReadInRequest(Incident inc) {
        List<OpenFile> out = new ArrayList<>();
        if (inc.timeline == null) {
            return out;
        }
        for (FileActivity a : inc.timeline) {
            if ((inc.windowStartSeq < 0 || a.seq >= inc.windowStartSeq) && a.kind == FileActivity.Kind.READ && a.file != null
                    && a.path != null && a.path.endsWith("/.htaccess") && out.stream().noneMatch(f -> f.path.equals(a.path))) {
                out.add(a.file);
            }
        }
        return out;
    }

    /** The file's text as the trace showed it being read, when strace printed every byte of it; else null. */
    private static String traceText(OpenFile f) {
        return f.sawEof && f.contentComplete ? f.content() : null;
    }

    private static ConfigNode nodeOf(Candidate c, List<ConfigNode> nodes) {
        for (ConfigNode n : nodes) {
            if (n.file().equals(c.path) && c.line != null && n.line() == c.line) {
                return n;
            }
        }
        return null;
    }

    private static String describeVia(String via) {
        if (via == null || via.equals("server")) {
            return "server level";
        }
        return via.equals(".htaccess") ? "inherited through the .htaccess chain" : "through " + via;
    }

    private static boolean isInterpreter(String modulePath) {
        if (modulePath == null) {
            return false;
        }
        String name = modulePath.substring(modulePath.lastIndexOf('/') + 1);
        return INTERPRETER_MODULES.stream().anyMatch(name::startsWith);
    }
}
