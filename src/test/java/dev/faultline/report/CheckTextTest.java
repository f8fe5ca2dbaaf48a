package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.httpd.check.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal rendering of {@code check}. */
class CheckTextTest {

    @Test
    void cleanCheckSaysSoFirstAndListsEveryProbeAsPassing() {
        String text = CheckText.render(CheckResults.clean(), false);
        assertEquals("""
                check: clean (5 probes)
                ok  configtest · start · GET / 200 · GET /index.html 200 · GET /status 200
                """, text);
    }

    @Test
    void eachFindingIsOneFailLineWithItsCulpritThenEvidenceAndFix() {
        String text = CheckText.render(CheckResults.withFindings(CheckResults.crash(), CheckResults.htaccess500()),
                false);
        List<String> lines = text.lines().toList();
        assertEquals("check: 2 findings in 7 probes", lines.get(0));
        assertEquals("FAIL GET /z/ → crash SIGSEGV in fixups (mod_faultdemo.c) ← conf/conf.d/40-z.conf:9"
                + " \"FaultdemoHandler bogus\" [config, 92 %]", lines.get(1));
        assertEquals("     module mod_faultdemo.c", lines.get(2));
        assertEquals("     conf/conf.d/40-z.conf:7  <Location /z/>", lines.get(3));
        assertTrue(text.contains("FAIL GET /app/ → http_error 500 Internal Server Error: Invalid command"
                + " 'RewriteEngin' ← htdocs/app/.htaccess:2 \"RewriteEngin On\" [config, 97 %]\n"), text);
        assertTrue(text.contains("     fix:\n       --- a/htdocs/app/.htaccess\n       +++ b/htdocs/app/.htaccess\n"
                + "       @@ -1,3 +1,3 @@\n        # pretty URLs for the app\n       -RewriteEngin On\n"
                + "       +RewriteEngine On\n"), text);
        assertTrue(text.contains("\nok  configtest · start · GET / 200 · GET /index.html 200 · GET /status 200\n"),
                "the probes with findings are not among the passing ones: " + text);
        assertTrue(text.endsWith("note: not root: the server ran as the current user, so permission findings may be"
                + " missing\n"));
    }

    @Test
    void evidenceIsCutAtEightLines() {
        List<Finding.Evidence> evidence = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            evidence.add(new Finding.Evidence("error.log:" + i, "AH00052: child pid " + (4550 + i)
                    + " exit signal Segmentation fault (11)"));
        }
        Finding c = CheckResults.crash();
        Finding many = new Finding(c.probe(), c.kind(), c.verdict(), c.file(), c.line(), c.directive(), c.module(),
                c.message(), c.confidence(), evidence, null);
        String text = CheckText.render(CheckResults.withFindings(many), false);
        assertTrue(text.contains("error.log:8  AH00052"));
        assertFalse(text.contains("error.log:9  "));
        assertTrue(text.contains("     … 3 more evidence lines (--format json has them all)\n"), text);
        // the finding's culprit line is quoted from the directive when no evidence line is at it
        assertTrue(text.contains("← conf/conf.d/40-z.conf:9 \"FaultdemoHandler\" [config, 92 %]"), text);
    }

    @Test
    void findingWithoutFileAndCheckThatCouldNotRun() {
        String text = CheckText.render(CheckResults.withFindings(CheckResults.withoutFile()), false);
        assertTrue(text.contains("FAIL start → error_log AH01909: server certificate does not include an ID which"
                + " matches the server name [unknown, 40 %]\n"), text);
        assertEquals("""
                check: could not run: apache2 not found: install apache2 or pass --apache2
                note: no apache2 in PATH
                """, CheckText.render(CheckResults.couldNotRun(), false));
    }

    @Test
    void hostileStringsCannotReachTheTerminal() {
        String plain = CheckText.render(CheckResults.hostile(), false);
        assertFalse(plain.chars().anyMatch(c -> c < 0x20 && c != '\n' || c == 0x7f || c == 0x202e), plain);
        assertTrue(plain.contains("\\u001b[31mred"));
        assertTrue(plain.contains("line1\\nline2\\r\\n\\ttab"));
        assertTrue(plain.contains("café ÿ 日本"), "printable non-ASCII stays readable");
        String colored = CheckText.render(CheckResults.hostile(), true);
        // every ESC in colored output starts one of our own colour codes
        assertEquals(colored.split("\u001b\\[", -1).length - 1,
                colored.split("\u001b\\[(1;31|32|33|0)m", -1).length - 1);
        assertTrue(colored.startsWith("\u001b[1;31mcheck: 2 findings in 3 probes\u001b[0m\n"));
    }
}
