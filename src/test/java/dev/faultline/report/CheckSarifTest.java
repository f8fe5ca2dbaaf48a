package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SARIF of {@code check} against the OASIS SARIF 2.1.0 schema, with formats (uri, uri-reference) asserted. */
class CheckSarifTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema sarifSchema;

    @BeforeAll
    static void loadSchema() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        try (InputStream in = CheckSarifTest.class.getResourceAsStream("/schemas/sarif-schema-2.1.0.json")) {
            sarifSchema = registry.getSchema(in, InputFormat.JSON);
        }
    }

    private static JsonNode valid(CheckResult r) throws IOException {
        String sarif = CheckSarif.render(r);
        List<Error> errors = sarifSchema.validate(sarif, InputFormat.JSON);
        assertTrue(errors.isEmpty(), () -> "schema errors: " + errors + "\n" + sarif);
        JsonNode log = JSON.readTree(sarif);
        assertEquals("2.1.0", log.path("version").asText());
        assertEquals(CheckSarif.SCHEMA, log.path("$schema").asText());
        assertEquals(1, log.path("runs").size());
        JsonNode driver = log.at("/runs/0/tool/driver");
        assertEquals("faultline", driver.path("name").asText());
        assertEquals(Tool.VERSION, driver.path("version").asText());
        return log.at("/runs/0");
    }

    @Test
    void theValidatorRejectsWhatTheSchemaForbids() {
        // Without this, a validator that asserts nothing would let every test below pass.
        String location = """
                {"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
                 "locations":[{"physicalLocation":{"artifactLocation":{"uri":"%s"},"region":{"startLine":%d}}}]}]}]}
                """;
        assertTrue(sarifSchema.validate(location.formatted("conf/a%20b.conf", 1), InputFormat.JSON).isEmpty());
        assertFalse(sarifSchema.validate(location.formatted("conf/a b|c.conf", 1), InputFormat.JSON).isEmpty(),
                "a space is not allowed in a uri-reference");
        assertFalse(sarifSchema.validate(location.formatted("conf/a.conf", 0), InputFormat.JSON).isEmpty(),
                "lines start at 1");
        assertFalse(sarifSchema.validate("{\"version\":\"2.1.0\",\"runs\":[{}]}", InputFormat.JSON).isEmpty());
    }

    @Test
    void cleanCheckHasNoResultsAndRanSuccessfully() throws IOException {
        JsonNode run = valid(CheckResults.clean());
        assertEquals(0, run.path("results").size());
        assertEquals(0, run.at("/tool/driver/rules").size());
        assertTrue(run.at("/invocations/0/executionSuccessful").asBoolean());
        assertEquals(5, run.at("/properties/probes").asInt());
    }

    @Test
    void crashIsLocatedAtItsCulpritLine() throws IOException {
        Finding crash = CheckResults.crash();
        JsonNode run = valid(CheckResults.withFindings(crash));
        JsonNode result = run.at("/results/0");
        assertEquals("faultline.crash.config", result.path("ruleId").asText());
        assertEquals("error", result.path("level").asText());
        JsonNode physical = result.at("/locations/0/physicalLocation");
        assertEquals(crash.file(), physical.at("/artifactLocation/uri").asText());
        assertEquals(crash.line(), physical.at("/region/startLine").asInt());
        assertEquals("FaultdemoHandler bogus", physical.at("/region/snippet/text").asText());
        assertTrue(result.at("/message/text").asText().contains("SIGSEGV in fixups"));
        assertTrue(result.at("/message/text").asText().contains("mod_faultdemo.c"));
        // the enclosing <Location> on line 7 of the same file, not the trace or error.log lines
        assertEquals(1, result.path("relatedLocations").size());
        assertEquals(7, result.at("/relatedLocations/0/physicalLocation/region/startLine").asInt());
        assertEquals(4, result.at("/properties/evidence").size());
        JsonNode rule = run.at("/tool/driver/rules/0");
        assertEquals("faultline.crash.config", rule.path("id").asText());
        assertFalse(rule.at("/shortDescription/text").asText().isBlank());
        assertFalse(rule.at("/help/text").asText().isBlank());
        assertEquals(1, run.at("/invocations/0/toolExecutionNotifications").size(), "the note");
    }

    @Test
    void http500CarriesEvidenceAndFix() throws IOException {
        Finding f = CheckResults.htaccess500();
        JsonNode run = valid(CheckResults.withFindings(CheckResults.crash(), f, CheckResults.withoutFile()));
        JsonNode result = run.at("/results/1");
        assertEquals("faultline.http_error.config", result.path("ruleId").asText());
        assertEquals(f.file(), result.at("/locations/0/physicalLocation/artifactLocation/uri").asText());
        assertEquals(2, result.at("/locations/0/physicalLocation/region/startLine").asInt());
        assertEquals(CheckResults.HTACCESS_FIX, result.at("/properties/fix").asText());
        JsonNode change = result.at("/fixes/0/artifactChanges/0");
        assertEquals(f.file(), change.at("/artifactLocation/uri").asText());
        assertEquals(1, change.path("replacements").size());
        JsonNode deleted = change.at("/replacements/0/deletedRegion");
        assertEquals(List.of(2, 1, 3, 1), List.of(deleted.path("startLine").asInt(), deleted.path("startColumn").asInt(),
                deleted.path("endLine").asInt(), deleted.path("endColumn").asInt()), "line 2, whole");
        assertEquals("RewriteEngine On\n", change.at("/replacements/0/insertedContent/text").asText());
        assertTrue(run.at("/results/0/fixes").isMissingNode(), "the crash has no fix");
        assertEquals("error.log:3", result.at("/properties/evidence/1/location").asText());
        // three distinct kind/verdict pairs, each result pointing at its own rule
        JsonNode rules = run.at("/tool/driver/rules");
        assertEquals(3, rules.size());
        Set<String> ids = new HashSet<>();
        for (JsonNode res : run.path("results")) {
            assertEquals(res.path("ruleId").asText(), rules.get(res.path("ruleIndex").asInt()).path("id").asText());
            ids.add(res.path("ruleId").asText());
        }
        assertEquals(3, ids.size());
    }

    @Test
    void findingWithoutFileIsPlacedAtTheMainConfigWithoutARegion() throws IOException {
        CheckResult r = CheckResults.withFindings(CheckResults.withoutFile());
        JsonNode run = valid(r);
        JsonNode result = run.at("/results/0");
        assertEquals("faultline.error_log.unknown", result.path("ruleId").asText());
        // GitHub's upload refuses a result without a location: the main config stands for "the configuration"
        assertEquals(r.mainConfig(), result.at("/locations/0/physicalLocation/artifactLocation/uri").asText());
        assertTrue(result.at("/locations/0/physicalLocation/region").isMissingNode());
        assertTrue(result.at("/message/text").asText().startsWith("AH01909"));
    }

    @Test
    void checkThatCouldNotRunIsAnUnsuccessfulInvocation() throws IOException {
        JsonNode run = valid(CheckResults.couldNotRun());
        assertFalse(run.at("/invocations/0/executionSuccessful").asBoolean(true));
        JsonNode first = run.at("/invocations/0/toolExecutionNotifications/0");
        assertEquals("error", first.path("level").asText());
        assertTrue(first.at("/message/text").asText().contains("apache2 not found"));
    }

    @Test
    void hostileStringsStayValidAndIntact() throws IOException {
        CheckResult r = CheckResults.hostile();
        JsonNode run = valid(r);
        Finding f = r.findings().get(0);
        JsonNode physical = run.at("/results/0/locations/0/physicalLocation");
        String uri = physical.at("/artifactLocation/uri").asText();
        assertEquals("conf/%C3%BCn%C3%AF%20code/a%20b%2520%3Ac%23%3F.conf", uri);
        assertEquals(f.file(), URI.create(uri).getPath(), "the URI decodes back to the repository path");
        assertEquals(3, physical.at("/region/startLine").asInt());
        assertEquals(f.message() + " (directive " + f.directive() + ") (module " + f.module() + ") [probe "
                + f.probe() + "]", run.at("/results/0/message/text").asText());
        assertEquals(f.fix(), run.at("/results/0/properties/fix").asText());
        // an absolute path is kept as one, never passed off as a repository path
        assertEquals("file:///tmp/faultline-check-x/conf/a.conf",
                run.at("/results/1/locations/0/physicalLocation/artifactLocation/uri").asText());
    }
}
