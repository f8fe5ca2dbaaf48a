package dev.faultline.model;

import java.nio.charset.StandardCharsets;

/**
 * Just enough of the FastCGI wire format (fastcgi.com spec 1.0, section 3 and 5) to see a request in socket
 * buffers: mod_proxy_fcgi writes {@code FCGI_BEGIN_REQUEST} then {@code FCGI_PARAMS} records, php-fpm reads them.
 * A record header is 8 bytes: version 1, type, request id (2), content length (2), padding length, reserved.
 */
public final class FastCgiRecords {
    private FastCgiRecords() {
    }

    static final int VERSION = 1;
    static final int BEGIN_REQUEST = 1;
    static final int PARAMS = 4;
    static final int MAX_TYPE = 11;

    /** The buffer starts with an FCGI_BEGIN_REQUEST header. */
    public static boolean isBeginRequest(byte[] b) {
        return b != null && b.length >= 8 && b[0] == VERSION && b[1] == BEGIN_REQUEST && b[4] == 0 && b[5] == 8;
    }

    /** The buffer starts with some FastCGI record header. */
    public static boolean isRecord(byte[] b) {
        return b != null && b.length >= 8 && b[0] == VERSION && b[1] >= 1 && b[1] <= MAX_TYPE && b[7] == 0;
    }

    /**
     * The value of param {@code name} in a buffer holding FastCGI name-value pairs (with or without the record
     * headers around them), or null when the buffer does not hold it whole.
     */
    public static String param(byte[] b, String name) {
        if (b == null) {
            return null;
        }
        byte[] key = name.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = indexOf(b, key, 0); i >= 0; i = indexOf(b, key, i + 1)) {
            // a pair is: name length, value length, name, value; a length of 128 or more takes 4 bytes, high bit set
            int valueLength;
            if (i >= 2 && (b[i - 2] & 0xff) == key.length && (b[i - 1] & 0x80) == 0) {
                valueLength = b[i - 1] & 0xff;
            } else if (i >= 5 && (b[i - 5] & 0xff) == key.length && (b[i - 4] & 0x80) != 0) {
                valueLength = ((b[i - 4] & 0x7f) << 24) | ((b[i - 3] & 0xff) << 16) | ((b[i - 2] & 0xff) << 8) | (b[i - 1] & 0xff);
            } else {
                continue;
            }
            int start = i + key.length;
            if (valueLength > b.length - start) {
                return null; // cut by strace -s
            }
            return new String(b, start, valueLength, StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    /**
     * The file a SCRIPT_FILENAME names. mod_proxy_fcgi sends {@code proxy:fcgi://localhost/srv/app/index.php} when
     * the handler is a {@code SetHandler proxy:...} (php-fpm strips that prefix itself), so it is stripped here too.
     */
    public static String scriptPath(String scriptFilename) {
        if (scriptFilename != null && scriptFilename.startsWith("proxy:")) {
            int scheme = scriptFilename.indexOf("://");
            int path = scheme < 0 ? -1 : scriptFilename.indexOf('/', scheme + 3);
            return path < 0 ? scriptFilename : scriptFilename.substring(path);
        }
        return scriptFilename;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
