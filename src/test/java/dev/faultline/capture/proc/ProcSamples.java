package dev.faultline.capture.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the /proc files captured under src/test/resources/proc/ (see the README there). */
final class ProcSamples {

    private ProcSamples() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = ProcSamples.class.getResourceAsStream("/proc/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
