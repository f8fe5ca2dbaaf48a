package dev.faultline.httpd.memory;

import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreReport;
import java.util.ArrayList;
import java.util.List;

/** Adds to a core's report what httpd's memory in the core says: the directive being run and the pc's module. */
public final class HttpdCoreFindings {
    private HttpdCoreFindings() {
    }

    /** {@code report} with its {@link CoreReport.Httpd} filled when the core is httpd's; else unchanged. */
    public static CoreReport add(CoreFile core, CoreReport report) {
        HttpdMemory httpd = HttpdImage.fromCore(core);
        if (httpd == null) {
            return report;
        }
        HttpdMemory.StackDirective d = HttpdImage.directiveAtCrash(core, httpd);
        HttpdMemory.LoadedModule holding = httpd.moduleHolding(report.fault().pc());
        HttpdMemory.ConfigTree tree = httpd.configTree();
        List<String> problems = new ArrayList<>(tree.problems());
        problems.addAll(httpd.moduleProblems());
        return report.withHttpd(new CoreReport.Httpd(d == null ? null : d.node().name(), d == null ? null : d.node().args(),
                d == null ? null : d.node().file(), d == null ? 0 : d.node().line(), d == null ? null : d.module(),
                holding == null ? null : holding.name(), tree.nodeCount(), problems));
    }
}
