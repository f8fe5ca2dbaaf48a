package dev.faultline.httpd.configtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Settles a start-up crash between a few candidate lines by experiment, the way configtest bisection does, but only
 * for those lines: on a private copy of the configuration, {@code apache2 -t} must crash as it is, and must pass once
 * the one guilty line is commented out. A candidate whose removal leaves the crash, or gives another failure (a
 * syntax error), is not the one. The server's own files are never touched.
 */
public final class CandidateCheck {
    /** One line to try: its file as the server names it, and its 1-based line number. */
    public record Line(String file, int line) {
    }

    /** What the runs showed: the one line whose removal made the crash go away (or null), and each run. */
    public record Outcome(Line culprit, List<String> runs, String problem) {
    }

    /** Directives whose directory apache2 -t insists exists (CoreDumpDirectory), or whose file's directory must. */
    private static final List<String> DIRECTORY_ARGS = List.of("coredumpdirectory", "defaultruntimedir");
    private static final List<String> FILE_ARGS = List.of("errorlog", "customlog", "transferlog", "pidfile");

    private CandidateCheck() {
    }

    /**
     * A copy of a server's files (a --root snapshot) may lack its runtime directories (logs/, cores/): apache2 -t
     * would fail on them, not crash. Creates those the configuration names inside the copy; nothing outside it.
     */
    private static void makeNamedDirectories(List<Path> texts, Path root) throws IOException {
        for (Path p : texts) {
            if (Files.size(p) >= (4 << 20)) {
                continue;
            }
            for (String raw : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                String[] w = raw.strip().split("\\s+");
                if (w.length < 2) {
                    continue;
                }
                String key = w[0].toLowerCase(java.util.Locale.ROOT);
                String arg = w[1].replace("\"", "");
                boolean dir = DIRECTORY_ARGS.contains(key);
                if (!dir && !FILE_ARGS.contains(key) || arg.startsWith("|") || arg.contains("${")) {
                    continue;
                }
                Path target = arg.startsWith("/") ? Path.of(arg) : root.resolve(arg);
                Path d = dir ? target : target.getParent();
                if (d != null && d.normalize().startsWith(root)) {
                    Files.createDirectories(d);
                }
            }
        }
    }

    /**
     * Points every path under the ServerRoot in the copy's files at the copy, creates the runtime directories the
     * configuration names, and returns the apache2 -t command line for the copy.
     */
    private static List<String> prepare(ConfigCopy copy, String serverRoot, String mainConfig, Path apache2, List<String> defines)
            throws IOException {
        String copyRoot = copy.root().toString();
        // the configuration names its own paths: point every one under the ServerRoot at the copy
        List<Path> texts = new ArrayList<>();
        try (var s = Files.walk(copy.root())) {
            s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".so")).forEach(texts::add);
        }
        for (Path p : texts) {
            if (Files.size(p) < (4 << 20)) {
                String t = Files.readString(p, StandardCharsets.ISO_8859_1);
                if (t.contains(serverRoot)) {
                    Files.writeString(p, t.replace(serverRoot, copyRoot), StandardCharsets.ISO_8859_1);
                }
            }
        }
        makeNamedDirectories(texts, copy.root());
        String main = mainConfig.startsWith(serverRoot) ? copyRoot + mainConfig.substring(serverRoot.length()) : mainConfig;
        List<String> cmd = new ArrayList<>(List.of(apache2.toString(), "-d", copyRoot, "-f", main));
        for (String d : defines) {
            cmd.add("-D");
            cmd.add(d);
        }
        cmd.add("-t");
        return cmd;
    }

    /**
     * apache2 -t on a private copy of the configuration in which {@code file} (as the server names it) holds
     * {@code content}. A configuration file under the ServerRoot is replaced in the copy; a .htaccess (which -t never
     * reads) is checked the way httpd reads it for its directory, as the body of a {@code <Directory>} section added
     * after the configuration. The server's own files are never touched.
     *
     * @return the result, and apache2's output with the copy's paths turned back into the server's
     */
    public static ConfigTestResult withContent(Path filesRoot, String serverRoot, String mainConfig, Path apache2, Path envvars,
            List<String> defines, String file, String content) throws IOException {
        try (ConfigCopy copy = ConfigCopy.of(filesRoot)) {
            List<String> cmd = prepare(copy, serverRoot, mainConfig, apache2, defines);
            String base = file.substring(file.lastIndexOf('/') + 1);
            if (base.equals(".htaccess")) {
                Path edited = copy.tempDir().resolve("htaccess");
                Files.writeString(edited, content, StandardCharsets.UTF_8);
                String dir = file.substring(0, Math.max(1, file.lastIndexOf('/')));
                if (dir.startsWith(serverRoot)) {
                    dir = copy.root() + dir.substring(serverRoot.length());
                }
                cmd.addAll(cmd.size() - 1, List.of("-c", "<Directory \"" + dir + "\">", "-c", "Include \"" + edited + "\"", "-c", "</Directory>"));
            } else if (file.startsWith(serverRoot + "/")) {
                Files.writeString(copy.root().resolve(file.substring(serverRoot.length() + 1)), content.replace(serverRoot, copy.root().toString()),
                        StandardCharsets.UTF_8);
            } else {
                throw new IOException(file + " is outside the ServerRoot " + serverRoot + ": the copy holds only the ServerRoot");
            }
            ConfigTestRunner runner = new ConfigTestRunner(envvars, copy.tempDir().resolve("apache2.out"));
            ConfigTestResult r = runner.traced(cmd);
            String output = r.output().replace(copy.tempDir().resolve("htaccess").toString(), file).replace(copy.root().toString(), serverRoot);
            return new ConfigTestResult(r.outcome(), r.exitCode(), r.signal(), r.crash(), output);
        }
    }

    /**
     * @param filesRoot  where the ServerRoot's files are (the live root, or its copy under --root)
     * @param serverRoot the ServerRoot as the configuration names it
     * @param mainConfig the main config file as the server names it
     * @param apache2    the httpd executable
     * @param envvars    Debian's envvars to source, or null
     * @param defines    the server's -D names
     */
    public static Outcome confirm(Path filesRoot, String serverRoot, String mainConfig, Path apache2, Path envvars,
            List<String> defines, List<Line> candidates) {
        List<String> runs = new ArrayList<>();
        try (ConfigCopy copy = ConfigCopy.of(filesRoot)) {
            List<String> cmd = prepare(copy, serverRoot, mainConfig, apache2, defines);
            ConfigTestRunner runner = new ConfigTestRunner(envvars, copy.tempDir().resolve("apache2.out"));
            ConfigTestResult base = runner.traced(cmd);
            runs.add("as it is: " + base.outcome().name().toLowerCase() + (base.signal() == null ? "" : " (" + base.signal() + ")"));
            if (base.outcome() != ConfigTestResult.Outcome.CRASHED) {
                return new Outcome(null, runs, "apache2 -t on the copy did not crash (" + base.outcome() + "): nothing to confirm");
            }
            Line found = null;
            for (Line c : candidates) {
                if (!c.file().startsWith(serverRoot)) {
                    runs.add(c.file() + ":" + c.line() + ": outside the ServerRoot, not tried");
                    continue;
                }
                Path f = copy.root().resolve(c.file().substring(serverRoot.length()).replaceFirst("^/+", ""));
                List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
                if (c.line() < 1 || c.line() > lines.size()) {
                    continue;
                }
                lines.set(c.line() - 1, "# " + lines.get(c.line() - 1));
                ConfigTestResult r = copy.withContent(f, lines, () -> runner.traced(cmd));
                runs.add("without " + c.file() + ":" + c.line() + ": " + r.outcome().name().toLowerCase()
                        + (r.signal() == null ? "" : " (" + r.signal() + ")"));
                if (r.outcome() == ConfigTestResult.Outcome.OK) {
                    if (found != null) {
                        return new Outcome(null, runs, "removing either of two lines makes the crash go away");
                    }
                    found = c;
                }
            }
            return new Outcome(found, runs, found == null ? "no single line's removal made the crash go away" : null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, runs, "could not run apache2 -t on a copy: " + e.getMessage());
        }
    }
}
