package dev.faultline.capture.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The static parsers, on files captured from this machine's /proc. */
class ProcFsParseTest {

    @Test
    void statusOfSleep() {
        assertEquals(new ProcStatus("sleep", 'S', 27423, 27423, 27414, 0, 0, 1, 27423),
                ProcFs.parseStatus(ProcSamples.text("sleep.status")));
    }

    @Test
    void statusShowsTheTracer() {
        ProcStatus s = ProcFs.parseStatus(ProcSamples.text("sleep-traced.status"));
        assertEquals(27508, s.tracerPid());
        assertTrue(s.isTraced());
    }

    @Test
    void statusOfAThreadedProcessAndOfOneOfItsThreads() {
        ProcStatus leader = ProcFs.parseStatus(ProcSamples.text("python-threads.status"));
        assertEquals(new ProcStatus("python3", 'S', 27422, 27422, 27414, 0, 0, 4, 27422), leader);
        ProcStatus thread = ProcFs.parseStatus(ProcSamples.text("python-thread.status"));
        assertEquals(27422, thread.tgid());
        assertEquals(27468, thread.pid());
        assertEquals(4, thread.threads());
    }

    @Test
    void statusOfZombieAndKernelThread() {
        ProcStatus zombie = ProcFs.parseStatus(ProcSamples.text("zombie.status"));
        assertEquals('Z', zombie.state());
        assertTrue(zombie.isZombie());
        ProcStatus kthreadd = ProcFs.parseStatus(ProcSamples.text("kthreadd.status"));
        assertEquals(new ProcStatus("kthreadd", 'S', 2, 2, 0, 0, 0, 1, 2), kthreadd);
    }

    /** A container's first process: NSpid lists its pid here, then in each nested namespace, innermost last. */
    @Test
    void statusNamesThePidInTheInnermostNamespace() {
        String text = ProcSamples.text("sleep.status").replace("NSpid:\t27423", "NSpid:\t27423\t1");
        assertEquals(1, ProcFs.parseStatus(text).nsPid());
    }

    @Test
    void statusNameIsUnescaped() {
        // the executable was a link named: odd \ n a NEWLINE m e
        assertEquals("odd\\na\nme", ProcFs.parseStatus(ProcSamples.text("renamed.status")).name());
    }

    @Test
    void statusSkipsWhatDoesNotParse() {
        ProcStatus s = ProcFs.parseStatus("Name:\tx\nPid:\tnot-a-number\ngarbage\n:\nPPid:\t7\n");
        assertEquals(new ProcStatus("x", '?', -1, -1, 7, -1, -1, -1, -1), s);
    }

    @Test
    void mapsOfSleep() {
        List<Mapping> maps = ProcFs.parseMaps(ProcSamples.text("sleep.maps"));
        assertEquals(37, maps.size());
        assertEquals(new Mapping(0x55661cc43000L, 0x55661cc45000L, "r--p", 0, "fe:00", 260875, "/usr/bin/sleep"),
                maps.get(0));
        assertEquals(new Mapping(0x55661cc45000L, 0x55661cc4a000L, "r-xp", 0x2000, "fe:00", 260875,
                "/usr/bin/sleep"), maps.get(1));
        Mapping anonymous = maps.get(16);
        assertEquals("", anonymous.path());
        assertEquals(0, anonymous.inode());
        assertFalse(anonymous.isFile());
        assertEquals("[heap]", maps.get(5).path());
        assertEquals("[vdso]", maps.get(29).path());
        assertEquals("[stack]", maps.get(35).path());
        Mapping vsyscall = maps.get(36);
        assertEquals("[vsyscall]", vsyscall.path());
        assertEquals(0xffffffffff600000L, vsyscall.start());
        assertEquals("--xp", vsyscall.perms());
    }

    @Test
    void mapsPathWithSpacesAndDeletedFile() {
        List<Mapping> maps = ProcFs.parseMaps(ProcSamples.text("python-threads.maps"));
        assertEquals(126, maps.size());
        Mapping deleted = maps.get(20);
        assertEquals("/tmp/faultline-gone.bin (deleted)", deleted.path());
        assertEquals("r--s", deleted.perms());
        assertEquals(2146327, deleted.inode());
        assertTrue(deleted.isFile());
        assertEquals("/tmp/faultline sample/data file.bin", maps.get(22).path());
    }

    @Test
    void mapsSkipsLinesThatDoNotParse() {
        String text = "zzzz-1000 r--p 00000000 00:00 0\n"
                + "1000-2000 r--p 00000000 00:00 0   /ok\n"
                + "1000 r--p\n"
                + "\n"
                + "3000-4000 rw-p 00000000 00:00 0   /a\\012newline\n";
        List<Mapping> maps = ProcFs.parseMaps(text);
        assertEquals(2, maps.size());
        assertEquals("/ok", maps.get(0).path());
        assertEquals("/a\nnewline", maps.get(1).path());
    }

    @Test
    void fdinfoOfCapturedFds() {
        assertEquals(new FdInfo(0, 0100000, 24), ProcFs.parseFdinfo(ProcSamples.text("stdin-devnull.fdinfo")));
        assertEquals(new FdInfo(1221, 02100000, 27), ProcFs.parseFdinfo(ProcSamples.text("file-read.fdinfo")));
        // O_CLOEXEC | O_LARGEFILE | O_APPEND | O_WRONLY
        assertEquals(new FdInfo(0, 02102001, 27), ProcFs.parseFdinfo(ProcSamples.text("append.fdinfo")));
        // O_CLOEXEC | O_NONBLOCK | O_RDWR
        assertEquals(new FdInfo(0, 02004002, 10), ProcFs.parseFdinfo(ProcSamples.text("socket.fdinfo")));
        assertEquals(new FdInfo(0, 02000001, 16), ProcFs.parseFdinfo(ProcSamples.text("pipe-write.fdinfo")));
    }

    @Test
    void fdinfoSkipsWhatDoesNotParse() {
        assertEquals(new FdInfo(-1, -1, 3), ProcFs.parseFdinfo("pos:\tx\nflags:\t9\nmnt_id:\t3\nino:\t1\n"));
    }

    @Test
    void cmdline() {
        assertEquals(List.of("sleep", "300"), ProcFs.parseCmdline(ProcSamples.bytes("sleep.cmdline")));
        assertEquals(List.of("/root/.pyenv/versions/3.11.7/bin/python3", "/tmp/cap/threaded.py"),
                ProcFs.parseCmdline(ProcSamples.bytes("python-threads.cmdline")));
        assertEquals(List.of(), ProcFs.parseCmdline(ProcSamples.bytes("kthreadd.cmdline")));
        assertEquals(List.of(), ProcFs.parseCmdline(ProcSamples.bytes("zombie.cmdline")));
    }

    @Test
    void cmdlineKeepsEmptyArgumentsAndAnUnterminatedTitle() {
        assertEquals(List.of("a", "", "b"), ProcFs.parseCmdline("a\0\0b\0".getBytes(StandardCharsets.UTF_8)));
        // setproctitle() style: the process overwrote its arguments with one string
        assertEquals(List.of("nginx: worker process"),
                ProcFs.parseCmdline("nginx: worker process".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void children() {
        assertEquals(List.of(27426, 27427), ProcFs.parseChildren(ProcSamples.text("sh.children")));
        assertEquals(List.of(), ProcFs.parseChildren(""));
        assertEquals(List.of(5), ProcFs.parseChildren("x 5 -1 "));
    }
}
