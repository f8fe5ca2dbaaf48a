package dev.faultline.httpd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreThread;
import dev.faultline.httpd.LiveApache;
import dev.faultline.httpd.RequestScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request a crashed httpd child was serving, read from the request_rec pointer on its stack in a real core. */
class RequestOnStackTest {
    @TempDir
    Path dir;

    /** The offsets are the compiler's, from the headers apache2-dev installs. */
    @Test
    void requestRecOffsetsAreTheCompilers() throws Exception {
        Path inc = Path.of("/usr/include/apache2/httpd.h");
        Assumptions.assumeTrue(Files.exists(inc), "apache2-dev is not installed");
        Path c = dir.resolve("off.c");
        Files.writeString(c, "#include <stddef.h>\n#include <stdio.h>\n#include \"httpd.h\"\n"
                + "int main(void){printf(\"%zu %zu %zu %zu %zu\\n\", offsetof(request_rec,the_request), offsetof(request_rec,hostname),"
                + " offsetof(request_rec,method), offsetof(request_rec,uri), offsetof(request_rec,filename));return 0;}\n");
        String aprInc = run("apr-1-config", "--includes").trim();
        List<String> cmd = new java.util.ArrayList<>(List.of("gcc", "-I/usr/include/apache2"));
        for (String flag : aprInc.split("\\s+")) {
            if (!flag.isEmpty()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(List.of(c.toString(), "-o", dir.resolve("off").toString()));
        run(cmd.toArray(String[]::new));
        String[] got = run(dir.resolve("off").toString()).trim().split(" ");
        assertEquals(RequestOnStack.THE_REQUEST, Integer.parseInt(got[0]), "the_request");
        assertEquals(RequestOnStack.HOSTNAME, Integer.parseInt(got[1]), "hostname");
        assertEquals(RequestOnStack.METHOD, Integer.parseInt(got[2]), "method");
        assertEquals(RequestOnStack.URI, Integer.parseInt(got[3]), "uri");
        assertEquals(RequestOnStack.FILENAME, Integer.parseInt(got[4]), "filename");
    }

    @Test
    void aChildCoreKnowsTheRequestItCrashedOn() throws Exception {
        LiveApache.assumeTraceable(dir);
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.startsWith("/"), "core_pattern '" + pattern + "' writes elsewhere");
        Path core;
        try (LiveApache httpd = LiveApache.start(dir.resolve("httpd"), "prefork", true)) {
            httpd.curl("/crash-late/"); // crash-late/.htaccess: CrashConfHandler proxxy, crashes in the fixups hook
            core = LiveApache.awaitCore(httpd.dir().resolve("cores"));
        }
        try (CoreFile cf = CoreFile.open(core, new HashMap<>(), false)) {
            CoreThread t = cf.threads().get(0);
            RequestScope.Request r = RequestOnStack.find(cf.memory(), t.registers().sp());
            assertNotNull(r, "a request_rec on the crashed child's stack");
            assertEquals("GET", r.method());
            assertEquals("/crash-late/", r.uri());
            assertNotNull(r.filename());
            assertTrue(r.filename().contains("/htdocs/crash-late"), r.filename());
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
