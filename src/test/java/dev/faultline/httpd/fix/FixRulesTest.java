package dev.faultline.httpd.fix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.analysis.FileSource;
import dev.faultline.fix.FixTrees;
import dev.faultline.report.FixDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fix rules on real files under a private root (read as a --root snapshot): what each keeps, and when the
 * evidence is not enough for a hint. The diff of each is applied with the real GNU patch.
 */
class FixRulesTest {
    private Path root;
    private FileSource files;

    @BeforeEach
    void setUp() throws Exception {
        root = FixTrees.tempDir();
        files = new FileSource(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        FixTrees.delete(root);
    }

    private void write(String serverPath, String content) throws Exception {
        Path p = root.resolve(serverPath.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private String read(String serverPath) throws Exception {
        return Files.readString(root.resolve(serverPath.substring(1)));
    }

    /** Applies the hint's diff with GNU patch -p0 from the root, as the user would; returns the file after. */
    private String patched(FixHint h) throws Exception {
        String diff = FixDiff.render(h);
        FixTrees.Run r = FixTrees.run(root, diff, List.of("patch", "-p0", "--no-backup-if-mismatch"));
        assertEquals(0, r.exit(), diff + r.out());
        return read(h.path());
    }

    @Test
    void aTypoKeepsIndentationArgumentsAndCrlf() throws Exception {
        write("/srv/site/.htaccess", "<IfModule mod_rewrite.c>\r\n\t  RewriteEngin   On # on\r\n</IfModule>");
        FixHint h = FixRules.misspelledDirective("/srv/site/.htaccess", 2, "RewriteEngin", "RewriteEngine", files).orElseThrow();
        assertEquals("\t  RewriteEngine   On # on", h.newLine());
        assertEquals("<IfModule mod_rewrite.c>\r\n\t  RewriteEngine   On # on\r\n</IfModule>", patched(h),
                "the CRLF line ends and the missing last newline stay");
    }

    @Test
    void noHintWhenTheLineNoLongerSaysWhatTheEvidenceQuoted() throws Exception {
        write("/srv/site/.htaccess", "RewriteEngine On\n");
        assertTrue(FixRules.misspelledDirective("/srv/site/.htaccess", 1, "RewriteEngin", "RewriteEngine", files).isEmpty());
        assertTrue(FixRules.misspelledDirective("/srv/site/.htaccess", 7, "RewriteEngin", "RewriteEngine", files).isEmpty(), "no such line");
        assertTrue(FixRules.misspelledDirective("/srv/gone/.htaccess", 1, "RewriteEngin", "RewriteEngine", files).isEmpty(), "no such file");
        assertTrue(FixRules.crashingDirective("/srv/site/.htaccess", 1, "FaultdemoHandler", "faultdemo_module", files).isEmpty());
    }

    @Test
    void aCrashingDirectiveIsCommentedOutInPlace() throws Exception {
        write("/srv/conf/x.conf", "<Location /app>\n    FaultdemoHandler bogus\n</Location>\n");
        FixHint h = FixRules.crashingDirective("/srv/conf/x.conf", 2, "faultdemohandler", "faultdemo_module", files).orElseThrow();
        assertEquals("faultdemo_module", h.module());
        assertTrue(h.explanation().contains("<IfModule faultdemo_module>"), h.explanation());
        assertEquals("<Location /app>\n    # FaultdemoHandler bogus\n</Location>\n", patched(h));
    }

    @Test
    void aMissingIncludeGetsItsNearMissSibling() throws Exception {
        write("/srv/wp/wp-settings.php", "<?php\nrequire ABSPATH . WPINC . '/class-wp-locale.phpp';\n");
        write("/srv/wp/wp-includes/class-wp-locale.php", "<?php\n");
        FixHint h = FixRules.missingInclude("/srv/wp/wp-settings.php", 2, "/srv/wp/wp-includes/class-wp-locale.phpp", files).orElseThrow();
        assertEquals(FixHint.Kind.REPLACE_PATH, h.kind());
        assertEquals("<?php\nrequire ABSPATH . WPINC . '/class-wp-locale.php';\n", patched(h));
    }

    @Test
    void twoEquallyNearSiblingsGiveNoHint() throws Exception {
        write("/srv/app/index.php", "<?php\nrequire __DIR__ . '/lib/confg.php';\n");
        write("/srv/app/lib/config.php", "<?php\n");
        write("/srv/app/lib/confgs.php", "<?php\n");
        assertEquals(Optional.empty(), FixRules.missingInclude("/srv/app/index.php", 2, "/srv/app/lib/confg.php", files));
    }

    @Test
    void aNameInsideALongerNameIsNotTheMissingPath() throws Exception {
        write("/srv/app/index.php", "<?php\nrequire 'mysettings.php';\n");
        write("/srv/app/setting.php", "<?php\n");
        assertEquals(Optional.empty(), FixRules.missingInclude("/srv/app/index.php", 2, "/srv/app/settings.php", files));
    }

    @Test
    void aConfigLineNamingAMissingFileWithNoSiblingIsCommentedOut() throws Exception {
        write("/srv/conf/php.ini", "[PHP]\nauto_prepend_file = /opt/gone/waf.php\n");
        FixHint h = FixRules.missingInclude("/srv/conf/php.ini", 2, "/opt/gone/waf.php", files).orElseThrow();
        assertEquals("; auto_prepend_file = /opt/gone/waf.php", h.newLine(), "php.ini comments start with ;");
        write("/srv/app/index.php", "<?php\nrequire '/opt/gone/waf.php';\n");
        assertEquals(Optional.empty(), FixRules.missingInclude("/srv/app/index.php", 2, "/opt/gone/waf.php", files),
                "application code is never cut");
    }

    @Test
    void permissionNeedsTheServerAccount() throws Exception {
        write("/srv/app/settings.php", "<?php\n");
        assertTrue(FixRules.permission("/srv/app/settings.php", null, files).isEmpty());
        FixHint h = FixRules.permission("/srv/app/settings.php", new ServerAccount("nobody-here", "www-data"), files).orElseThrow();
        assertNull(FixDiff.render(h), "a permission change has no diff");
        assertEquals("g+r", h.access().mode());
    }
}
