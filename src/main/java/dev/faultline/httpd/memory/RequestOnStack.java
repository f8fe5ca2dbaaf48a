package dev.faultline.httpd.memory;

import dev.faultline.linux.Memory;
import dev.faultline.httpd.RequestScope;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The request a crashing httpd thread was serving, read from its own stack: every request hook gets the
 * {@code request_rec *r}, so a pointer to it sits in the frames between the crash and ap_process_request. A word
 * counts only when it points at a struct whose {@code the_request} is a request line and whose {@code method}
 * matches it. Needs no trace at all, so a sentinel attach or a core knows the request too.
 */
public final class RequestOnStack {
    /** request_rec (httpd.h, x86_64 LP64 and aarch64): offsets checked against the headers by RequestOnStackTest. */
    static final int THE_REQUEST = 48;
    static final int HOSTNAME = 80;
    static final int METHOD = 112;
    static final int URI = 336;
    static final int FILENAME = 344;
    /** How far above the stack pointer to look: the hooks sit well inside this. */
    static final int SCAN_BYTES = 256 * 1024;
    static final int MAX_STRING = dev.faultline.Limits.MEMORY_STRING_BYTES;

    private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z][A-Z_-]{1,15} \\S+ HTTP/\\d\\.\\d");

    private RequestOnStack() {
    }

    /** The innermost request found scanning up from {@code sp}, or null. */
    public static RequestScope.Request find(Memory mem, long sp) {
        byte[] window = new byte[SCAN_BYTES];
        int n = mem.read(sp & ~7L, window, 0, window.length);
        for (int off = 0; off + 8 <= n; off += 8) {
            long r = 0;
            for (int i = 7; i >= 0; i--) {
                r = (r << 8) | (window[off + i] & 0xff);
            }
            if (r < 4096 || (r & 7) != 0) {
                continue;
            }
            RequestScope.Request req = at(mem, r);
            if (req != null) {
                return req;
            }
        }
        return null;
    }

    /** The request_rec at {@code r}, or null when it is not one. */
    static RequestScope.Request at(Memory mem, long r) {
        String line = string(mem, r + THE_REQUEST, 512);
        if (line == null || !REQUEST_LINE.matcher(line).matches()) {
            return null;
        }
        String method = string(mem, r + METHOD, 32);
        if (method == null || !line.startsWith(method + " ")) {
            return null;
        }
        String uri = string(mem, r + URI, MAX_STRING);
        if (uri == null || !uri.startsWith("/")) {
            return null;
        }
        RequestScope.Request parsed = RequestScope.Request.parse(line, string(mem, r + HOSTNAME, 256));
        String filename = string(mem, r + FILENAME, MAX_STRING);
        return new RequestScope.Request(method, uri, parsed == null ? null : parsed.host(),
                filename != null && filename.startsWith("/") ? filename : null);
    }

    /** The NUL-terminated string a pointer at {@code ptrAddr} points to, if readable within {@code max} bytes. */
    static String string(Memory mem, long ptrAddr, int max) {
        OptionalLong p = mem.u64(ptrAddr);
        if (p.isEmpty() || p.getAsLong() < 4096) {
            return null;
        }
        byte[] b = new byte[max];
        int got = mem.read(p.getAsLong(), b, 0, max);
        for (int i = 0; i < got; i++) {
            if (b[i] == 0) {
                return new String(b, 0, i, StandardCharsets.UTF_8);
            }
            if (b[i] < 0x20 && b[i] != '\t') {
                return null; // a request field has no control characters
            }
        }
        return null;
    }
}
