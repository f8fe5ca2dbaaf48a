package dev.faultline.httpd;

import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreReport;
import dev.faultline.core.CoreThread;
import dev.faultline.httpd.memory.HttpdImage;
import dev.faultline.httpd.memory.HttpdMemory;
import dev.faultline.httpd.memory.RequestOnStack;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what an httpd core's memory says about its crash: the report gets its {@link CoreReport.Httpd} (for the
 * core's own text and JSON) and the verdict gets {@link HttpdCrashFacts} (the nodes themselves).
 */
public final class HttpdCoreReader {
    /** The report with its httpd findings, and the facts for the Apache rule. */
    public record Result(CoreReport report, HttpdCrashFacts facts) {
    }

    private HttpdCoreReader() {
    }

    public static Result read(CoreFile core, CoreReport report) {
        CoreThread crashing = null;
        for (CoreThread t : core.threads()) {
            if (t.tid() == report.crashingTid() || crashing == null) {
                crashing = t;
            }
        }
        RequestScope.Request request = crashing == null ? null : RequestOnStack.find(core.memory(), crashing.registers().sp());
        HttpdMemory httpd = HttpdImage.fromCore(core);
        if (httpd == null) {
            return new Result(report, request == null ? HttpdCrashFacts.NONE
                    : new HttpdCrashFacts(request, null, null, List.of(), List.of()));
        }
        HttpdMemory.StackDirective d = HttpdImage.directiveAtCrash(core, httpd);
        HttpdMemory.LoadedModule holding = httpd.moduleHolding(report.fault().pc());
        HttpdMemory.ConfigTree tree = httpd.configTree();
        List<String> problems = new ArrayList<>(tree.problems());
        problems.addAll(httpd.moduleProblems());
        CoreReport withHttpd = report.withHttpd(new CoreReport.Httpd(d == null ? null : d.node().name(), d == null ? null : d.node().args(),
                d == null ? null : d.node().file(), d == null ? 0 : d.node().line(), d == null ? null : d.module(),
                holding == null ? null : holding.name(), tree.nodeCount(), problems));
        HttpdCrashFacts facts = new HttpdCrashFacts(request, d == null ? null : d.node(),
                d == null ? null : "cmd_parms.directive on the core's crashing stack" + (d.inCrashModule() ? ", owned by the module that faulted" : ""),
                tree.roots(), problems);
        return new Result(withHttpd, facts);
    }
}
