package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long capture can show two crashes under one pid (reuse); each is its own incident with its own verdict. */
class PidReuseTest {
    @TempDir
    Path tmp;

    @Test
    void twoCrashesUnderOnePidAreTwoIncidents() throws Exception {
        byte[] once = Files.readAllBytes(Cli.repo().resolve("fixtures/config-open/f_o.txt"));
        Path twice = tmp.resolve("twice.txt");
        Files.write(twice, once);
        Files.write(twice, once, java.nio.file.StandardOpenOption.APPEND);
        Cli r = Cli.run("analyze", "--format", "json", twice.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        JsonNode incidents = new ObjectMapper().readTree(r.out).get("incidents");
        assertEquals(2, incidents.size());
        for (JsonNode inc : incidents) {
            assertEquals(3, inc.get("verdict").get("culprit").get("line").asInt());
        }
        assertEquals(incidents.get(0).get("pid").asInt(), incidents.get(1).get("pid").asInt());
    }
}
