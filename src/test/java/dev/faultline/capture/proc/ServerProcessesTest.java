package dev.faultline.capture.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.capture.proc.ProcFs.NoSuchProcessException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessesTest {
    private static final String APACHE = "/usr/sbin/apache2";

    @TempDir
    Path tmp;

    /** An httpd-like tree: parent 10, children 11 (threads 11, 13, 14; thread 13 forked a CGI, 20) and 12. */
    private ProcFs apacheTree() {
        return new FakeProc(tmp)
                .process(1, 0, "/usr/lib/systemd/systemd", new int[] {1}, "10 ")
                .process(10, 1, APACHE, new int[] {10}, "11 12 ")
                .process(11, 10, APACHE, new int[] {11, 13, 14}, "", "20 ", "")
                // child 99 exited after 12 listed it: no /proc/99
                .process(12, 10, APACHE, new int[] {12}, "99 ")
                .process(20, 11, "/usr/bin/php-cgi", new int[] {20}, "")
                // /proc/13 answers for thread 13 of process 11
                .file("13/status", "Name:\tapache2\nTgid:\t11\nPid:\t13\nPPid:\t10\n")
                .link("13/exe", APACHE)
                .fs();
    }

    @Test
    void fromAChildFindsTheParentAndEveryDescendant() throws IOException {
        ServerProcesses server = ServerProcesses.find(apacheTree(), 11);
        assertEquals(10, server.topPid());
        assertEquals(List.of(10, 11, 12, 20), server.pids());
        assertEquals(Map.of(10, List.of(10), 11, List.of(11, 13, 14), 12, List.of(12), 20, List.of(20)),
                server.threadsByPid());
    }

    @Test
    void fromTheParentOrAThreadIdTheSame() throws IOException {
        ProcFs fs = apacheTree();
        assertEquals(List.of(10, 11, 12, 20), ServerProcesses.find(fs, 10).pids());
        assertEquals(10, ServerProcesses.find(fs, 13).topPid());
    }

    @Test
    void aDifferentExecutableIsItsOwnTop() throws IOException {
        ServerProcesses cgi = ServerProcesses.find(apacheTree(), 20);
        assertEquals(20, cgi.topPid());
        assertEquals(List.of(20), cgi.pids());
    }

    @Test
    void walksUpSeveralLevelsAndStopsAtAnUnreadableParent() throws IOException {
        ProcFs fs = new FakeProc(tmp)
                .process(40, 41, "/x", new int[] {40}, "")
                .process(41, 42, "/x", new int[] {41}, "40 ")
                .process(42, 1, "/y", new int[] {42}, "41 ")
                // 51's parent is a zombie: no exe to compare
                .process(51, 52, "/x", new int[] {51}, "")
                .process(52, 1, null, new int[] {52}, "51 ")
                .fs();
        assertEquals(41, ServerProcesses.find(fs, 40).topPid());
        assertEquals(51, ServerProcesses.find(fs, 51).topPid());
    }

    @Test
    void aVanishedPidIsNoSuchProcess() {
        NoSuchProcessException e = assertThrows(NoSuchProcessException.class,
                () -> ServerProcesses.find(apacheTree(), 77));
        assertEquals(77, e.pid());
    }

    /**
     * A real tree of one executable: {@code sh} forks two subshells (copies of sh itself), each of which runs a
     * sleep. From a subshell the walk climbs to the top sh (whose parent, this JVM, runs java) and collects all
     * five; from a sleep it stops at once, since sleep's parent runs sh.
     */
    @Test
    void realShellTree() throws Exception {
        Process sh = new ProcessBuilder("/bin/sh", "-c", "(sleep 30; :) & (sleep 30; :) & wait")
                .redirectErrorStream(true).start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            List<ProcessHandle> subshells = List.of();
            List<ProcessHandle> sleeps = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                subshells = sh.children().toList();
                sleeps = subshells.stream().flatMap(ProcessHandle::children).toList();
                started = new ArrayList<>(subshells);
                started.addAll(sleeps);
                boolean formed = subshells.size() == 2 && sleeps.size() == 2
                        && sleeps.stream().allMatch(ServerProcessesTest::isSleep);
                if (formed) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals(2, sleeps.size(), "the shell tree did not form in 10 s");
            ProcFs fs = ProcFs.system();
            int top = (int) sh.pid();

            ServerProcesses fromSubshell = ServerProcesses.find(fs, (int) subshells.get(0).pid());
            assertEquals(top, fromSubshell.topPid());
            assertEquals(top, fromSubshell.pids().get(0));
            Set<Integer> expected = new HashSet<>(List.of(top));
            started.forEach(h -> expected.add((int) h.pid()));
            assertEquals(expected, new HashSet<>(fromSubshell.pids()));
            for (int pid : fromSubshell.pids()) {
                assertEquals(List.of(pid), fromSubshell.threadsByPid().get(pid), "single-threaded " + pid);
            }
            assertEquals(fromSubshell.pids(), ServerProcesses.find(fs, top).pids());

            int sleep = (int) sleeps.get(0).pid();
            ServerProcesses fromSleep = ServerProcesses.find(fs, sleep);
            assertEquals(sleep, fromSleep.topPid());
            assertEquals(List.of(sleep), fromSleep.pids());
        } finally {
            started.forEach(ProcessHandle::destroyForcibly);
            sh.destroyForcibly();
            assertTrue(sh.waitFor(10, TimeUnit.SECONDS));
        }
    }

    private static boolean isSleep(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("/sleep")).orElse(false);
    }
}
