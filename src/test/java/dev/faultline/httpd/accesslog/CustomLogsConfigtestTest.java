package dev.faultline.httpd.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.httpd.config.ApacheConfigParser;
import dev.faultline.httpd.config.ConfigFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Log directives checked against httpd itself: {@code apache2 -t} must refuse exactly the configurations whose
 * CustomLogs carry a warning, and accept the rest with the formats CustomLogs resolved.
 */
class CustomLogsConfigtestTest {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path MPM = Path.of("/usr/lib/apache2/modules/mod_mpm_event.so");
    private static Path root;

    @BeforeAll
    static void tempDir() throws Exception {
        assumeTrue(Files.isExecutable(APACHE) && Files.isRegularFile(MPM), "needs apache2 and mod_mpm_event");
        root = Files.createTempDirectory(Path.of("/tmp"), "accesslog-configtest-");
        Files.createDirectories(root.resolve("logs"));
    }

    @AfterAll
    static void removeTempDir() throws Exception {
        if (root != null) {
            new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
        }
    }

    @Test
    void hostNicknamesOverlayTheServersAndHttpdAgrees() throws Exception {
        CustomLogs logs = check(true,
                "LogFormat \"%h %>s\" short",
                "LogFormat \"%h %>s %D\"",
                "<VirtualHost 127.0.0.1:18959>",
                "  LogFormat \"%v %>s\" short",
                "  <IfModule log_config_module>",
                "    CustomLog logs/host.log short",
                "  </IfModule>",
                "  TransferLog logs/host-transfer.log",
                "</VirtualHost>",
                "CustomLog logs/server.log short",
                "TransferLog \"|/usr/bin/rotatelogs -l " + root + "/logs/access.%Y%m%d 86400\"");
        List<CustomLogs.CustomLog> all = logs.logs();
        assertEquals(4, all.size());
        assertEquals("%v %>s", all.get(0).format().format(), "the host's own nickname");
        assertEquals("VirtualHost", all.get(0).virtualHost().name(), "an <IfModule> that holds is no scope of its own");
        assertEquals("%h %>s %D", all.get(1).format().format(), "the server's nicknameless LogFormat, inherited");
        assertEquals("%h %>s", all.get(2).format().format(), "the server's nickname");
        assertTrue(all.get(3).piped());
        assertTrue(all.get(3).unreadable().contains(root + "/logs/access.%Y%m%d"), all.get(3).unreadable());
    }

    @Test
    void aLogInsideDirectoryIsRefused() throws Exception {
        check(false, "<Directory /tmp>", "  CustomLog logs/x.log common", "</Directory>");
    }

    @Test
    void aGlobalLogInsideAVirtualHostIsRefused() throws Exception {
        check(false, "<VirtualHost 127.0.0.1:18959>", "  GlobalLog logs/x.log common", "</VirtualHost>");
    }

    @Test
    void aCustomLogWithoutFormatIsRefused() throws Exception {
        check(false, "CustomLog logs/x.log");
    }

    @Test
    void anUnknownDirectiveInAFormatIsRefused() throws Exception {
        check(false, "LogFormat \"%h %Z\" odd", "CustomLog logs/x.log odd");
        check(false, "LogFormat \"%h %Z\" unused");
    }

    @Test
    void aConditionThatIsNeitherEnvNorExprIsRefused() throws Exception {
        check(false, "CustomLog logs/x.log \"%h\" sometimes");
    }

    @Test
    void anUndefinedNicknameIsAcceptedAndLoggedAsText() throws Exception {
        // httpd takes the word as a format with no directive: every line reads "nosuch". Worth a warning anyway.
        CustomLogs logs = check(null, "CustomLog logs/x.log nosuch");
        assertTrue(logs.warnings().get(0).message().contains("literal text"), logs.warnings().toString());
    }

    /** Writes the config, runs {@code apache2 -t}, and checks httpd's verdict against CustomLogs' warnings. */
    private static CustomLogs check(Boolean warningFree, String... lines) throws Exception {
        Path conf = root.resolve("httpd.conf");
        StringBuilder text = new StringBuilder();
        for (String l : List.of("ServerRoot " + root, "LoadModule mpm_event_module " + MPM, "Listen 127.0.0.1:18959",
                "ServerName localhost", "ErrorLog logs/error.log", "PidFile httpd.pid")) {
            text.append(l).append('\n');
        }
        for (String l : lines) {
            text.append(l).append('\n');
        }
        Files.writeString(conf, text);
        Process p = new ProcessBuilder(APACHE.toString(), "-t", "-f", conf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        boolean accepted = p.exitValue() == 0;
        ApacheConfigParser.Options o = new ApacheConfigParser.Options();
        o.serverRoot = root.toString();
        CustomLogs logs = CustomLogs.of(new ApacheConfigParser(ConfigFiles.disk(), o).parse(conf.toString()));
        if (warningFree == null) {
            assertTrue(accepted, out);
            assertEquals(1, logs.warnings().size(), logs.warnings().toString());
        } else {
            assertEquals(warningFree, accepted, "apache2 -t: " + out);
            assertEquals(warningFree, logs.warnings().isEmpty(), logs.warnings() + " / apache2 -t: " + out);
        }
        logs.warnings().forEach(w -> assertEquals(conf.toString(), w.file()));
        return logs;
    }
}
