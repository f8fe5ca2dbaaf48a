package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A shared library names the libraries it loads, but is no referrer to fix: python's _lzma extension (an ELF) named
 * liblzma.so.5, which the loader probes in several directories, and a crash of python was blamed on "line 3" of the
 * .so with confidence 0.84. Binary content is never searched for the missing name.
 */
class BinaryReferrerTest {
    @Test
    void anElfOrAnyTextWithNulIsBinaryAndConfigTextIsNot() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        if (Files.isReadable(libc)) {
            byte[] head = Files.readAllBytes(libc);
            assertTrue(FailedOpenSignal.binary(new String(head, 0, 8192, StandardCharsets.ISO_8859_1)), "a real ELF");
        }
        assertTrue(FailedOpenSignal.binary("\\177ELF\\2\\1\\1\\3"), "an ELF as strace prints its buffer");
        assertTrue(FailedOpenSignal.binary("abc\0def"));
        assertFalse(FailedOpenSignal.binary("Include conf.d/*.conf\nLoadModule x_module modules/mod_x.so\n"));
        assertFalse(FailedOpenSignal.binary("<?php require_once 'inc/settings.php';\n"));
    }
}
