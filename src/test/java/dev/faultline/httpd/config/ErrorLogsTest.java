package dev.faultline.httpd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faultline.httpd.HttpdContext;
import dev.faultline.httpd.HttpdContexts;
import dev.faultline.httpd.ServerEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every ErrorLog a configuration names: the server's first, then each virtual host's; pipes and syslog left out. */
class ErrorLogsTest {
    @TempDir
    Path dir;

    @Test
    void theServersLogThenEachVirtualHostsOwn() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/apache2")), "apache2 is not installed (its modules name the directives)");
        Path conf = dir.resolve("httpd.conf");
        Files.writeString(conf, String.join("\n",
                "ServerRoot " + dir,
                "ErrorLog logs/error.log",
                "<VirtualHost 127.0.0.1:80>",
                "    ServerName shop.example",
                "    ErrorLog logs/shop-error.log",
                "</VirtualHost>",
                "<VirtualHost 127.0.0.1:81>",
                "    ServerName blog.example",
                "    ErrorLog \"|/usr/bin/rotatelogs logs/blog-error.%Y%m%d 86400\"",
                "</VirtualHost>",
                "<VirtualHost 127.0.0.1:82>",
                "    ErrorLog logs/error.log",
                "</VirtualHost>",
                ""));
        HttpdContext ctx = HttpdContexts.load(new ServerEvidence(null, null, Map.of()), conf.toString(), null);
        assertEquals(List.of(dir + "/logs/error.log", dir + "/logs/shop-error.log"), ctx.errorLogs());
    }
}
