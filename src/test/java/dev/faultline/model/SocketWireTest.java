package dev.faultline.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.trace.CString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Socket addresses and FastCGI records as the real strace printed them (fixtures/apache/fpm-missing-include). */
class SocketWireTest {
    private static final Path CASE = Cli.repo().resolve("fixtures/apache/fpm-missing-include");

    @Test
    void addressesOfTheFamiliesStracePrints() {
        assertEquals("unix:/run/php/php8.2-fpm.sock", SocketAddress.of("{sa_family=AF_UNIX, sun_path=\"/run/php/php8.2-fpm.sock\"}"));
        assertEquals("unix:@abstract", SocketAddress.of("{sa_family=AF_UNIX, sun_path=@\"abstract\"}"));
        assertEquals("127.0.0.1:9000", SocketAddress.of("{sa_family=AF_INET, sin_port=htons(9000), sin_addr=inet_addr(\"127.0.0.1\")}"));
        assertEquals("[::1]:9000", SocketAddress.of("{sa_family=AF_INET6, sin6_port=htons(9000), sin6_flowinfo=htonl(0), "
                + "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}"));
        assertNull(SocketAddress.of("{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}"));
        assertNull(SocketAddress.of("0x7ffd5a3c"));
    }

    @Test
    void theTwoEndsOfOneConnectionMirrorEachOther() throws IOException {
        String httpd = Files.readString(CASE.resolve("f_tt_T_yy_s1024.txt"));
        String fpm = Files.readString(CASE.resolve("fpm_f_tt_T_yy_s1024.txt"));
        Matcher client = Pattern.compile("writev\\(\\d+<(UNIX-STREAM:\\[\\d+->\\d+\\])>").matcher(httpd);
        Matcher server = Pattern.compile("accept resumed>.*= \\d+<(UNIX-STREAM:\\[[^\\]]+\\])>").matcher(fpm);
        assertTrue(client.find() && server.find());
        String[] c = SocketAddress.ends(client.group(1));
        String[] s = SocketAddress.ends(server.group(1));
        assertArrayEquals(new String[] {c[1], c[0]}, s, client.group(1) + " vs " + server.group(1));
        assertTrue(SocketAddress.ofDecoration(server.group(1)).endsWith("/run/php-fpm.sock"));
        assertNull(SocketAddress.ends("UNIX-STREAM:[1053732]"), "a socket not yet connected has no peer");
    }

    @Test
    void scriptFilenameFromTheParamsHttpdWrote() throws IOException {
        Matcher m = Pattern.compile("writev\\(\\d+<UNIX-STREAM:\\[[^\\]]*\\]>, \\[\\{iov_base=\"\\\\1\\\\4[^\"]*\", iov_len=8\\}, \\{iov_base=(\"(?:[^\"\\\\]|\\\\.)*\")")
                .matcher(Files.readString(CASE.resolve("f_tt_T_yy_s1024.txt")));
        assertTrue(m.find(), "httpd's FCGI_PARAMS write");
        byte[] params = CString.bytes(m.group(1));
        String script = FastCgiRecords.param(params, "SCRIPT_FILENAME");
        assertTrue(script.startsWith("proxy:fcgi://localhost/") && script.endsWith("/htdocs/app/index.php"), script);
        assertEquals(script.substring("proxy:fcgi://localhost".length()), FastCgiRecords.scriptPath(script));
        assertNull(FastCgiRecords.param(java.util.Arrays.copyOf(params, 40), "SCRIPT_FILENAME"), "cut by -s: not whole");
    }

    @Test
    void recordHeaders() {
        byte[] begin = {1, 1, 0, 1, 0, 8, 0, 0};
        assertTrue(FastCgiRecords.isBeginRequest(begin) && FastCgiRecords.isRecord(begin));
        assertTrue(!FastCgiRecords.isBeginRequest("GET / HTTP/1.1\r\n".getBytes()) && !FastCgiRecords.isRecord("GET / HT".getBytes()));
    }
}
