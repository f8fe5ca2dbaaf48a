package dev.faultline.httpd;

import dev.faultline.core.Memory;
import dev.faultline.httpd.memory.RequestOnStack;
import dev.faultline.model.CrashCapture;
import java.util.ArrayList;
import java.util.List;

/** Reads what a live httpd's memory says about its crash, at the signal-delivery-stop ({@link HttpdCrashFacts}). */
public final class HttpdLiveReader {
    private HttpdLiveReader() {
    }

    /** For {@code Tracer.Options.atCrashStop}: null when the crashed process is no httpd. */
    public static Object atStop(CrashCapture c, Memory mem) {
        if (c.exe == null || !HttpdExecutable.isServer(List.of(c.exe))) {
            return null;
        }
        Long sp = c.register("rsp");
        if (sp == null) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        RequestScope.Request request = RequestOnStack.find(mem, sp);
        return new HttpdCrashFacts(request, null, null, List.of(), problems);
    }
}
