package dev.faultline.httpd.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.httpd.HttpdContext;
import dev.faultline.httpd.HttpdContexts;
import dev.faultline.httpd.ServerEvidence;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directive ownership read from the modules' own command tables equals the server's: {@code apache2 -L} is the
 * oracle, with every module of /usr/lib/apache2/modules loaded that loads alongside the prefork MPM.
 */
class DirectiveCatalogTest {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final Pattern LISTED = Pattern.compile("^(\\S+) \\((\\S+)\\)$");

    @TempDir
    Path dir;

    @Test
    void ownershipEqualsApacheMinusL() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(APACHE) && Files.isDirectory(MODULES), "apache2 is not installed");
        List<String> loads = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(MODULES, "*.so")) {
            for (Path so : s) {
                String name = so.getFileName().toString();
                String sym = symbolOf(so);
                // one MPM only, and the thread-unsafe PHP is fine with prefork
                if (sym != null && !(name.startsWith("mod_mpm_") && !name.equals("mod_mpm_prefork.so"))) {
                    loads.add("LoadModule " + sym + " " + so);
                }
            }
        }
        loads.sort(null);
        Path faultdemo = Cli.repo().resolve("fixtures/httpd/htaccess-parse/snapshot/tmp/faultline-httpd/htaccess-parse/modules/mod_faultdemo.so");
        if (Files.isRegularFile(faultdemo)) {
            loads.add("LoadModule faultdemo_module " + faultdemo);
        }
        Path conf = dir.resolve("httpd.conf");
        Files.createDirectories(dir.resolve("logs"));
        String out = null;
        // a module that cannot load alone (it needs another's symbols) is dropped, as an admin would
        for (int attempt = 0; attempt < 60; attempt++) {
            Files.writeString(conf, "ServerRoot " + dir + "\nServerName 127.0.0.1\n" + String.join("\n", loads) + "\n");
            Process p = new ProcessBuilder(APACHE.toString(), "-d", dir.toString(), "-f", conf.toString(), "-L").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            if (p.exitValue() == 0) {
                break;
            }
            Matcher m = Pattern.compile("Cannot load (\\S+) into server").matcher(out);
            Matcher line = Pattern.compile("line (\\d+) of").matcher(out);
            if (m.find()) {
                String bad = m.group(1);
                loads.removeIf(l -> l.endsWith(" " + bad));
            } else if (line.find()) {
                loads.remove(Integer.parseInt(line.group(1)) - 3);
            } else {
                throw new AssertionError("apache2 -L failed: " + out);
            }
        }
        assertTrue(loads.size() > 60, "most modules load: " + loads.size());
        Set<String> oracle = new TreeSet<>();
        for (String l : out.split("\n")) {
            Matcher m = LISTED.matcher(l);
            if (m.matches()) {
                oracle.add(m.group(1) + " (" + m.group(2) + ")");
            }
        }
        HttpdContext ctx = HttpdContexts.load(new ServerEvidence(List.of(APACHE.toString(), "-d", dir.toString(), "-f", conf.toString()),
                null, Map.of()), null, null);
        DirectiveCatalog catalog = (DirectiveCatalog) ctx.owners();
        Set<String> ours = new TreeSet<>();
        for (ModuleReader.ModuleInfo m : catalog.modules()) {
            for (ModuleCommand c : m.commands()) {
                ours.add(c.directive() + " (" + m.sourceName() + ")");
            }
        }
        Set<String> missing = new TreeSet<>(oracle);
        missing.removeAll(ours);
        Set<String> extra = new TreeSet<>(ours);
        extra.removeAll(oracle);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "apache2 -L lists but the catalog lacks " + missing + "; the catalog has but -L lacks " + extra);
        assertTrue(oracle.size() > 500, oracle.size() + " directives");
        ModuleCommand typo = catalog.command("RewriteEngine");
        assertNotNull(typo);
        assertEquals("RewriteEngine", catalog.findTypo("# x\nRewriteEngin On\n").meant());
        if (Files.isRegularFile(faultdemo)) {
            assertEquals("faultdemo_module", catalog.moduleOf("FaultdemoHandler"));
            assertEquals("FaultdemoHandler", catalog.findTypo("FaultdemoHandlr static\n").meant(), "third-party near misses too");
            assertTrue(!catalog.shippedWithHttpd("faultdemo_module") || !Files.isDirectory(Path.of("/var/lib/dpkg/info")));
            assertEquals("cmd_parse", catalog.command("FaultdemoParse").handler());
        }
        assertTrue(catalog.shippedWithHttpd("rewrite_module"));
        assertTrue(catalog.readTime("Include") && catalog.readTime("LoadModule") && !catalog.readTime("DocumentRoot"));
    }

    /** The module symbol a .so exports (what its LoadModule line names). */
    private static String symbolOf(Path so) {
        List<ModuleReader.ModuleInfo> all = ModuleReader.readAll(so, null);
        return all.size() == 1 ? all.get(0).symbol() : null;
    }
}
