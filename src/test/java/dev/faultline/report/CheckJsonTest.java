package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.httpd.check.CheckResult;
import org.junit.jupiter.api.Test;

/** {@code check --format json}: the fields docs/json.md ("CHECK") promises. */
class CheckJsonTest {

    @Test
    void jsonCarriesEveryFieldOfTheResult() throws Exception {
        CheckResult r = CheckResults.withFindings(CheckResults.crash(), CheckResults.htaccess500(),
                CheckResults.withoutFile());
        JsonNode root = new ObjectMapper().readTree(CheckJson.render(r));
        assertEquals("faultline", root.path("tool").asText());
        assertEquals(Tool.VERSION, root.path("version").asText());
        assertEquals("findings", root.path("outcome").asText());
        assertTrue(root.path("could_not_run").isNull());
        assertEquals("conf/httpd.conf", root.path("main_config").asText());
        assertEquals(2044, root.path("elapsed_millis").asLong());
        assertEquals(7, root.path("probes").size());
        JsonNode z = root.path("probes").get(5);
        assertEquals("GET /z/", z.path("name").asText());
        assertTrue(z.path("status").isNull(), "no HTTP status when the child crashed");
        assertEquals(1, z.path("findings").asInt());
        assertEquals(500, root.path("probes").get(6).path("status").asInt());

        JsonNode crash = root.path("findings").get(0);
        assertEquals("faultline.crash.config", crash.path("rule").asText());
        assertEquals("conf/conf.d/40-z.conf", crash.path("file").asText());
        assertEquals(9, crash.path("line").asInt());
        assertEquals("mod_faultdemo.c", crash.path("module").asText());
        assertEquals(0.92, crash.path("confidence").asDouble());
        assertEquals("trace:5558", crash.path("evidence").get(2).path("location").asText());
        assertTrue(crash.path("fix").isNull());
        assertEquals(CheckResults.HTACCESS_FIX, root.path("findings").get(1).path("fix").asText());
        JsonNode noFile = root.path("findings").get(2);
        assertTrue(noFile.path("file").isNull() && noFile.path("line").isNull());
        assertEquals(1, root.path("notes").size());

        JsonNode failed = new ObjectMapper().readTree(CheckJson.render(CheckResults.couldNotRun()));
        assertEquals("could_not_run", failed.path("outcome").asText());
        assertEquals("apache2 not found: install apache2 or pass --apache2", failed.path("could_not_run").asText());
    }
}
