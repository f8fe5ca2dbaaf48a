package dev.faultline.httpd;

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
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The SARIF and JUnit that a real check writes (the location-handler-prefork case: a server-level {@code <Location>}
 * crash) validate against the OASIS SARIF 2.1.0 schema and the Jenkins/Surefire JUnit XSD committed in the repo, the
 * SARIF region is the culprit line of the repository's file, and the JUnit suite fails exactly the crashing probe.
 */
class CheckOutputsLiveTest {
    @TempDir
    Path tmp;

    @Test
    void sarifAndJunitOfARealCheckValidateAndPointAtTheCulpritLine() throws Exception {
        CheckCorpusTest.assumeLiveApache();
        Path snapshot = tmp.resolve("repo");
        Process cp = new ProcessBuilder("cp", "-a", Cli.repo().resolve("fixtures/httpd/location-handler-prefork/snapshot").toString(),
                snapshot.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        for (Path d = snapshot; d.startsWith(tmp.getParent()); d = d.getParent()) {
            Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String config = "/tmp/faultline-httpd/location-handler-prefork/conf/httpd.conf";
        Path sarif = tmp.resolve("check.sarif");
        Path junit = tmp.resolve("check.xml");
        assertEquals(73, FaultlineProcess.start(tmp, List.of(), "check", "--root", snapshot.toString(), "--config", config,
                "--format", "sarif", "-o", sarif.toString()).waitFor(120));
        assertEquals(73, FaultlineProcess.start(tmp, List.of(), "check", "--root", snapshot.toString(), "--config", config,
                "--format", "junit", "-o", junit.toString()).waitFor(120));

        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/schemas/sarif-schema-2.1.0.json")) {
            schema = registry.getSchema(in, InputFormat.JSON);
        }
        String text = Files.readString(sarif);
        List<Error> errors = schema.validate(text, InputFormat.JSON);
        assertTrue(errors.isEmpty(), "SARIF schema errors: " + errors);
        JsonNode results = new ObjectMapper().readTree(text).at("/runs/0/results");
        assertEquals(1, results.size(), text);
        JsonNode physical = results.at("/0/locations/0/physicalLocation");
        String uri = physical.at("/artifactLocation/uri").asText();
        assertTrue(uri.endsWith("tmp/faultline-httpd/location-handler-prefork/conf/conf.d/40-z.conf"), uri);
        assertFalse(uri.startsWith("/") || uri.startsWith("file:") || uri.contains("faultline-check-"), "a repository path: " + uri);
        assertEquals(9, physical.at("/region/startLine").asInt(), "the culprit line");
        assertTrue(Files.readAllLines(tmp.resolve(uri)).get(8).contains("FaultdemoHandler bogus"));

        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getResource("/schemas/junit-10.xsd")).newValidator()
                .validate(new StreamSource(junit.toFile()));
        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile()).getDocumentElement();
        assertEquals("1", suite.getAttribute("failures"), Files.readString(junit));
        NodeList cases = suite.getElementsByTagName("testcase");
        int failed = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getElementsByTagName("failure").getLength() > 0) {
                failed++;
                assertEquals("GET /app", c.getAttribute("name"));
                assertTrue(c.getElementsByTagName("failure").item(0).getTextContent().contains("40-z.conf:9"));
            }
        }
        assertEquals(1, failed);
        assertEquals(Integer.parseInt(suite.getAttribute("tests")), cases.getLength());
    }
}
