package dev.faultline.httpd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An httpd's compiled-in ServerRoot and config file, read from the real executable (what {@code apache2 -V} prints),
 * and the layout its name implies when the executable cannot be read (a Red Hat {@code httpd} analysed on Debian).
 */
class HttpdBuildDefaultsTest {
    private static final Path APACHE2 = Path.of("/usr/sbin/apache2");

    @TempDir
    Path tmp;

    @Test
    void debiansApache2SaysWhatApache2DashVSays() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(APACHE2), "apache2 is not installed");
        Process v = new ProcessBuilder(APACHE2.toString(), "-V").redirectErrorStream(true).start();
        String said = new String(v.getInputStream().readAllBytes());
        v.waitFor();
        HttpdBuildDefaults d = HttpdBuildDefaults.read(APACHE2);
        assertEquals(new HttpdBuildDefaults("/etc/apache2", "apache2.conf"), d);
        // the oracle: the binary's own -V output
        assertEquals(true, said.contains("-D HTTPD_ROOT=\"" + d.serverRoot() + "\""), said);
        assertEquals(true, said.contains("-D SERVER_CONFIG_FILE=\"" + d.configFile() + "\""), said);
    }

    @Test
    void withoutTheBinaryTheNameDecides() throws Exception {
        assertEquals(HttpdBuildDefaults.DEBIAN, HttpdBuildDefaults.byName("/usr/sbin/apache2"));
        assertEquals(HttpdBuildDefaults.RED_HAT, HttpdBuildDefaults.byName("/usr/sbin/httpd"));
        assertNull(HttpdBuildDefaults.read(tmp.resolve("absent")));
        Path notHttpd = Files.write(tmp.resolve("true"), Files.readAllBytes(Path.of("/bin/true").toRealPath()));
        assertNull(HttpdBuildDefaults.read(notHttpd));
    }

    @Test
    void aRedHatCommandLineWithoutDashFReadsEtcHttpdConfHttpdConf() {
        HttpdCommandLine cl = HttpdCommandLine.parse(List.of("/usr/sbin/httpd", "-DFOREGROUND"), HttpdBuildDefaults.RED_HAT);
        assertEquals("/etc/httpd", cl.serverRoot());
        assertEquals("/etc/httpd/conf/httpd.conf", cl.configFile());
        HttpdCommandLine given = HttpdCommandLine.parse(List.of("httpd", "-d", "/srv/h", "-f", "main.conf"), HttpdBuildDefaults.RED_HAT);
        assertEquals("/srv/h/main.conf", given.configFile());
    }
}
