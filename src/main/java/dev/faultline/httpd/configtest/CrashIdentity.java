package dev.faultline.httpd.configtest;

import dev.faultline.model.CrashCapture;
import java.util.Objects;

/**
 * What makes two crashes "the same" for bisection: the signal and where the pc was (module + file offset). A
 * different crash, or a crash without a captured pc against one with it, is a different failure.
 */
public record CrashIdentity(String signal, String module, long moduleOffset) {
    public static CrashIdentity of(CrashCapture c) {
        return new CrashIdentity(c.signal, c.pcModule, c.pcModule == null ? 0 : c.pcModuleOffset);
    }

    public static CrashIdentity ofSignal(String signal) {
        return new CrashIdentity(signal, null, 0);
    }

    public boolean sameAs(CrashIdentity other) {
        return other != null && Objects.equals(signal, other.signal) && Objects.equals(module, other.module)
                && moduleOffset == other.moduleOffset;
    }

    @Override
    public String toString() {
        return module == null ? signal : signal + " in " + module + "+0x" + Long.toHexString(moduleOffset);
    }
}
