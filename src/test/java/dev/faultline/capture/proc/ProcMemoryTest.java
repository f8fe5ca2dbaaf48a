package dev.faultline.capture.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** /proc/PID/mem reads: real bytes where mapped, a short count at the end of a mapping, 0 where unmapped or gone. */
class ProcMemoryTest {
    private static List<Mapping> maps(long pid) throws Exception {
        return ProcFs.parseMaps(Files.readString(Path.of("/proc", Long.toString(pid), "maps")));
    }

    @Test
    void readsMappedBytesAndStopsAtTheEndOfAMapping() throws Exception {
        long self = ProcessHandle.current().pid();
        Mapping text = maps(self).stream().filter(m -> m.perms().startsWith("r") && m.isFile() && m.offset() == 0)
                .findFirst().orElseThrow();
        try (ProcMemory mem = ProcMemory.open((int) self)) {
            byte[] head = new byte[4];
            assertEquals(4, mem.read(text.start(), head, 0, 4));
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, head, text.path() + " starts with its ELF header");

            // a read running past the end of the mapping into a hole returns what was mapped
            List<Mapping> all = maps(self);
            Mapping beforeHole = null;
            for (int i = 0; i + 1 < all.size(); i++) {
                if (all.get(i).end() != all.get(i + 1).start() && all.get(i).perms().startsWith("r")) {
                    beforeHole = all.get(i);
                    break;
                }
            }
            byte[] buf = new byte[64];
            assertEquals(16, mem.read(beforeHole.end() - 16, buf, 8, 32), "only the 16 mapped bytes of " + beforeHole);
            assertEquals(0, mem.read(0x1000, buf, 0, 8), "the zero page is never mapped");
            assertEquals(0, mem.read(-4096, buf, 0, 8), "nor the kernel half");
            assertTrue(mem.u64(0x1000).isEmpty());
        }
    }

    @Test
    void aProcessThatHasGoneReadsAsNothing() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Mapping stack = maps(sleep.pid()).stream().filter(m -> m.path().equals("[stack]")).findFirst().orElseThrow();
            try (ProcMemory mem = ProcMemory.open((int) sleep.pid())) {
                byte[] buf = new byte[8];
                assertEquals(8, mem.read(stack.end() - 8, buf, 0, 8));
                sleep.destroyForcibly();
                assertTrue(sleep.waitFor(10, TimeUnit.SECONDS));
                Arrays.fill(buf, (byte) 0);
                assertEquals(0, mem.read(stack.end() - 8, buf, 0, 8), "reaped: no bytes, no exception");
            }
        } finally {
            sleep.destroyForcibly();
        }
    }
}
