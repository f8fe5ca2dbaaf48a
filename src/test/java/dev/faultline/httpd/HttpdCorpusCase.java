package dev.faultline.httpd;

import dev.faultline.Cli;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One recording of the Apache crash corpus (fixtures/httpd/CASE, made by native/apache/record-httpd.sh) and its
 * known answer from expected.properties. Shared by the corpus tests; holds no verdict logic.
 */
record HttpdCorpusCase(String name, Path dir, String anchor, String verdictClass, String phase, String module,
                       String directive, String culprit, Integer line, boolean allTraces) {

    /** Where the ServerRoot of every case lived when it was recorded (the traces and snapshots name it). */
    static final String SERVER_ROOT_BASE = "/tmp/faultline-httpd/";

    /** The system property naming another corpus directory, such as a variant re-recording (FD_VARIANT=1). */
    static final String CORPUS_PROPERTY = "faultline.httpd.corpus";

    /** The committed corpus, or the directory {@link #CORPUS_PROPERTY} names. */
    static Path corpus() {
        String other = System.getProperty(CORPUS_PROPERTY, "");
        return other.isEmpty() ? committedCorpus() : Path.of(other).toAbsolutePath();
    }

    static Path committedCorpus() {
        return Cli.repo().resolve("fixtures/httpd");
    }

    /** Every case directory of the committed corpus, sorted by name. */
    static List<HttpdCorpusCase> all() throws IOException {
        try (Stream<Path> s = Files.list(corpus())) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
            List<HttpdCorpusCase> out = new java.util.ArrayList<>();
            for (Path d : dirs) {
                out.add(load(d));
            }
            return out;
        }
    }

    static HttpdCorpusCase load(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("expected.properties"))) {
            p.load(r);
        }
        String l = p.getProperty("line", "").trim();
        return new HttpdCorpusCase(dir.getFileName().toString(), dir, p.getProperty("anchor", "").trim(),
                p.getProperty("class", "").trim(), p.getProperty("phase", "").trim(),
                p.getProperty("module", "").trim(), p.getProperty("directive", "").trim(),
                p.getProperty("culprit", "").trim(), l.isEmpty() ? null : Integer.valueOf(l),
                !"0".equals(p.getProperty("all_traces", "1").trim()));
    }

    /** The case's ServerRoot as mirrored under snapshot/. */
    Path snapshotRoot() {
        return dir.resolve("snapshot" + SERVER_ROOT_BASE + name);
    }

    /** The snapshot file whose path ends with {@link #culprit()}, if the snapshot has it. */
    Optional<Path> snapshotCulprit() throws IOException {
        if (culprit.isEmpty() || !Files.isDirectory(snapshotRoot())) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(snapshotRoot())) {
            return s.filter(f -> Files.isRegularFile(f) && f.toString().endsWith("/" + culprit)).findFirst();
        }
    }

    /** The module .so committed with the case (the core needs it to symbolize). */
    /** The module .so, at its server path inside the snapshot (where analyze --root and --core read it). */
    Optional<Path> moduleSo() throws IOException {
        Path modules = dir.resolve("snapshot" + SERVER_ROOT_BASE + name()).resolve("modules");
        if (!Files.isDirectory(modules)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(modules)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".so")).findFirst();
        }
    }

    Path core() {
        return dir.resolve("core.zst");
    }

    @Override
    public String toString() {
        return name;
    }
}
