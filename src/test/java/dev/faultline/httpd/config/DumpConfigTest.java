package dev.faultline.httpd.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.httpd.HttpdContext;
import dev.faultline.httpd.HttpdContexts;
import dev.faultline.httpd.ServerEvidence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree the parser builds holds the same directives, at the same file and line, as the tree httpd keeps
 * (ap_conftree), printed by mod_info's {@code -t -D DUMP_CONFIG}: on a copy of Debian's stock tree and on a corpus
 * configuration. Read-time directives (Include, LoadModule, Define, the conditions) are absent from both.
 */
class DumpConfigTest {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path MOD_INFO = Path.of("/usr/lib/apache2/modules/mod_info.so");

    @TempDir
    Path dir;

    @Test
    void debianStockTreeEqualsModInfosDump() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(APACHE) && Files.isRegularFile(MOD_INFO), "apache2 with mod_info is not installed");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/etc/apache2/mods-enabled")), "no Debian /etc/apache2");
        Path root = dir.resolve("apache2");
        copy(Path.of("/etc/apache2"), root, null, null);
        Files.writeString(root.resolve("mods-enabled/zz-info.load"), "LoadModule info_module " + MOD_INFO + "\n");
        compare(root, root.resolve("apache2.conf"), true);
    }

    @Test
    void corpusConfigurationEqualsModInfosDump() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(APACHE) && Files.isRegularFile(MOD_INFO), "apache2 with mod_info is not installed");
        String c = "location-handler-prefork";
        Path snapshot = Cli.repo().resolve("fixtures/httpd/" + c + "/snapshot/tmp/faultline-httpd/" + c);
        Path root = dir.resolve("srv");
        copy(snapshot, root, "/tmp/faultline-httpd/" + c, root.toString());
        Files.createDirectories(root.resolve("logs"));
        Files.createDirectories(root.resolve("cores"));
        // and a continued directive: httpd numbers it by its last physical line
        Files.writeString(root.resolve("conf/conf.d/zz-info.conf"), "LoadModule info_module " + MOD_INFO + "\nLogLevel \\\n  warn\n");
        compare(root, root.resolve("conf/httpd.conf"), false);
    }

    private static void compare(Path root, Path conf, boolean envvars) throws Exception {
        String env = envvars ? "export APACHE_CONFDIR=" + root + "; . " + root.resolve("envvars") + "; " : "";
        Process p = new ProcessBuilder("bash", "-c", env + "exec " + APACHE + " -d " + root + " -f " + conf + " -t -D DUMP_CONFIG")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Set<String> dumped = new TreeSet<>();
        String file = null;
        Integer line = null;
        Pattern inFile = Pattern.compile("^# In file: (.*)$");
        Pattern lineNo = Pattern.compile("^\\s*#\\s*(\\d+):\\s*$");
        for (String l : out.split("\n")) {
            Matcher f = inFile.matcher(l);
            Matcher n = lineNo.matcher(l);
            if (f.matches()) {
                file = f.group(1);
            } else if (n.matches()) {
                line = Integer.valueOf(n.group(1));
            } else if (line != null && file != null && !l.strip().startsWith("</")) {
                String t = l.strip();
                String name = t.startsWith("<") ? t.substring(1).split("[\\s>]")[0] : t.split("\\s")[0];
                dumped.add(file + ":" + line + " " + name);
                line = null;
            }
        }
        assertTrue(dumped.size() > 10, "mod_info dumped the tree: " + out);
        HttpdContext ctx = HttpdContexts.load(new ServerEvidence(List.of(APACHE.toString(), "-d", root.toString(), "-f", conf.toString()),
                null, Map.of()), null, null);
        Set<String> parsed = new TreeSet<>();
        collect(ctx.tree(), parsed);
        Set<String> missing = new TreeSet<>(dumped);
        missing.removeAll(parsed);
        Set<String> extra = new TreeSet<>(parsed);
        extra.removeAll(dumped);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "in httpd's tree, not in ours: " + missing + "; in ours, not in httpd's: " + extra);
    }

    private static void collect(List<ConfigNode> nodes, Set<String> out) {
        for (ConfigNode n : nodes) {
            out.add(n.file() + ":" + n.line() + " " + n.name());
            collect(n.children(), out);
        }
    }

    /** Copies a tree (following Debian's symlinks), rewriting one path prefix in text files. */
    private static void copy(Path from, Path to, String oldPrefix, String newPrefix) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (oldPrefix == null || p.toString().endsWith(".so")) {
                    Files.copy(p, t);
                } else {
                    Files.writeString(t, Files.readString(p).replace(oldPrefix, newPrefix));
                }
            }
        }
    }
}
