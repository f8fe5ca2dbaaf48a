package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.model.PathClass;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The files libc, NSS and interpreters look for at start-up are never a missing include. Recorded case
 * (recorded/event-child-sigterm-at-start): check's old teardown sent SIGTERM to every process of an event-MPM
 * server; a child still starting its threads died of SIGSEGV 80 ms after its getpwnam() for User www-data had
 * probed nss-systemd's absent /etc/userdb, and faultline blamed that probe as a missing include (0.57).
 */
class StartupProbeVerdictTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anEventChildKilledWhileStartingHasNoConfigCulprit() throws Exception {
        Path dir = Cli.repo().resolve("src/test/resources/dev/faultline/recorded/event-child-sigterm-at-start");
        Cli r = Cli.run("analyze", dir.resolve("server.strace.gz").toString(), "--error-log", dir.resolve("error.log").toString(),
                "--format", "json");
        assertEquals(dev.faultline.cli.ExitCodes.INCIDENTS_WITHOUT_CULPRIT, r.exit, r.err + r.out);
        JsonNode report = JSON.readTree(r.out);
        JsonNode incidents = report.path("incidents");
        assertEquals(1, incidents.size(), "the one child crash: " + incidents);
        JsonNode verdict = incidents.get(0).path("verdict");
        assertEquals("unknown", verdict.path("class").asText(), verdict.toString());
        assertTrue(verdict.path("culprit").isNull(), verdict.toString());
        for (JsonNode c : verdict.path("candidates")) {
            assertFalse(c.toString().contains("/etc/userdb"), "the NSS probe is not even a weak candidate: " + c);
        }
    }

    @Test
    void startupProbesAreSystemFilesButConfigUnderEtcStaysConfig() {
        for (String p : new String[] {"/etc/userdb", "/etc/userdb/www-data.user", "/etc/shadow", "/etc/selinux/config",
                "/etc/pam.d/common-auth", "/etc/krb5.conf", "/usr/local/bin/pyvenv.cfg", "/etc/gnutls/config"}) {
            assertEquals(PathClass.SYSTEM, PathClass.of(p), p);
        }
        for (String p : new String[] {"/etc/apache2/conf-enabled/app.conf", "/etc/httpd/conf.d/ssl.conf", "/etc/php/8.2/fpm/php.ini",
                "/etc/apache2/userdb.conf"}) {
            assertTrue(PathClass.of(p).isSuspect(), p);
        }
    }
}
