package dev.faultline.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faultline.httpd.config.ApacheConfig;
import dev.faultline.httpd.config.ApacheConfigParser;
import dev.faultline.httpd.config.ConfigFiles;
import dev.faultline.httpd.config.ConfigNode;
import dev.faultline.httpd.config.ConfigWarning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the httpd configuration reader over real files: a main file and up to four more under a temp directory that
 * stands for the server's disk (ServerRoot {@code /srv/conf}), so Include/IncludeOptional with globs and directories,
 * include loops, {@code <IfModule>}/{@code <IfDefine>}/{@code <IfVersion>}, Define and {@code ${VAR}}, mod_macro and
 * continuation lines all run; then an .htaccess through {@link ApacheConfigParser#parseHtaccess} against that config.
 *
 * <p>Contract: nothing throws; every directive's text is at most {@link ApacheConfigParser#MAX_LINE_CHARS}; the nodes
 * kept are at most {@link ApacheConfigParser#MAX_NODES}; time is bounded (an Include loop, an Include of one file
 * many times over, a recursive macro all end: libFuzzer's {@code -timeout} turns a hang into a finding).
 */
class ApacheConfigFuzzTest {

    private static final FuzzFiles FILES = new FuzzFiles();
    private static final String ROOT = "/srv/conf";
    /** The files an input may write; Include patterns in the dictionary name them. */
    private static final String[] NAMES = {"conf.d/a.conf", "conf.d/b.conf", "mods/x.load", "c.conf"};

    @AfterAll
    static void cleanUp() throws IOException {
        FILES.remove();
    }

    /** The whole input as the main httpd.conf (other files: the includes that the seeds' corpus snapshots hold). */
    @DictionaryEntries({"Include ", "IncludeOptional ", "conf.d/*.conf", "conf.d", "c.conf", "mods/*.load", "/srv/conf/",
        "httpd.conf", "*", "?", "[a-c]", "[!b]", "<IfModule ", "<IfModule !", "</IfModule>", "<IfDefine ", "</IfDefine>",
        "<If \"%{HTTPS} == 'on'\">", "</If>", "<IfVersion >= 2.4>", "</IfVersion>", "<IfFile ", "</IfFile>", "<IfDirective ",
        "<Directory \"/srv/www\">", "</Directory>", "<VirtualHost *:80>", "</VirtualHost>", "<Location />", "</Location>",
        "<Macro M $a>", "</Macro>", "Use M ", "UndefMacro M", "Define ", "UnDefine ", "${", "}", "${APACHE_RUN_DIR}",
        "ServerRoot ", "LoadModule rewrite_module ", "mod_rewrite.so", "mod_php.c", "php_module", "\\\\", "#",
        "\"", "'", ">", "AllowOverride All", "ErrorLog ", "CustomLog ", "RewriteEngine On", "php_value "})
    @FuzzTest
    void fuzzMainConfig(byte[] input) throws IOException {
        FILES.empty();
        write("httpd.conf", input);
        write("conf.d/a.conf", "Define A 1\n<IfDefine A>\n  Include c.conf\n</IfDefine>\n".getBytes(StandardCharsets.UTF_8));
        write("c.conf", "ServerName example.com\n".getBytes(StandardCharsets.UTF_8));
        parseLikeHttpdContexts(new String(input, StandardCharsets.ISO_8859_1));
    }

    /** Up to five files, each fuzzed text, including each other by name or by glob; and an .htaccess. */
    @DictionaryEntries({"Include ", "IncludeOptional ", "conf.d/*.conf", "conf.d", "c.conf", "mods/*.load", "/srv/conf/",
        "<IfModule ", "</IfModule>", "<IfDefine ", "</IfDefine>", "<Macro M $a>", "</Macro>", "Use M ", "Define ", "${",
        "}", "<Directory /srv/www>", "</Directory>"})
    @FuzzTest
    void fuzzConfigFiles(FuzzedDataProvider data) throws IOException {
        FILES.empty();
        write("httpd.conf", data.consumeString(2000).getBytes(StandardCharsets.UTF_8));
        int more = data.consumeInt(0, NAMES.length);
        for (int i = 0; i < more; i++) {
            write(data.pickValue(NAMES), data.consumeString(800).getBytes(StandardCharsets.UTF_8));
        }
        parseLikeHttpdContexts(data.consumeRemainingAsString());
    }

    private static void write(String name, byte[] content) throws IOException {
        Path p = FILES.dir().resolve(ROOT.substring(1)).resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    /** The parse HttpdContexts makes (main file, then an .htaccess against it), over the temp dir only. */
    private static void parseLikeHttpdContexts(String htaccess) throws IOException {
        ApacheConfigParser.Options opt = new ApacheConfigParser.Options();
        opt.serverRoot = ROOT;
        opt.defines.put("FOREGROUND", "");
        opt.env.put("APACHE_RUN_DIR", "/run/apache2");
        ConfigFiles files = new OnlyUnder(FILES.dir());
        ApacheConfig config = new ApacheConfigParser(files, opt).parse("httpd.conf");
        assertNotNull(config.tree());
        checkNodes(config.tree());
        for (ConfigNode n : config.readTimeLines()) {
            checkText(n);
        }
        assertTrue(config.warnings().size() <= 1000, config.warnings().size() + " warnings");
        for (ConfigWarning w : config.warnings()) {
            assertNotNull(w);
        }
        ApacheConfigParser htParser = new ApacheConfigParser(files, opt);
        List<ConfigNode> ht = htParser.parseHtaccess("/srv/www/.htaccess", htaccess, config);
        checkNodes(ht);
        assertTrue(htParser.lastWarnings().size() <= 1000);
    }

    /** Walks the tree without recursion (a deep one must not overflow the test's own stack). */
    private static void checkNodes(List<ConfigNode> top) {
        Deque<ConfigNode> todo = new ArrayDeque<>(top);
        long seen = 0;
        while (!todo.isEmpty()) {
            ConfigNode n = todo.pop();
            seen++;
            checkText(n);
            todo.addAll(n.children());
        }
        assertTrue(seen <= ApacheConfigParser.MAX_NODES, seen + " nodes");
    }

    private static void checkText(ConfigNode n) {
        assertNotNull(n.name());
        assertTrue(n.name().length() + n.args().length() <= ApacheConfigParser.MAX_LINE_CHARS,
                "a directive of " + (n.name().length() + n.args().length()) + " chars at " + n.location());
        assertTrue(n.line() >= 0);
    }

    /** The server's disk is the temp dir alone: an Include of /etc/... must not read this machine's files. */
    private static final class OnlyUnder extends ConfigFiles {
        private final Path prefix;

        OnlyUnder(Path prefix) {
            super(prefix);
            this.prefix = prefix;
        }

        @Override
        public Path locate(String path) {
            Path p = super.locate(path);
            return p == null || !p.normalize().startsWith(prefix) ? null : p;
        }
    }
}
