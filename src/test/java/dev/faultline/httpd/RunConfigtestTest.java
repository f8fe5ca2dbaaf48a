package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faultline run -- apache2 -t} on a configuration whose included file crashes httpd at start-up names that
 * file and line: the crashed process's own memory (cmd_parms.directive on its stack) is read at the signal stop.
 * The configuration is the corpus case startup-parse, copied and moved under a new ServerRoot.
 */
class RunConfigtestTest {
    private static final String CASE = "startup-parse";

    @TempDir
    Path dir;

    @Test
    void runNamesTheIncludedFileAndLineOfAStartupCrash() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/apache2")), "apache2 is not installed");
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here");
        Path snapshot = Cli.repo().resolve("fixtures/httpd/" + CASE + "/snapshot/tmp/faultline-httpd/" + CASE);
        Path root = dir.resolve("srv");
        String oldRoot = "/tmp/faultline-httpd/" + CASE;
        try (Stream<Path> s = Files.walk(snapshot)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path to = root.resolve(snapshot.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (p.toString().endsWith(".so")) {
                    Files.copy(p, to);
                } else {
                    Files.writeString(to, Files.readString(p).replace(oldRoot, root.toString()));
                }
            }
        }
        Files.createDirectories(root.resolve("logs"));
        Files.createDirectories(root.resolve("cores"));
        FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "run", "--format", "json", "--",
                "/usr/sbin/apache2", "-d", root.toString(), "-f", root.resolve("conf/httpd.conf").toString(), "-t");
        assertEquals(70, fl.waitFor(60), "run exits 70 when the command crashed: " + fl.stderr());
        JsonNode incidents = new ObjectMapper().readTree(fl.stdout()).get("incidents");
        assertEquals(1, incidents.size(), fl.stdout());
        JsonNode v = incidents.get(0).get("verdict");
        assertEquals("config", v.get("class").asText(), v.toString());
        assertEquals("startup", v.get("phase").asText(), v.toString());
        assertEquals("faultdemo_module", v.get("module").asText(), v.toString());
        assertEquals("FaultdemoParse", v.get("directive").asText(), v.toString());
        assertEquals(root.resolve("conf/conf.d/20-x.conf").toString(), v.get("culprit").get("path").asText(), v.toString());
        assertEquals(7, v.get("culprit").get("line").asInt(), v.toString());
        assertTrue(v.get("candidates").get(0).get("evidence").toString().contains("directive-being-run"), v.toString());
    }
}
