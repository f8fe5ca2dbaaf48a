package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.capture.FaultlineProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code faultline check} on the configuration of every recorded corpus case (fixtures/apache, fixtures/httpd),
 * with real apache2, mod_php and the corpus's own crashing module: each config-crash and 500 case must be found
 * with its file:line, and the healthy configurations must pass clean. The answers are those the cases were built
 * with (expected.properties), never faultline's.
 */
class CheckCorpusTest {
    private static final Path APACHE2 = Path.of("/usr/sbin/apache2");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * Every case with a snapshot, but deleted-conf (its snapshot lacks the culprit file, by design). The php-fpm cases
     * run with their pool (--php-fpm conf/php-fpm.conf).
     */
    static Stream<String> cases() throws IOException {
        List<String> out = new ArrayList<>();
        for (String set : List.of("apache", "httpd")) {
            try (Stream<Path> dirs = Files.list(Cli.repo().resolve("fixtures").resolve(set))) {
                dirs.filter(d -> Files.isDirectory(d.resolve("snapshot")))
                        .map(d -> set + "/" + d.getFileName())
                        .filter(c -> !c.equals("httpd/deleted-conf"))
                        .sorted().forEach(out::add);
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void checkFindsEachCaseOnItsConfigAndPassesTheHealthyOnes(String name) throws Exception {
        assumeLiveApache();
        Path fixture = Cli.repo().resolve("fixtures").resolve(name);
        Properties expected = new Properties();
        try (InputStream in = Files.newInputStream(fixture.resolve("expected.properties"))) {
            expected.load(in);
        }
        // the case's answer for its configuration: parent-only's trace sees no incident (it is traced without -f),
        // but its configuration is htaccess-typo's, which the error log alone already blames
        String cls = expected.getProperty("class", "");
        String culprit = expected.getProperty("culprit", "");
        String line = expected.getProperty("line", "");
        if (cls.isEmpty() && !expected.getProperty("errorlog.class", "").isEmpty()) {
            cls = expected.getProperty("errorlog.class");
            culprit = expected.getProperty("errorlog.culprit", "");
            line = expected.getProperty("errorlog.line", "");
        }
        boolean configCase = List.of("config", "missing-include", "permission").contains(cls);
        Path snapshot = copySnapshot(fixture);
        Path serverRoot = serverRootIn(snapshot);
        if (cls.equals("permission")) {
            // as the recorder built it: git keeps neither a 0600 mode nor root's ownership
            Path f = serverRoot.resolve(culprit);
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        String written = "/" + snapshot.relativize(serverRoot);
        Path result = tmp.resolve("result.json");
        List<String> args = new ArrayList<>(List.of("check", "--root", snapshot.toString(), "--config", written + "/conf/httpd.conf",
                "--format", "json", "-o", result.toString()));
        if (Files.isRegularFile(serverRoot.resolve("conf/php-fpm.conf"))) {
            Assumptions.assumeTrue(hasPhpFpm(), "php-fpm is not installed (apt-get install php-fpm)");
            args.addAll(List.of("--php-fpm", written + "/conf/php-fpm.conf"));
        }
        FaultlineProcess p = FaultlineProcess.start(tmp, List.of(), args.toArray(String[]::new));
        int exit = p.waitFor(120);
        JsonNode r = JSON.readTree(result.toFile());
        assertTrue(leftoverServers().isEmpty(), "check left a server running: " + leftoverServers());
        if (!configCase) {
            assertEquals(0, exit, name + ": a healthy configuration passes clean, but: " + r.path("findings"));
            assertEquals("clean", r.path("outcome").asText());
            return;
        }
        assertEquals(73, exit, name + ": findings exit 73; " + r);
        boolean found = false;
        for (JsonNode f : r.path("findings")) {
            String file = f.path("file").isNull() ? null : f.path("file").asText();
            if (file == null) {
                continue;
            }
            // never a confident wrong answer: every file a finding names is the case's culprit
            assertTrue(file.endsWith("/" + culprit), name + ": a finding names " + file + ", not " + culprit + ": " + f);
            assertFalse(file.contains("faultline-check-"), "a finding names the private copy: " + file);
            // the repository's path, relative to check's working directory (here tmp) when under it
            assertFalse(Path.of(file).isAbsolute(), "a path under the working directory is shown relative: " + file);
            assertTrue(tmp.resolve(file).normalize().startsWith(snapshot), "a finding names a path outside the repository: " + file);
            if (!line.isEmpty()) {
                assertEquals(Integer.parseInt(line), f.path("line").asInt(), name + ": " + f);
            }
            assertEquals(cls, f.path("verdict").asText(), name + ": " + f);
            found = true;
        }
        assertTrue(found, name + ": no finding names " + culprit + ": " + r);

        // the fix check offers applies to the repository (patch -p0 where check ran, or its chmod line), and the
        // fixed configuration then passes check
        java.util.Set<String> fixes = new java.util.LinkedHashSet<>();
        for (JsonNode f : r.path("findings")) {
            if (f.hasNonNull("fix")) {
                fixes.add(f.path("fix").asText());
            }
        }
        if (fixes.isEmpty()) {
            assertTrue(NO_EXACT_FIX.contains(name), name + ": no fix offered: " + r);
            return;
        }
        for (String fix : fixes) {
            List<String> cmd = fix.startsWith("--- ") ? List.of("patch", "-p0", "--batch", "--forward")
                    : List.of("sh", "-c", fix);
            Process apply = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
            apply.getOutputStream().write(fix.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            apply.getOutputStream().close();
            String said = new String(apply.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, apply.waitFor(), name + ": the fix does not apply: " + said + "\n" + fix);
        }
        Path again = tmp.resolve("again.json");
        args.set(args.indexOf(result.toString()), again.toString());
        FaultlineProcess second = FaultlineProcess.start(tmp, List.of(), args.toArray(String[]::new));
        int fixedExit = second.waitFor(120);
        assertEquals(0, fixedExit, name + ": after the fix check still finds: " + JSON.readTree(again.toFile()).path("findings"));
    }


    /** The include is gone and nothing near it stands for it: no exact edit exists (PHP code is never cut). */
    private static final java.util.Set<String> NO_EXACT_FIX = java.util.Set.of("apache/fpm-missing-include");

    private static boolean hasPhpFpm() throws IOException {
        try (Stream<Path> bins = Files.list(Path.of("/usr/sbin"))) {
            return bins.anyMatch(b -> b.getFileName().toString().startsWith("php-fpm"));
        }
    }

    static void assumeLiveApache() {
        Assumptions.assumeTrue(Files.isExecutable(APACHE2), "apache2 is not installed (apt-get install apache2)");
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here (Yama ptrace_scope)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the corpus servers run as User www-data, which only root can switch to");
    }

    private Path copySnapshot(Path fixture) throws IOException, InterruptedException {
        Path dst = tmp.resolve("repo");
        Process cp = new ProcessBuilder("cp", "-a", fixture.resolve("snapshot").toString(), dst.toString())
                .inheritIO().start();
        assertEquals(0, cp.waitFor());
        // JUnit's temp dir is 0700: the server's user must reach the files the server serves in place
        for (Path d = dst; d != null && d.startsWith(tmp.getParent()); d = d.getParent()) {
            Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dst;
    }

    /** The one case directory at snapshot/tmp/SET/CASE: the ServerRoot the recorder used, mirrored. */
    static Path serverRootIn(Path snapshot) throws IOException {
        try (Stream<Path> sets = Files.list(snapshot.resolve("tmp"))) {
            Path set = sets.findFirst().orElseThrow();
            try (Stream<Path> roots = Files.list(set)) {
                return roots.findFirst().orElseThrow();
            }
        }
    }

    /** apache2 processes still running from a check's private copy. */
    static List<String> leftoverServers() throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.ISO_8859_1)
                            .replace('\0', ' ');
                    if (cmd.contains("apache2") && cmd.contains("/faultline-check-")) {
                        left.add(p.getFileName() + ": " + cmd);
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return left;
    }
}
