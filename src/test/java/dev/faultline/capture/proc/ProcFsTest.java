package dev.faultline.capture.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.faultline.capture.proc.ProcFs.NoSuchProcessException;
import dev.faultline.capture.proc.ProcFs.ProcAccessException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {
    /** Above the kernel's pid_max limit (4194304), so never a live process. */
    private static final int NEVER_A_PID = 999_999_999;

    @TempDir
    Path tmp;

    @Test
    void readsAFakeTree() throws IOException {
        FakeProc proc = new FakeProc(tmp)
                .process(100, 1, "/usr/sbin/apache2", new int[] {100, 101, 102}, "200 ", "300 200 ")
                .link("100/cwd", "/")
                .file("100/cmdline", "/usr/sbin/apache2\0-k\0start\0")
                .file("100/maps", ProcSamples.text("sleep.maps"))
                .link("100/fd/0", "/dev/null")
                .link("100/fd/3", "socket:[123]")
                .link("100/fd/4", "pipe:[4]")
                .link("100/fd/10", "/var/log/x (deleted)")
                .file("100/fdinfo/10", "pos:\t12\nflags:\t02102001\nmnt_id:\t27\nino:\t5\n");
        ProcFs fs = proc.fs();

        assertTrue(fs.exists(100));
        assertEquals(100, fs.status(100).pid());
        assertEquals(List.of(100, 101, 102), fs.tasks(100));
        // thread 102 has no children file: it exited after the listing, and is skipped
        assertEquals(List.of(200, 300), fs.children(100));
        assertEquals(Map.of(0, "/dev/null", 3, "socket:[123]", 4, "pipe:[4]", 10, "/var/log/x (deleted)"),
                fs.fds(100));
        assertEquals(List.of(0, 3, 4, 10), List.copyOf(fs.fds(100).keySet()));
        assertEquals(new FdInfo(12, 02102001, 27), fs.fdinfo(100, 10));
        assertNull(fs.fdinfo(100, 7), "fd 7 is not open");
        assertEquals(List.of("/usr/sbin/apache2", "-k", "start"), fs.cmdline(100));
        assertEquals("/usr/sbin/apache2", fs.exe(100));
        assertEquals("/", fs.cwd(100));
        assertEquals(37, fs.maps(100).size());
    }

    @Test
    void zombieHasNoExeNorCwd() throws IOException {
        ProcFs fs = new FakeProc(tmp).process(400, 1, null, new int[] {400}).file("400/cmdline", "").fs();
        assertNull(fs.exe(400));
        assertNull(fs.cwd(400));
        assertEquals(List.of(), fs.cmdline(400));
    }

    @Test
    void vanishedProcessIsNoSuchProcess() {
        ProcFs fs = new FakeProc(tmp).fs();
        assertFalse(fs.exists(77));
        List<Executable> calls = List.of(() -> fs.status(77), () -> fs.tasks(77), () -> fs.children(77),
                () -> fs.maps(77), () -> fs.fds(77), () -> fs.fdinfo(77, 0), () -> fs.cmdline(77), () -> fs.cwd(77),
                () -> fs.exe(77));
        for (Executable call : calls) {
            NoSuchProcessException e = assertThrows(NoSuchProcessException.class, call);
            assertEquals(77, e.pid());
            assertEquals("no such process: 77", e.getMessage());
        }
    }

    @Test
    void accessDeniedNamesTheFile() {
        ProcFs fs = new FakeProc(tmp).process(5, 1, "/bin/x", new int[] {5}).fs();
        Path file = tmp.resolve("5/maps");
        IOException e = fs.failure(new AccessDeniedException(file.toString()), 5, file);
        ProcAccessException access = assertInstanceOf(ProcAccessException.class, e);
        assertEquals("permission denied: " + file, access.getMessage());
        assertEquals(file, access.file());
    }

    @Test
    void otherFailuresOfALiveProcessPassThrough() {
        ProcFs fs = new FakeProc(tmp).process(5, 1, "/bin/x", new int[] {5}).fs();
        IOException io = new IOException("Input/output error");
        assertSame(io, fs.failure(io, 5, tmp.resolve("5/maps")));
        assertInstanceOf(NoSuchProcessException.class, fs.failure(new NoSuchFileException("x"), 6, tmp));
    }

    @Test
    void realProcOfThisJvm() throws IOException {
        ProcFs fs = ProcFs.system();
        int self = (int) ProcessHandle.current().pid();
        assertTrue(fs.exists(self));
        ProcStatus status = fs.status(self);
        assertEquals(self, status.pid());
        assertEquals(self, status.tgid());
        assertEquals((int) ProcessHandle.current().parent().orElseThrow().pid(), status.ppid());
        List<Integer> tids = fs.tasks(self);
        assertTrue(tids.contains(self));
        assertTrue(tids.size() > 1, "a JVM has many threads");
        assertTrue(fs.exe(self).endsWith("/java"), fs.exe(self));
        assertEquals(Path.of(System.getProperty("user.dir")).toRealPath().toString(), fs.cwd(self));
        assertTrue(fs.cmdline(self).get(0).endsWith("java"), fs.cmdline(self).toString());
        assertTrue(fs.fds(self).keySet().containsAll(List.of(0, 1, 2)));
        assertNotNull(fs.fdinfo(self, 0));
        List<Mapping> maps = fs.maps(self);
        assertTrue(maps.stream().anyMatch(m -> m.path().equals("[stack]")));
        assertTrue(maps.stream().anyMatch(m -> m.path().endsWith("/libjvm.so")));
    }

    @Test
    void realProcOfAProcessThatDoesNotExist() {
        ProcFs fs = ProcFs.system();
        assertFalse(fs.exists(NEVER_A_PID));
        assertThrows(NoSuchProcessException.class, () -> fs.status(NEVER_A_PID));
        assertThrows(NoSuchProcessException.class, () -> fs.exe(NEVER_A_PID));
    }

    @Test
    void realProcOfAnotherUsersProcessIsAccessDenied() {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may read every process");
        ProcFs fs = ProcFs.system();
        ProcAccessException e = assertThrows(ProcAccessException.class, () -> fs.fds(1));
        assertEquals("permission denied: /proc/1/fd", e.getMessage());
    }

    @Test
    void realProcOfAnExitedChild() throws Exception {
        Process p = new ProcessBuilder("true").start();
        int pid = (int) p.pid();
        p.waitFor();
        ProcFs fs = ProcFs.system();
        // waitFor() reaped it; the pid could be reused only after a wrap of the whole pid space
        assertFalse(fs.exists(pid));
        NoSuchProcessException e = assertThrows(NoSuchProcessException.class, () -> fs.cmdline(pid));
        assertEquals("no such process: " + pid, e.getMessage());
    }
}
