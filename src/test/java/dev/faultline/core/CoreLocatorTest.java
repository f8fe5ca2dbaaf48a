package dev.faultline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.core.CoreLocator.Candidate;
import dev.faultline.core.CoreLocator.LocatorEnvironment;
import dev.faultline.core.CoreLocator.Template;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CoreLocator}: template expansion and matching on a made-up tree, and one real crash. */
class CoreLocatorTest {
    private static final String SYSTEMD = "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h";
    private static final String APPORT = "|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E";
    private static final String BOOT = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    private static Path touch(Path f, long secondsAgo) throws IOException {
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {0x7f, 'E', 'L', 'F'});
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
        return f;
    }

    private static List<Path> paths(List<Candidate> cs) {
        return cs.stream().map(Candidate::path).toList();
    }

    // ------------------------------------------------------------------------------------- template expansion

    @Test
    void plainCoreWithAndWithoutCoreUsesPid() {
        Template t = Template.parse("core", 123, false);
        assertTrue(t.matches("core"));
        assertFalse(t.matches("core.123"));
        assertFalse(t.hasPid);
        assertFalse(t.absolute);

        Template u = Template.parse("core", 123, true);
        assertTrue(u.matches("core.123"));
        assertFalse(u.matches("core"));
        assertFalse(u.matches("core.1234"));
        assertTrue(u.hasPid);
        assertTrue(u.appendedPid);
    }

    @Test
    void pidIsExactAndUnknownsAreWildcards() {
        Template t = Template.parse("/var/cores/core.%e.%p.%t.%s", 42, true);
        assertTrue(t.absolute);
        assertFalse(t.appendedPid, "core_uses_pid adds nothing when %p is there");
        assertEquals(3, t.components.size());
        assertTrue(t.matches("var/cores/core.httpd.42.1700000000.11"));
        assertTrue(t.matches("var/cores/core.my app.42.1700000000.6"), "%e may hold spaces and dots");
        assertFalse(t.matches("var/cores/core.httpd.420.1700000000.11"));
        assertFalse(t.matches("var/cores/core.httpd.42.now.11"), "%t is digits");
        assertFalse(t.matches("var/cores/core.httpd.42.1700000000"));
    }

    @Test
    void percentRulesFollowTheKernel() {
        // %% is a percent sign, an unknown %X and a trailing % are dropped, %P is the pid too.
        Template t = Template.parse("cores/%%x%z-%P-%u-%g-%h-%i-%I-%E-%c%", 7, false);
        assertTrue(t.matches("cores/%x-7-0-0-web1-7-9-!usr!sbin!apache2-18446744073709551615"), t.regex());
        assertTrue(t.hasPid);
        // %P alone does not stop core_uses_pid from appending .PID (the kernel checks for %p only)
        assertTrue(Template.parse("core.%P", 7, true).matches("core.7.7"));
        // a wildcard in a directory component
        Template d = Template.parse("dumps/%e/core.%p", 9, false);
        assertTrue(d.matches("dumps/apache2/core.9"));
        assertFalse(d.matches("dumps/a/b/core.9"), "a wildcard never spans a slash");
    }

    // --------------------------------------------------------------------------------------- fake directories

    @Test
    void relativeTemplateIsSearchedInEveryDirNewestFirst() throws Exception {
        Path apacheDumps = tmp.resolve("apache-dumps");
        Path cwd = tmp.resolve("cwd");
        Path older = touch(apacheDumps.resolve("core.httpd.123"), 600);
        Path newer = touch(cwd.resolve("core.php-fpm7.4.123"), 10);
        touch(apacheDumps.resolve("core.httpd.1234"), 1); // another pid
        touch(apacheDumps.resolve("core.httpd.12"), 1); // another pid
        Files.createDirectories(cwd.resolve("core.dir.123")); // not a regular file

        LocatorEnvironment env = LocatorEnvironment.of("core.%e.%p\n", false, List.of(apacheDumps), cwd);
        List<Candidate> found = CoreLocator.find(123, env);
        assertEquals(List.of(newer, older), paths(found));
        assertTrue(found.get(0).how().contains("core_pattern 'core.%e.%p' in " + cwd), found.get(0).how());
    }

    @Test
    void plainNamesAreAlwaysTriedAndAFileIsListedOnce() throws Exception {
        Path dir = tmp.resolve("d");
        Path withPid = touch(dir.resolve("core.55"), 100);
        Path bare = touch(dir.resolve("core"), 5);
        // the same directory given as --dir and as the cwd
        LocatorEnvironment env = LocatorEnvironment.of("core", true, List.of(dir), dir);
        List<Candidate> found = CoreLocator.find(55, env);
        assertEquals(List.of(bare, withPid), paths(found));
        assertTrue(found.get(0).how().contains("may be another process's core"), found.get(0).how());
        assertTrue(found.get(1).how().contains("core_pattern 'core'"), found.get(1).how());
    }

    @Test
    void relativeTemplateWithNoDirectoryFindsNothingAndSaysWhy() {
        LocatorEnvironment env = LocatorEnvironment.of("core", false, List.of(), null);
        assertEquals(List.of(), CoreLocator.find(1, env));
        assertTrue(CoreLocator.explain(1, env).contains("pass --dir"), CoreLocator.explain(1, env));
    }

    @Test
    void absoluteTemplateWithWildcardDirectories() throws Exception {
        Path base = tmp.resolve("cores");
        Path hit = touch(base.resolve("apache2/core.77.1700000000"), 50);
        touch(base.resolve("apache2/core.78.1700000000"), 1);
        LocatorEnvironment env = LocatorEnvironment.of(base + "/%e/core.%p.%t", false, List.of(), null);
        assertEquals(List.of(hit), paths(CoreLocator.find(77, env)));
    }

    @Test
    void systemdCoredumpStore() throws Exception {
        Path store = tmp.resolve("coredump");
        Path zst = touch(store.resolve("core.apache2.33." + BOOT + ".4242.1700000000000000.zst"), 20);
        Path plain = touch(store.resolve("core.php-fpm8.2.33." + BOOT + ".4242.1600000000000000"), 3000);
        touch(store.resolve("core.apache2.33." + BOOT + ".42420.1700000000000000.zst"), 1);
        touch(store.resolve("core.apache2.33." + BOOT + ".424.1700000000000000.lz4"), 1);
        LocatorEnvironment env = LocatorEnvironment.of(SYSTEMD, false, List.of(), null)
                .withStores(store, tmp.resolve("no-crash-dir"));
        List<Candidate> found = CoreLocator.find(4242, env);
        assertEquals(List.of(zst, plain), paths(found));
        assertTrue(found.get(0).how().contains("systemd-coredump") && found.get(0).how().contains("zstd"),
                found.get(0).how());
    }

    @Test
    void coredumpctlIsAskedWhenTheStoreHasNothing() throws Exception {
        // A stand-in coredumpctl that records its arguments and stdin, and writes a fake core to -o FILE.
        Path log = tmp.resolve("args.log");
        Path fake = tmp.resolve("coredumpctl");
        Files.writeString(fake, "#!/bin/bash\n"
                + "echo \"$*\" > " + log + "\n"
                + "readlink /proc/self/fd/0 >> " + log + "\n"
                + "while [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then printf '\\177ELF' > \"$2\"; fi; shift; done\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path out = Files.createDirectory(tmp.resolve("out"));
        LocatorEnvironment env = LocatorEnvironment.of(SYSTEMD, false, List.of(), null)
                .withStores(Files.createDirectory(tmp.resolve("empty-store")), tmp.resolve("no-crash-dir"))
                .withCoredumpctl(fake, out);
        List<Candidate> found = CoreLocator.find(31337, env);
        assertEquals(1, found.size(), found.toString());
        Candidate c = found.get(0);
        assertTrue(c.how().contains("coredumpctl dump 31337"), c.how());
        assertEquals(-1, Files.mismatch(c.path(), writeTemp(new byte[] {0x7f, 'E', 'L', 'F'})));
        assertTrue(c.path().startsWith(out));
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.get(0).startsWith("--no-pager -q dump 31337 -o " + out), lines.toString());
        assertEquals("/dev/null", lines.get(1), "coredumpctl must not inherit stdin");

        // a failing coredumpctl leaves no candidate and no temporary file
        Files.writeString(fake, "#!/bin/bash\necho 'No coredumps found.' >&2\nexit 1\n");
        assertEquals(List.of(), CoreLocator.find(31337, env));
        try (var s = Files.list(out)) {
            assertEquals(1, s.count(), "only the first run's output is there");
        }
    }

    private Path writeTemp(byte[] b) throws IOException {
        Path f = Files.createTempFile(tmp, "expected", "");
        Files.write(f, b);
        return f;
    }

    @Test
    void apportReportsOfThePidAreListedAsReports() throws Exception {
        Path crash = tmp.resolve("crash");
        Files.createDirectories(crash);
        Path mine = crash.resolve("_usr_sbin_apache2.0.crash");
        Files.writeString(mine, "ProblemType: Crash\nExecutablePath: /usr/sbin/apache2\nProcStatus:\n Name:\tapache2\n"
                + " Umask:\t0022\n Pid:\t888\n PPid:\t1\nSignal: 11\nCoreDump: base64\n H4sICAAAAAAC/0NvcmVEdW1wAA==\n");
        Path other = crash.resolve("_usr_bin_php.0.crash");
        Files.writeString(other, "ProblemType: Crash\nProcStatus:\n Pid:\t999\nCoreDump: base64\n AAAA\n");
        Files.writeString(crash.resolve("notes.txt"), "Pid: 888\n");
        LocatorEnvironment env = LocatorEnvironment.of(APPORT, false, List.of(), null)
                .withStores(tmp.resolve("no-store"), crash);
        List<Candidate> found = CoreLocator.find(888, env);
        assertEquals(List.of(mine), paths(found));
        assertTrue(found.get(0).apportReport());
        assertTrue(found.get(0).how().contains("apport-unpack " + mine), found.get(0).how());
        assertEquals(888, CoreLocator.apportPid(mine));
    }

    @Test
    void explainNamesThePatternAndTheDirs() {
        LocatorEnvironment env = LocatorEnvironment.of("core", true, List.of(Path.of("/srv/dumps")), null);
        String s = CoreLocator.explain(12, env);
        assertTrue(s.contains("'core'") && s.contains("core_uses_pid") && s.contains("/srv/dumps"), s);
        assertTrue(CoreLocator.explain(12, LocatorEnvironment.of(SYSTEMD, false, List.of(), null))
                .contains("systemd-coredump"));
    }

    // ------------------------------------------------------------------------------------------ a real crash

    @Test
    void findsTheCoreOfARealCrash() throws Exception {
        LocatorEnvironment sys = LocatorEnvironment.system();
        String pattern = sys.pattern();
        Assumptions.assumeFalse(pattern.startsWith("|") || pattern.contains("/"),
                "core_pattern is '" + pattern + "', not a plain relative name: the kernel would not write the core"
                        + " into the test's directory");
        Assumptions.assumeTrue(new File("/usr/bin/gcc").canExecute() || onPath("gcc"), "gcc is not installed");
        Path src = tmp.resolve("crash.c");
        Files.writeString(src, "int main(){*(volatile int*)0=1;}\n");
        Process cc = new ProcessBuilder("gcc", "-o", tmp.resolve("crash").toString(), src.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc failed");

        Process p = new ProcessBuilder("bash", "-c",
                "ulimit -c unlimited || exit 77; ./crash & pid=$!; wait $pid; echo \"$pid $?\"")
                .directory(tmp.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Assumptions.assumeFalse(p.exitValue() == 77, "cannot raise the core size limit (ulimit -c unlimited)");
        String[] f = out.split(" ");
        int pid = Integer.parseInt(f[0]);
        assertEquals("139", f[1], "the program should die of SIGSEGV (128+11): " + out);

        List<Candidate> found = CoreLocator.find(pid, sys.withExtraDirs(List.of(tmp)));
        assertFalse(found.isEmpty(), "no core found for pid " + pid + ": " + CoreLocator.explain(pid, sys
                .withExtraDirs(List.of(tmp))));
        Candidate c = found.get(0);
        assertEquals(tmp, c.path().getParent(), c.toString());
        byte[] head = new byte[18];
        try (var in = Files.newInputStream(c.path())) {
            assertEquals(18, in.readNBytes(head, 0, 18));
        }
        assertEquals(0x7f, head[0]);
        assertEquals('E', head[1]);
        assertEquals(4, head[16], "e_type is ET_CORE");
        try (CoreSource s = CoreSource.open(c.path(), tmp)) {
            assertEquals("none", s.compression());
            assertNotNull(s.path());
        }
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
