package dev.faultline.httpd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parser reads a configuration in httpd's own order; the real apache2 is the oracle. */
class ApacheConfigParserTest {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");

    @TempDir
    Path dir;

    static void assumeApache() {
        Assumptions.assumeTrue(Files.isExecutable(APACHE), "apache2 is not installed");
    }

    /** {@code apache2 -t -D DUMP_INCLUDES} with the environment apache2ctl would give it: the files, in order. */
    static List<String> dumpIncludes(String root, String conf, String envvars) throws Exception {
        String env = envvars == null ? "" : "export APACHE_CONFDIR=" + root + "; . " + envvars + "; ";
        Process p = new ProcessBuilder("bash", "-c", env + "exec " + APACHE + " -d " + root + " -f " + conf + " -t -D DUMP_INCLUDES")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> files = new ArrayList<>();
        for (String line : out.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\((\\*|\\d+)\\)\\s+(/.*)$").matcher(line.strip());
            if (m.matches()) {
                files.add(m.group(2));
            }
        }
        assertFalse(files.isEmpty(), "apache2 listed its files: " + out);
        return files;
    }

    static ApacheConfig parse(String root, String conf, String envvars) {
        ApacheConfigParser.Options o = new ApacheConfigParser.Options();
        o.serverRoot = root;
        if (envvars != null) {
            o.env.put("APACHE_CONFDIR", root);
            o.env.putAll(Envvars.read(ConfigFiles.disk(), envvars));
        }
        return new ApacheConfigParser(ConfigFiles.disk(), o).parse(conf);
    }

    @Test
    void debianStockTreeIncludesInHttpdsOrder() throws Exception {
        assumeApache();
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/etc/apache2/apache2.conf")), "no Debian /etc/apache2");
        List<String> want = dumpIncludes("/etc/apache2", "/etc/apache2/apache2.conf", "/etc/apache2/envvars");
        ApacheConfig c = parse("/etc/apache2", "/etc/apache2/apache2.conf", "/etc/apache2/envvars");
        assertEquals(want, c.files(), "warnings: " + c.warnings());
        assertTrue(c.loadedModules().containsKey("mpm_prefork_module") || c.loadedModules().containsKey("mpm_event_module")
                || c.loadedModules().containsKey("mpm_worker_module"), "an MPM is loaded: " + c.loadedModules().keySet());
    }

    @Test
    void layeredTreeWithGlobsConditionsDefinesAndDirectories() throws Exception {
        assumeApache();
        Path root = dir.resolve("srv");
        write(root.resolve("conf/httpd.conf"), String.join("\n",
                "ServerRoot \"" + root + "\"",
                "Define SITES sites",
                "Define OPT optional",
                "Listen 127.0.0.1:18599",
                "ServerName 127.0.0.1",
                "PidFile logs/httpd.pid",
                "LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so",
                "LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so",
                "Include conf/mods/*.load",
                "<IfModule authz_core_module>",
                "    Include conf/${SITES}/*/site.conf",
                "</IfModule>",
                "<IfModule !mod_nonexistent.c>",
                "    IncludeOptional conf/conf.d",
                "</IfModule>",
                "<IfDefine !NOPE>",
                "  IncludeOptional conf/${OPT}/*.conf",
                "</IfDefine>",
                "<IfDefine NOPE>",
                "  Include conf/never/*.conf",
                "</IfDefine>",
                "IncludeOptional conf/missing/*.conf",
                "<IfFile conf/mods/a.load>",
                "  Include conf/extra.conf",
                "</IfFile>",
                "<IfVersion >= 2.4>",
                "  Include conf/v24.conf",
                "</IfVersion>",
                ""));
        write(root.resolve("conf/mods/b.load"), "# b\n");
        write(root.resolve("conf/mods/a.load"), "# a\n");
        write(root.resolve("conf/mods/.hidden.load"), "# never: FNM_PERIOD\n");
        write(root.resolve("conf/sites/zz/site.conf"), "<VirtualHost *:18599>\n  ServerName zz\n</VirtualHost>\n");
        write(root.resolve("conf/sites/aa/site.conf"), "<VirtualHost *:18599>\n  ServerName aa\n</VirtualHost>\n");
        write(root.resolve("conf/conf.d/20-b.conf"), "Timeout 30\n");
        write(root.resolve("conf/conf.d/10-a.conf"), "KeepAlive Off\n");
        write(root.resolve("conf/conf.d/sub/05-c.conf"), "MaxKeepAliveRequests 5\n");
        write(root.resolve("conf/optional/x.conf"), "Include conf/nested.conf\n");
        write(root.resolve("conf/nested.conf"), "ServerAdmin root@localhost\n");
        write(root.resolve("conf/extra.conf"), "ServerTokens Prod\n");
        write(root.resolve("conf/v24.conf"), "ServerSignature Off\n");
        String conf = root.resolve("conf/httpd.conf").toString();
        List<String> want = dumpIncludes(root.toString(), conf, null);
        ApacheConfig c = parse(root.toString(), conf, null);
        assertEquals(want, c.files(), "warnings: " + c.warnings());
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        List<String> vhosts = c.tree().stream().filter(n -> n.key().equals("virtualhost"))
                .map(n -> n.children().get(0).args()).collect(Collectors.toList());
        assertEquals(List.of("aa", "zz"), vhosts, "sites in sorted order, inside their sections");
    }

    @Test
    void everyNodeKeepsItsFileAndLineAndItsScopes() throws Exception {
        Path root = dir.resolve("r");
        write(root.resolve("httpd.conf"), String.join("\n",
                "# header",
                "Include conf.d/*.conf",
                "<Location /app>",
                "    SetHandler \\",
                "        app-handler",
                "</Location>",
                ""));
        write(root.resolve("conf.d/40-app.conf"), "# app\n\n<Directory \"/srv/www\">\n  <Files \"x.php\">\n    Require all denied\n  </Files>\n</Directory>\n");
        ApacheConfig c = parse(root.toString(), root.resolve("httpd.conf").toString(), null);
        ConfigNode dirSection = c.tree().get(0);
        assertEquals("Directory", dirSection.name());
        assertEquals("\"/srv/www\"", dirSection.args());
        assertEquals(root.resolve("conf.d/40-app.conf").toString(), dirSection.file());
        assertEquals(3, dirSection.line());
        ConfigNode require = dirSection.children().get(0).children().get(0);
        assertEquals("Require all denied", require.text());
        assertEquals(5, require.line());
        assertEquals(List.of("Directory", "Files"), require.scopes().stream().map(ConfigNode::name).collect(Collectors.toList()));
        ConfigNode handler = c.tree().get(1).children().get(0);
        assertEquals("SetHandler", handler.name());
        assertEquals(5, handler.line(), "httpd numbers a continued directive by its last line (ap_cfg_getline)");
        assertEquals(List.of("app-handler"), handler.argList());
    }

    @Test
    void macrosExpandWithTheBodyLines() throws Exception {
        Path root = dir.resolve("m");
        write(root.resolve("httpd.conf"), String.join("\n",
                "<Macro Site $name $port>",
                "  <VirtualHost *:$port>",
                "    ServerName $name",
                "  </VirtualHost>",
                "</Macro>",
                "Use Site one 8001",
                "Use Site two 8002",
                "UndefMacro Site",
                "Use Site three 8003",
                ""));
        ApacheConfig c = parse(root.toString(), root.resolve("httpd.conf").toString(), null);
        assertEquals(2, c.tree().size());
        assertEquals("*:8002", c.tree().get(1).args());
        assertEquals("two", c.tree().get(1).children().get(0).args());
        assertEquals(3, c.tree().get(1).children().get(0).line(), "the macro body's line");
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).message().contains("no such macro"));
    }

    @Test
    void brokenInputGivesLocatedWarningsNeverAnException() throws Exception {
        Path root = dir.resolve("b");
        StringBuilder huge = new StringBuilder("ServerAdmin ");
        huge.append("x".repeat(10 << 20));
        write(root.resolve("httpd.conf"), String.join("\n",
                "<Directory /x>",
                "  Options None",
                "</Location>",
                "</Directory>",
                "Include missing.conf",
                "Include loop.conf",
                "Include huge.conf",
                "Include junk.conf",
                "<Location /open>",
                "  Require all granted",
                ""));
        write(root.resolve("loop.conf"), "Include loop.conf\n");
        write(root.resolve("huge.conf"), huge + "\nTimeout 5\n");
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Files.write(root.resolve("junk.conf"), junk);
        long t0 = System.nanoTime();
        ApacheConfig c = parse(root.toString(), root.resolve("httpd.conf").toString(), null);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "a 10 MB line is read quickly");
        String w = c.warnings().toString();
        assertTrue(w.contains("httpd.conf:3: expected </Directory> but saw </Location>"), w);
        assertTrue(w.contains("httpd.conf:4: </Directory> closes no open section"), w);
        assertTrue(w.contains("httpd.conf:5: Include") && w.contains("missing.conf: no such file"), w);
        assertTrue(w.contains("include loop"), w);
        assertTrue(w.contains("huge.conf:1: a line of"), w);
        assertTrue(w.contains("junk.conf"), w);
        assertTrue(w.contains("httpd.conf:9: <Location> was not closed"), w);
        assertTrue(c.tree().stream().anyMatch(n -> n.name().equals("Timeout")), "reading goes on after the long line");
    }

    @Test
    void commandLineGivesRootFileAndDefines() {
        HttpdCommandLine cl = HttpdCommandLine.parse(List.of("/usr/sbin/apache2", "-d", "/srv/h", "-f", "conf/httpd.conf",
                "-DFOREGROUND", "-D", "SSL", "-k", "start", "-C", "ServerName x"));
        assertEquals("/srv/h", cl.serverRoot());
        assertEquals("/srv/h/conf/httpd.conf", cl.configFile());
        assertEquals(List.of("FOREGROUND", "SSL"), new ArrayList<>(cl.defines().keySet()));
        assertEquals("start", cl.signal());
        assertEquals(List.of("ServerName x"), cl.before());
        HttpdCommandLine debian = HttpdCommandLine.parse(List.of("apache2", "-t"));
        assertEquals("/etc/apache2/apache2.conf", debian.configFile());
        assertTrue(debian.configTest());
    }

    /** Found by ApacheConfigFuzzTest: a macro that uses itself twice took 2^32 expansions. httpd refuses it at once. */
    @Test
    void recursiveMacroIsRefusedAsHttpdDoes() throws Exception {
        Path root = dir.resolve("m");
        write(root.resolve("httpd.conf"), String.join("\n",
                "LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so",
                "<Macro M $a>", "Use M $a", "ServerName $a", "Use M $a", "</Macro>", "Use M x", ""));
        long start = System.nanoTime();
        ApacheConfig c = parse(root.toString(), root.resolve("httpd.conf").toString(), null);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "a recursive macro ends at once");
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().contains("recursive use of macro 'M' is invalid")), c.warnings().toString());
        assumeApache();
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/lib/apache2/modules/mod_macro.so")), "no mod_macro");
        Process p = new ProcessBuilder(APACHE.toString(), "-d", root.toString(), "-f", root.resolve("httpd.conf").toString(), "-t")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("recursive use of macro 'm' is invalid"), out); // httpd names a macro in lower case
    }

    /** A file included twice per level, 40 levels deep: 2^40 reads without the budget of file reads. */
    @Test
    void includesManyTimesOverStopAtTheFileReadBudget() throws Exception {
        Path root = dir.resolve("d");
        for (int i = 0; i < 40; i++) {
            write(root.resolve("f" + i + ".conf"), "Include f" + (i + 1) + ".conf\nServerAdmin a@b\nInclude f" + (i + 1) + ".conf\n");
        }
        write(root.resolve("f40.conf"), "ServerName x\n");
        long start = System.nanoTime();
        ApacheConfig c = parse(root.toString(), root.resolve("f0.conf").toString(), null);
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the budget ends the read");
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().contains(dev.faultline.Limits.CONFIG_FILE_READS + " files read")),
                c.warnings().toString());
    }

    /** Define B ${A}${A}, C ${B}${B}, ...: each step doubles the line; it is cut at the line limit. */
    @Test
    void variablesThatDoubleAreCutAtTheLineLimit() throws Exception {
        Path root = dir.resolve("v");
        StringBuilder conf = new StringBuilder("Define V0 " + "x".repeat(1000) + "\n");
        for (int i = 1; i <= 40; i++) {
            conf.append("Define V").append(i).append(" ${V").append(i - 1).append("}${V").append(i - 1).append("}\n");
        }
        conf.append("ServerName ${V40}\n");
        write(root.resolve("httpd.conf"), conf.toString());
        ApacheConfig c = parse(root.toString(), root.resolve("httpd.conf").toString(), null);
        ConfigNode name = c.tree().get(c.tree().size() - 1);
        assertEquals("ServerName", name.name());
        assertTrue(name.args().length() <= ApacheConfigParser.MAX_LINE_CHARS, name.args().length() + " chars");
        assertTrue(c.defines().get("V40").length() <= ApacheConfigParser.MAX_LINE_CHARS);
    }

    /**
     * Found by ApacheConfigFuzzTest: {@code [[!b]} became an invalid Java class and was then matched literally. In
     * fnmatch every character of a bracket expression is literal but a leading ! and a range; apache2 is the oracle.
     */
    @Test
    void bracketExpressionsMatchAsFnmatchDoes() throws Exception {
        assumeApache();
        Path root = dir.resolve("g");
        for (String name : new String[] {"[.conf", "!.conf", "b.conf", "a.conf", "].conf", "x.conf", "&.conf", "-.conf"}) {
            write(root.resolve("conf.d/" + name), "# " + name + "\n");
        }
        write(root.resolve("httpd.conf"), String.join("\n",
                "ServerRoot \"" + root + "\"",
                "Listen 127.0.0.1:18731",
                "ServerName 127.0.0.1",
                "PidFile httpd.pid",
                "LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so",
                "Include conf.d/[[!b].conf",
                "IncludeOptional conf.d/[]x].conf",
                "IncludeOptional conf.d/[z-a].conf",
                "IncludeOptional conf.d/[!a-b[]*.conf",
                "IncludeOptional conf.d/[&-].conf",
                ""));
        String conf = root.resolve("httpd.conf").toString();
        List<String> want = dumpIncludes(root.toString(), conf, null);
        ApacheConfig c = parse(root.toString(), conf, null);
        assertEquals(want, c.files(), "warnings: " + c.warnings());
    }

    /** Found by ApacheConfigFuzzTest: a glob of 45 stars, translated to a regex, backtracked for minutes. */
    @Test
    void globOfManyStarsEndsAtOnce() throws Exception {
        Path root = dir.resolve("s");
        for (String name : new String[] {"httpd.conf", "a.conf", "some-long-file-name-of-a-site.example.com.conf"}) {
            write(root.resolve(name), "# " + name + "\n");
        }
        write(root.resolve("main.conf"), "IncludeOptional " + "*".repeat(45) + "\u0471x\nIncludeOptional *a*a*a*a*a*a*a*a*a*a*a*a*b\n");
        long start = System.nanoTime();
        ApacheConfig c = parse(root.toString(), root.resolve("main.conf").toString(), null);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertEquals(List.of(root.resolve("main.conf").toString()), c.files());
    }

    private static void write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
