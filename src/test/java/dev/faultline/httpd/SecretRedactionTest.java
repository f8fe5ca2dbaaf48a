package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, security review: secrets in what the server reads (an .htaccess with SetEnv DB_PASSWORD, SetEnv
 * API_KEY and AuthLDAPBindPassword beside the typo that makes the 500) never reach an output. A real check records
 * the incident and prints it as text, JSON, JUnit and SARIF; every quoted line of analyze's reports passes the
 * evidence chokepoint, which masks; and faultline run writes its own strace log of a program reading the file.
 * Each output is searched for the values.
 */
class SecretRedactionTest {
    private static final List<String> SECRETS = List.of("hunter2-setenv", "abcd-apikey", "ldap-s3cret");

    @TempDir
    Path tmp;

    @Test
    void noOutputOfCheckAnalyzeOrRunQuotesASecret() throws Exception {
        CheckCorpusTest.assumeLiveApache();
        Path repo = tmp.resolve("repo");
        Process cp = new ProcessBuilder("cp", "-a", Cli.repo().resolve("fixtures/apache/htaccess-typo/snapshot").toString(),
                repo.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        for (Path d = repo; d.startsWith(tmp.getParent()); d = d.getParent()) {
            Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path htaccess = repo.resolve("tmp/faultline-apache/htaccess-typo/htdocs/app/.htaccess");
        Files.writeString(htaccess, "SetEnv DB_PASSWORD hunter2-setenv\nSetEnv API_KEY abcd-apikey\n"
                + "AuthLDAPBindPassword ldap-s3cret\n" + Files.readString(htaccess, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
        String config = "/tmp/faultline-apache/htaccess-typo/conf/httpd.conf";
        List<Path> outputs = new ArrayList<>();
        for (String format : List.of("text", "json", "junit", "sarif")) {
            Path out = tmp.resolve("check." + format);
            List<String> args = new ArrayList<>(List.of("check", "--root", repo.toString(), "--config", config, "--format", format,
                    "-o", out.toString()));
            FaultlineProcess p = FaultlineProcess.start(tmp, List.of(), args.toArray(String[]::new));
            assertEquals(73, p.waitFor(120), p.stderr());
            outputs.add(out);
        }
        assertTrue(Files.readString(outputs.get(0)).contains(".htaccess:"), "the check found the broken .htaccess");
        // every line any report quotes (analyze's text, JSON and Markdown, check's outputs) is an Evidence.LogLine
        // or an incident's anchor: both mask on the way in
        dev.faultline.analysis.Evidence e = new dev.faultline.analysis.Evidence("t", 1, "r")
                .line("trace", 7, "read(3, \"SetEnv DB_PASSWORD hunter2-setenv\\nAuthLDAPBindPassword ldap-s3cret\\n\", 4096) = 60");
        assertEquals("read(3, \"SetEnv DB_PASSWORD ***\\nAuthLDAPBindPassword ***\\n\", 4096) = 60", e.log.get(0).text);
        // run's own strace log of a program that reads the file
        Path straceLog = tmp.resolve("run.strace");
        FaultlineProcess run = FaultlineProcess.start(tmp, List.of(), "run", "--strace-log", straceLog.toString(), "-s", "1024",
                "-o", tmp.resolve("run.report").toString(), "--", "/usr/bin/head", "-n", "100", htaccess.toString()); // head reads (cat may copy_file_range into a file)
        assertEquals(0, run.waitFor(60), run.stderr());
        assertTrue(Files.readString(straceLog).contains("SetEnv API_KEY"), "the log shows the read buffer");
        outputs.add(straceLog);
        outputs.add(tmp.resolve("run.report"));
        for (Path out : outputs) {
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            for (String secret : SECRETS) {
                assertFalse(text.contains(secret), out.getFileName() + " quotes the secret " + secret);
            }
        }
    }

    /**
     * Core outputs: a real httpd core (location-handler-prefork) whose memory is given a secret directive as the one
     * being run, and a psargs with a password. The text and JSON renderings mask both.
     */
    @Test
    void coreOutputsMaskTheDirectiveAndCommandLineSecrets() throws Exception {
        Path core = Cli.repo().resolve("fixtures/httpd/location-handler-prefork/core.zst");
        dev.faultline.core.CoreReport real = dev.faultline.cli.CoreCommand.read(core, null, false, null).report();
        dev.faultline.core.CoreReport.Httpd h = real.httpd();
        dev.faultline.core.CoreReport withSecret = real.withHttpd(new dev.faultline.core.CoreReport.Httpd("AuthLDAPBindPassword",
                "ldap-s3cret", h == null ? "/etc/apache2/conf.d/ldap.conf" : h.file(), 7, "authnz_ldap_module", null, 10, List.of()));
        dev.faultline.core.CoreReport.Process p = new dev.faultline.core.CoreReport.Process(1, 0, 0, "php-fpm",
                "php-fpm -d mysqli.default_password=abcd-apikey", "/usr/sbin/php-fpm", null);
        assertEquals("php-fpm -d mysqli.default_password=***", p.args());
        for (String out : List.of(dev.faultline.report.CoreText.render(withSecret), dev.faultline.report.CoreJson.render(withSecret))) {
            assertTrue(out.contains("AuthLDAPBindPassword"), "the directive is named: " + out);
            assertFalse(out.contains("ldap-s3cret"), "a core output quotes the secret: " + out);
        }
    }
}
