package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreSource;
import dev.faultline.core.FileMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed Apache crash corpus (fixtures/httpd) is whole: every case has the recordings it claims, a
 * well-formed known answer, a snapshot that holds the culprit directive on the culprit line, and real ELF cores
 * of the crashed httpd. It checks the corpus, never faultline's verdicts on it. With
 * {@code -Dfaultline.httpd.corpus=DIR} it checks a re-recorded (for example variant) corpus instead.
 */
class HttpdCorpusTest {
    /** What each case claims beyond f.txt, error.log, requests.txt, snapshot/ and its module .so. */
    private static final Map<String, List<String>> CLAIMED = Map.of(
            "htaccess-parse", List.of(),
            "startup-parse", List.of("t.txt", "core.zst"),
            "reload-postconfig", List.of("core.zst"),
            "location-handler-prefork", List.of("core.zst", "k.txt", "ff"),
            "location-handler-event", List.of("core.zst", "k.txt", "ff", "p.txt"),
            "htaccess-inherited", List.of(),
            "deleted-conf", List.of("core.zst"),
            "healthy-thirdparty", List.of(),
            "php-app-crash", List.of(),
            "not-found", List.of());

    /** Traces recorded only when the whole set was (not in a quick variant recording). */
    private static final Set<String> FULL_SET_ONLY = Set.of("k.txt", "ff", "p.txt");

    /** A signal delivered by the kernel for a fault, as strace prints it. */
    private static final String KERNEL_SEGV = "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_";

    private static final int SIGSEGV = 11;
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    static List<HttpdCorpusCase> cases() throws IOException {
        assumeTrue(Files.isDirectory(HttpdCorpusCase.corpus()), "no fixtures/httpd in this checkout");
        return HttpdCorpusCase.all();
    }

    @Test
    void everyClaimedCaseIsRecordedAndNoOther() throws IOException {
        assumeTrue(HttpdCorpusCase.corpus().equals(HttpdCorpusCase.committedCorpus()),
                "a re-recorded corpus (" + HttpdCorpusCase.CORPUS_PROPERTY + ") may hold only some cases");
        Set<String> recorded = cases().stream().map(HttpdCorpusCase::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(CLAIMED.keySet()), recorded);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hasTheFilesItClaims(HttpdCorpusCase c) throws IOException {
        List<String> want = new ArrayList<>(List.of("f.txt", "error.log", "requests.txt", "snapshot", "expected.properties"));
        for (String f : CLAIMED.getOrDefault(c.name(), List.of())) {
            if (c.allTraces() || !FULL_SET_ONLY.contains(f)) {
                want.add(f);
            }
        }
        for (String f : want) {
            Path p = c.dir().resolve(f);
            assertTrue(Files.exists(p), c.name() + " lacks " + f);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    assertTrue(s.findAny().isPresent(), c.name() + "/" + f + " is empty");
                }
            } else {
                assertTrue(Files.size(p) > 0 || f.equals("error.log"), c.name() + "/" + f + " is empty");
            }
        }
        assertFalse(Files.exists(c.core()) && !want.contains("core.zst"), c.name() + " has a core it does not claim");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expectedAnswerIsWellFormed(HttpdCorpusCase c) {
        assertTrue(Set.of("crash", "http_error", "none").contains(c.anchor()), "anchor " + c.anchor());
        assertTrue(Set.of("config", "code", "").contains(c.verdictClass()), "class " + c.verdictClass());
        assertTrue(Set.of("htaccess", "startup", "reload", "request", "").contains(c.phase()), "phase " + c.phase());
        if (c.anchor().equals("none")) {
            assertEquals("", c.verdictClass(), "a negative has no class");
            assertEquals("", c.phase(), "a negative has no phase");
        }
        boolean config = c.verdictClass().equals("config");
        assertEquals(config, !c.culprit().isEmpty(), "a culprit exactly when the class is config");
        assertEquals(config, c.line() != null, "a line exactly when the class is config");
        assertEquals(config, !c.directive().isEmpty(), "a directive exactly when the class is config");
        assertEquals(config, !c.module().isEmpty(), "a module exactly when the class is config");
        if (config) {
            assertTrue(c.line() >= 3, "culprit lines are below the header comment, not line 1-2: " + c.line());
            assertTrue(c.module().endsWith("_module"), "module symbol " + c.module());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void snapshotHoldsTheDirectiveOnTheCulpritLine(HttpdCorpusCase c) throws IOException {
        assumeTrue(!c.culprit().isEmpty(), "no culprit in " + c.name());
        var file = c.snapshotCulprit();
        if (c.name().equals("deleted-conf")) {
            // the file was deleted after the run: only the trace (and the core's memory) still know it
            assertTrue(file.isEmpty(), "the snapshot of deleted-conf must not have " + c.culprit());
            assertDirectiveOnLine(c, textReadInTrace(c.dir().resolve("f.txt"), c.culprit()));
            return;
        }
        assertTrue(file.isPresent(), c.name() + ": no " + c.culprit() + " in the snapshot");
        assertDirectiveOnLine(c, Files.readAllLines(file.get(), StandardCharsets.UTF_8));
    }

    private static void assertDirectiveOnLine(HttpdCorpusCase c, List<String> lines) {
        assertTrue(c.line() <= lines.size(), c.culprit() + " has only " + lines.size() + " lines");
        String[] words = lines.get(c.line() - 1).trim().split("\\s+");
        assertEquals(c.directive(), words[0], c.culprit() + ":" + c.line());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void crashesAreInTheTraceAndNegativesAreNot(HttpdCorpusCase c) throws IOException {
        boolean crashed = traceMentions(c.dir().resolve("f.txt"), KERNEL_SEGV);
        assertEquals(c.anchor().equals("crash"), crashed, c.name() + ": kernel SIGSEGV in f.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void moduleIsTheElfThatDefinesTheModuleSymbol(HttpdCorpusCase c) throws IOException {
        var so = c.moduleSo();
        assertTrue(so.isPresent(), c.name() + " has no module .so");
        byte[] bytes = Files.readAllBytes(so.get());
        assertArrayEquals(ELF_MAGIC, Arrays.copyOf(bytes, 4), so.get() + " is not ELF");
        if (!c.module().isEmpty()) {
            assertTrue(contains(bytes, (c.module() + "\0").getBytes(StandardCharsets.US_ASCII)),
                    so.get() + " does not name " + c.module());
            assertTrue(contains(bytes, (c.directive() + "\0").getBytes(StandardCharsets.US_ASCII)),
                    so.get() + " has no directive " + c.directive());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void coreIsAnElfCoreOfTheCrashedHttpd(HttpdCorpusCase c) throws Exception {
        assumeTrue(Files.exists(c.core()), c.name() + " keeps no core");
        try (CoreSource src = CoreSource.open(c.core());
             CoreFile core = CoreFile.open(src.path(), Map.of(), false)) {
            assertEquals("zstd", src.compression());
            assertNotNull(core.process(), "no NT_PRPSINFO");
            assertTrue(core.process().psargs().contains(HttpdCorpusCase.SERVER_ROOT_BASE + c.name()),
                    "the core is of another process: " + core.process().psargs());
            assertEquals(SIGSEGV, core.signal().signo(), "the core's signal");
            String so = c.moduleSo().orElseThrow().getFileName().toString();
            assertTrue(core.files().stream().map(FileMapping::path).anyMatch(p -> p.endsWith("/modules/" + so)),
                    "the core does not map " + so);
        }
    }

    /**
     * The lines of the first read of a file whose path ends with {@code suffix}, from an {@code -yy -s 1024} trace:
     * {@code read(4</x/conf.d/40-z.conf>, "# the app...\n...", 4096) = 170}. Only the escapes a config file
     * uses are undone ({@code \n}, {@code \t}, {@code \"}, {@code \\}).
     */
    private static List<String> textReadInTrace(Path trace, String suffix) throws IOException {
        String marker = "/" + suffix + ">, \"";
        try (Stream<String> s = Files.lines(trace, StandardCharsets.ISO_8859_1)) {
            String line = s.filter(l -> l.contains(" read(") && l.contains(marker)).findFirst()
                    .orElseThrow(() -> new AssertionError(trace + " never reads " + suffix));
            String quoted = line.substring(line.indexOf(marker) + marker.length());
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < quoted.length() && quoted.charAt(i) != '"'; i++) {
                char ch = quoted.charAt(i);
                if (ch == '\\' && i + 1 < quoted.length()) {
                    char e = quoted.charAt(++i);
                    text.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                } else {
                    text.append(ch);
                }
            }
            return List.of(text.toString().split("\n", -1));
        }
    }

    private static boolean traceMentions(Path trace, String text) throws IOException {
        try (Stream<String> s = Files.lines(trace, StandardCharsets.ISO_8859_1)) {
            return s.anyMatch(l -> l.contains(text));
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
