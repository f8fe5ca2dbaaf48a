package dev.faultline.httpd;

import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreThread;
import dev.faultline.httpd.memory.RequestOnStack;
import java.util.ArrayList;
import java.util.List;

/** Reads what an httpd core's memory says about its crash ({@link HttpdCrashFacts}). */
public final class HttpdCoreReader {
    private HttpdCoreReader() {
    }

    /** @param crashingTid the thread that crashed (the core reader's choice, which may not be the dumping one) */
    public static HttpdCrashFacts read(CoreFile core, int crashingTid) {
        List<String> problems = new ArrayList<>();
        CoreThread crashing = null;
        for (CoreThread t : core.threads()) {
            if (t.tid() == crashingTid || crashing == null) {
                crashing = t;
            }
        }
        if (crashing == null) {
            return HttpdCrashFacts.NONE;
        }
        RequestScope.Request request = RequestOnStack.find(core.memory(), crashing.registers().sp());
        return new HttpdCrashFacts(request, null, null, List.of(), problems);
    }
}
