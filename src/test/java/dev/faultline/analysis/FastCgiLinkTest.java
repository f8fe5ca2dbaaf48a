package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * httpd (event MPM, mod_proxy_fcgi) and php-fpm recorded in the same run (fixtures/apache/fpm-missing-include): the
 * failing require is in the php-fpm worker, and only the two traces together name it.
 */
class FastCgiLinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CASE = Cli.repo().resolve("fixtures/apache/fpm-missing-include");

    private static JsonNode analyze(String... traces) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("analyze", "--format", "json", "--no-auto-error-log", "--root", CASE.resolve("snapshot").toString()));
        for (String t : traces) {
            args.add(CASE.resolve(t).toString());
        }
        Cli r = Cli.run(args.toArray(new String[0]));
        assertTrue(Cli.analyzed(r.exit), r.err);
        return JSON.readTree(r.out);
    }

    /** The pid of the php-fpm worker that failed to open the missing file, read from the trace itself. */
    private static int failingWorker(String fpmTrace) throws IOException {
        Matcher m = Pattern.compile("(?m)^(\\d+) .*openat\\(.*templates\\.php\", O_RDONLY\\) = -1 ENOENT").matcher(Files.readString(CASE.resolve(fpmTrace)));
        assertTrue(m.find(), "the worker's failing open is in " + fpmTrace);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theSameConnectionLinksTheRequestToItsWorker() throws IOException {
        JsonNode inc = analyze("f_tt_T_yy_s1024.txt", "fpm_f_tt_T_yy_s1024.txt").get("incidents").get(0);
        JsonNode f = inc.get("fastcgi");
        assertTrue(f.get("address").asText().startsWith("unix:") && f.get("address").asText().endsWith("/run/php-fpm.sock"), f.toString());
        assertEquals(failingWorker("fpm_f_tt_T_yy_s1024.txt"), f.get("worker_pid").asInt(), f.toString());
        assertTrue(f.get("linked_by").asText().startsWith("the same connection"), f.toString());
        // mod_proxy_fcgi's "proxy:fcgi://localhost/..." prefix is not part of the file
        assertTrue(f.get("script").asText().startsWith("/") && f.get("script").asText().endsWith("/htdocs/app/index.php"), f.toString());
        JsonNode evidence = inc.get("verdict").get("candidates").get(0).get("evidence");
        assertTrue(evidence.toString().contains("fpm_f_tt_T_yy_s1024.txt"), "the worker's own lines are the evidence: " + evidence);
    }

    @Test
    void withoutTimesOrInodesTheOnlyFailingRequestOnTheSocketIsLinked() throws IOException {
        JsonNode inc = analyze("f_o.txt", "fpm_f_o.txt").get("incidents").get(0);
        assertEquals(failingWorker("fpm_f_o.txt"), inc.get("fastcgi").get("worker_pid").asInt());
        assertTrue(inc.get("fastcgi").get("linked_by").asText().startsWith("the only failing FastCGI request on that socket"), inc.toString());
        assertEquals("missing-include", inc.get("verdict").get("class").asText());
    }

    @Test
    void httpdAloneSaysToTraceTheFastCgiServer() throws IOException {
        JsonNode root = analyze("f_o.txt");
        JsonNode inc = root.get("incidents").get(0);
        assertTrue(inc.get("verdict").get("culprit").isNull(), "httpd's trace alone cannot name the file: " + inc.get("verdict"));
        assertTrue(inc.get("fastcgi").get("worker_pid").isNull());
        assertTrue(root.get("hints").toString().contains("FastCGI server at unix:") && root.get("hints").toString().contains("pgrep php-fpm"),
                root.get("hints").toString());
    }

    @Test
    void aPhpFpmTraceAloneHasNoIncidentOfItsOwn() throws IOException {
        // php-fpm answers "Status: 500" inside FastCGI records; the HTTP answer, and so the incident, is httpd's
        assertEquals(0, analyze("fpm_f_tt_T_yy_s1024.txt").get("incidents").size());
    }
}
