package dev.faultline.httpd.memory;

import dev.faultline.linux.Memory;
import java.nio.charset.StandardCharsets;

/** Bounded, checked reads of words and C strings from a {@link Memory}; an unreadable address gives null / -1. */
final class RawMemory {
    /** Strings are read in pieces this size, so a string ending just before an unmapped page still reads. */
    private static final int STRING_CHUNK = 256;

    private final Memory memory;

    RawMemory(Memory memory) {
        this.memory = memory;
    }

    Memory memory() {
        return memory;
    }

    /** The 64-bit word at {@code a}, or null when unreadable. */
    Long u64(long a) {
        if (a == 0) {
            return null;
        }
        var w = memory.u64(a);
        return w.isPresent() ? w.getAsLong() : null;
    }

    /**
     * The NUL-terminated string at {@code a}: null when unreadable, not terminated within {@code max} bytes, or
     * holding control characters other than tab (config text never has them; a wild pointer usually does).
     */
    String cstring(long a, int max) {
        if (a == 0) {
            return null;
        }
        byte[] buf = new byte[max];
        int have = 0;
        while (have < max) {
            int n = memory.read(a + have, buf, have, Math.min(STRING_CHUNK, max - have));
            if (n <= 0) {
                return null;
            }
            for (int i = have; i < have + n; i++) {
                if (buf[i] == 0) {
                    return new String(buf, 0, i, StandardCharsets.UTF_8);
                }
                if ((buf[i] & 0xff) < 0x20 && buf[i] != '\t') {
                    return null;
                }
            }
            have += n;
        }
        return null;
    }
}
