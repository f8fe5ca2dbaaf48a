package dev.faultline.httpd.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ApacheConfigParser;
import dev.faultline.httpd.config.ConfigFiles;
import dev.faultline.httpd.config.ConfigNode;
import dev.faultline.httpd.config.Envvars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Debian 12's own /etc/apache2, read (read-only) through the existing config parser. */
class DebianCustomLogsTest {
    private static final String ETC = "/etc/apache2";
    private static final String DEFAULT_SITE = ETC + "/sites-enabled/000-default.conf";

    private static ApacheConfig debianConfig(boolean withEnvvars) {
        assumeTrue(Files.isRegularFile(Path.of(ETC, "apache2.conf")), "no Debian " + ETC + "/apache2.conf");
        ApacheConfigParser.Options o = new ApacheConfigParser.Options();
        o.serverRoot = ETC;
        if (withEnvvars) {
            o.env.put("APACHE_CONFDIR", ETC);
            o.env.putAll(Envvars.read(ConfigFiles.disk(), ETC + "/envvars"));
        }
        return new ApacheConfigParser(ConfigFiles.disk(), o).parse(ETC + "/apache2.conf");
    }

    @Test
    void debianDefaultsAreTheNicknamesApache2ConfDefines() {
        Map<String, String> defined = new LinkedHashMap<>();
        for (ConfigNode n : debianConfig(true).tree()) {
            List<String> args = n.argList();
            if (n.key().equals("logformat") && args.size() == 2 && n.file().equals(ETC + "/apache2.conf")) {
                defined.put(args.get(1), args.get(0));
            }
        }
        assertEquals(AccessLogFormat.debianDefaults(), defined);
        for (String nickname : defined.keySet()) {
            assertEquals(List.of(), AccessLogFormat.resolve(nickname, defined).warnings(), nickname);
        }
    }

    @Test
    void theDefaultSiteLogsCombinedToAccessLog() {
        assumeTrue(Files.isRegularFile(Path.of(DEFAULT_SITE)), DEFAULT_SITE + " is not enabled here");
        CustomLogs logs = CustomLogs.of(debianConfig(true));
        CustomLogs.CustomLog site = logs.logs().stream().filter(l -> l.directive().file().equals(DEFAULT_SITE))
                .findFirst().orElseThrow(() -> new AssertionError("no CustomLog from " + DEFAULT_SITE + ": " + logs.logs()));
        assertEquals("/var/log/apache2/access.log", site.target(), "${APACHE_LOG_DIR} from envvars");
        assertEquals("combined", site.format().nickname());
        assertEquals(AccessLogFormat.debianDefaults().get("combined"), site.format().format());
        assertNotNull(site.virtualHost(), "inside <VirtualHost *:80>");
        assertEquals("VirtualHost", site.virtualHost().name());
        assertFalse(site.piped() || site.conditional());
        assertTrue(site.directive().text().startsWith("CustomLog"));
        // conf-enabled/other-vhosts-access-log.conf, when enabled, logs vhost_combined at server level
        logs.logs().stream().filter(l -> l.directive().file().endsWith("other-vhosts-access-log.conf")).forEach(l -> {
            assertEquals("vhost_combined", l.format().nickname());
            assertEquals(null, l.virtualHost());
        });
    }

    @Test
    void withoutTheEnvironmentTheUndefinedVariableIsAWarningNotAnError() {
        assumeTrue(Files.isRegularFile(Path.of(DEFAULT_SITE)), DEFAULT_SITE + " is not enabled here");
        CustomLogs logs = CustomLogs.of(debianConfig(false));
        assertTrue(logs.warnings().stream().anyMatch(w -> w.file().equals(DEFAULT_SITE) && w.message().contains("undefined variable")),
                logs.warnings().toString());
        assertTrue(logs.logs().stream().anyMatch(l -> l.directive().file().equals(DEFAULT_SITE)));
    }
}
