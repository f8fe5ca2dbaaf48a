package dev.faultline.core.unwind;

import dev.faultline.core.Arch;
import dev.faultline.linux.Memory;
import dev.faultline.core.unwind.CfiUnwinder.Status;
import dev.faultline.core.unwind.CfiUnwinder.StepResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real unwind. stackdump.c (built here with -O2 -fomit-frame-pointer) records its registers and a copy of its
 * stack at a known instruction, plus what glibc's backtrace() (libgcc's unwinder) says the return addresses are.
 * Stepping with {@link CfiUnwinder} over that stack and the module files on disk must give the same pcs, down to
 * _start, where the return address is undefined.
 */
class CfiUnwinderTest {
    @TempDir
    static Path dir;
    private static Path exe;

    @BeforeAll
    static void build() throws Exception {
        TestSupport.assumeX8664Linux();
        assumeTrue(TestSupport.onPath("gcc"), "gcc is not installed");
        Path src = dir.resolve("stackdump.c");
        try (InputStream in = CfiUnwinderTest.class.getResourceAsStream("stackdump.c")) {
            assertNotNull(in, "stackdump.c resource");
            Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
        }
        exe = dir.resolve("stackdump");
        TestSupport.run(dir, "gcc", "-O2", "-g", "-fomit-frame-pointer", "-fasynchronous-unwind-tables",
                "-o", exe.toString(), src.toString());
    }

    @Test
    void unwindsPlainCallChainLikeBacktrace() throws Exception {
        Unwind u = unwind("plain");
        u.assertMatchesBacktrace();
        assertEquals(List.of("capture_state", "snapshot", "f3", "f2", "f1", "main", "_start"), u.programFrames(), u.table());
    }

    @Test
    void unwindsFromSigsegvHandlerThroughRestoreRtIntoFaultingFunction() throws Exception {
        Unwind u = unwind("segv");
        u.assertMatchesBacktrace();
        assertEquals(List.of("capture_state", "snapshot", "handler", "crash", "f3", "f2", "f1", "main", "_start"),
                u.programFrames(), u.table());
        int crash = u.indexOf("crash");
        Regs interrupted = u.regs.get(crash);
        assertTrue(interrupted.unwoundFromSignalFrame(), u.table());
        assertFalse(interrupted.pcIsReturnAddress(), "the kernel saved the exact pc: " + u.table());
        // the frame above crash is __restore_rt in libc, reached from the handler by an ordinary return address
        Regs trampoline = u.regs.get(crash - 1);
        assertTrue(trampoline.pcIsReturnAddress());
        assertEquals(TestSupport.LIBC.toRealPath(), u.modulePath(crash - 1).toRealPath(), u.table());
        // crash() faults at its store through the null pointer: the pc is that instruction, not past it
        Module m = u.module(crash);
        String sym = m.elf.symbolize(interrupted.pc() - m.bias);
        assertTrue(sym.startsWith("crash+0x") && !sym.equals("crash+0x0"), sym);
        // registers restored from the ucontext: the unwinder recovered crash()'s rsp from the saved context
        assertTrue(interrupted.hasSp() && interrupted.sp() > u.regs.get(crash - 1).sp(), u.table());
    }

    @Test
    void unwindsFromSignalRaisedInsideLibc() throws Exception {
        Unwind u = unwind("raise");
        u.assertMatchesBacktrace();
        assertEquals(List.of("capture_state", "snapshot", "handler", "f3", "f2", "f1", "main", "_start"), u.programFrames(),
                u.table());
        // the signal interrupted libc (pthread_kill's syscall) with an exact pc, then raise() returns into f3
        int handler = u.indexOf("handler");
        Regs interrupted = u.regs.get(handler + 2);
        assertTrue(interrupted.unwoundFromSignalFrame() && !interrupted.pcIsReturnAddress(), u.table());
        assertEquals(TestSupport.LIBC.toRealPath(), u.modulePath(handler + 2).toRealPath(), u.table());
    }

    @Test
    void truncatedStackStopsWithUnreadableReturnAddress() throws Exception {
        Unwind full = unwind("plain");
        // keep only capture_state's own frame: the next step must report the missing word, not invent one
        Dump d = full.dump;
        TestSupport.RangeMemory mem = new TestSupport.RangeMemory().add(d.stackStart, Arrays.copyOf(d.stack, 8));
        Regs r0 = full.regs.get(0);
        Module m = full.module(0);
        StepResult first = CfiUnwinder.tryStep(Arch.X86_64, m.cfi, m.bias, r0, mem, true);
        assertEquals(Status.OK, first.status());
        Module m1 = full.module(1);
        StepResult second = CfiUnwinder.tryStep(Arch.X86_64, m1.cfi, m1.bias, first.regs(), mem, false);
        assertTrue(second.status() == Status.RA_UNAVAILABLE || second.status() == Status.CFA_UNAVAILABLE,
                second.toString());
        assertEquals(null, CfiUnwinder.step(Arch.X86_64, m1.cfi, m1.bias, first.regs(), mem, false));
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    record Mapping(long start, long end, long offset, String path) {
    }

    static final class Dump {
        long[] regs = new long[17];
        long stackStart;
        byte[] stack;
        List<Long> backtrace = new ArrayList<>();
        List<Mapping> maps = new ArrayList<>();
    }

    record Module(Path path, TestElf elf, EhFrame cfi, long bias) {
    }

    private static final Map<Path, TestElf> ELVES = new HashMap<>();

    private static Dump run(String mode) throws Exception {
        Path out = dir.resolve(mode + ".txt");
        TestSupport.run(dir, exe.toString(), mode, out.toString());
        Dump d = new Dump();
        long stackLen = -1;
        for (String line : Files.readAllLines(out)) {
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "reg": d.regs[Integer.parseInt(f[1])] = Long.parseUnsignedLong(f[2], 16); break;
                case "stack":
                    d.stackStart = Long.parseUnsignedLong(f[1], 16);
                    stackLen = Long.parseLong(f[2], 16);
                    break;
                case "bt": d.backtrace.add(Long.parseUnsignedLong(f[1], 16)); break;
                case "map": {
                    String[] range = f[1].split("-");
                    d.maps.add(new Mapping(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16),
                            Long.parseUnsignedLong(f[3], 16), f.length > 6 ? f[6] : ""));
                    break;
                }
                default: throw new IOException("bad dump line: " + line);
            }
        }
        d.stack = Files.readAllBytes(dir.resolve(mode + ".txt.stack"));
        assertEquals(stackLen, d.stack.length);
        return d;
    }

    /** The dumped stack plus the file-backed mappings, read from the files themselves. */
    private static Memory memory(Dump d) throws IOException {
        TestSupport.RangeMemory mem = new TestSupport.RangeMemory().add(d.stackStart, d.stack);
        for (Mapping m : d.maps) {
            if (m.path().startsWith("/") && Files.isRegularFile(Path.of(m.path()))) {
                byte[] file = elf(Path.of(m.path())).file.array();
                long len = Math.min(m.end() - m.start(), Math.max(0, file.length - m.offset()));
                if (len > 0) {
                    mem.add(m.start(), Arrays.copyOfRange(file, (int) m.offset(), (int) (m.offset() + len)));
                }
            }
        }
        return mem;
    }

    private static TestElf elf(Path p) throws IOException {
        TestElf e = ELVES.get(p);
        if (e == null) {
            e = new TestElf(p);
            ELVES.put(p, e);
        }
        return e;
    }

    private static Module moduleAt(Dump d, long addr) throws IOException {
        for (Mapping m : d.maps) {
            if (Long.compareUnsigned(addr, m.start()) >= 0 && Long.compareUnsigned(addr, m.end()) < 0) {
                if (!m.path().startsWith("/")) {
                    return null; // [vdso], anonymous: no file to read CFI from
                }
                Path p = Path.of(m.path());
                TestElf e = elf(p);
                return new Module(p, e, e.ehFrame(), e.loadBias(m.start(), m.offset()));
            }
        }
        return null;
    }

    final class Unwind {
        final String mode;
        final Dump dump;
        final List<Regs> regs = new ArrayList<>();
        final List<Module> modules = new ArrayList<>();
        StepResult last;

        Unwind(String mode, Dump dump) {
            this.mode = mode;
            this.dump = dump;
        }

        Module module(int i) {
            return modules.get(i);
        }

        Path modulePath(int i) {
            return modules.get(i).path();
        }

        String symbol(int i) {
            Module m = modules.get(i);
            if (m == null) {
                return "?";
            }
            Regs r = regs.get(i);
            long link = r.pc() - m.bias() - (r.pcIsReturnAddress() ? 1 : 0);
            String s = m.elf().symbolize(link);
            return s == null ? m.path().getFileName() + "@0x" + Long.toHexString(link) : s;
        }

        int indexOf(String function) {
            for (int i = 0; i < regs.size(); i++) {
                if (symbol(i).startsWith(function + "+")) {
                    return i;
                }
            }
            throw new AssertionError(function + " not in\n" + table());
        }

        /** Function names of the frames inside the test program, innermost first. */
        List<String> programFrames() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < regs.size(); i++) {
                if (modules.get(i) != null && modules.get(i).path().equals(exe)) {
                    String s = symbol(i);
                    if (!s.contains("@")) {
                        out.add(s.substring(0, s.indexOf('+')));
                    }
                }
            }
            return out;
        }

        /** Ours: [capture_state, snapshot(after capture_state), caller of snapshot, ...]; backtrace() called
         *  from snapshot: [snapshot(after backtrace), caller of snapshot, ...]. From the caller of snapshot on,
         *  ours[k+1] must equal bt[k], and both must end at the same outermost frame. */
        void assertMatchesBacktrace() {
            List<Long> bt = dump.backtrace;
            assertTrue(bt.size() >= 6, "backtrace() found only " + bt.size() + " frames\n" + table());
            assertEquals(Status.RA_UNDEFINED, last.status(), "unwinding should end at _start\n" + table());
            assertEquals(bt.size() + 1, regs.size(), "frame count vs backtrace()\n" + table());
            for (int k = 1; k < bt.size(); k++) {
                assertEquals(bt.get(k).longValue(), regs.get(k + 1).pc(), "frame " + (k + 1) + "\n" + table());
            }
            assertEquals(dump.regs[16], regs.get(0).pc());
            assertTrue(symbol(1).startsWith("snapshot+"), table());
        }

        String table() {
            StringBuilder sb = new StringBuilder("mode " + mode + ", last step: " + last + "\n");
            for (int i = 0; i < Math.max(regs.size(), dump.backtrace.size() + 1); i++) {
                String ours = i < regs.size()
                        ? String.format("%016x %-40s%s", regs.get(i).pc(), symbol(i),
                                regs.get(i).unwoundFromSignalFrame() ? " [after signal]" : "")
                        : "-";
                String theirs = i >= 1 && i - 1 < dump.backtrace.size()
                        ? String.format("%016x", dump.backtrace.get(i - 1)) : "-";
                sb.append(String.format("#%-2d %-80s backtrace: %s%n", i, ours, theirs));
            }
            return sb.toString();
        }
    }

    private Unwind unwind(String mode) throws Exception {
        Dump d = run(mode);
        Memory mem = memory(d);
        boolean[] known = new boolean[17];
        Arrays.fill(known, true);
        Unwind u = new Unwind(mode, d);
        Regs r = Regs.of(Arch.X86_64, d.regs, known);
        for (int i = 0; i < 64; i++) {
            Module m = moduleAt(d, r.pc() - (r.pcIsReturnAddress() ? 1 : 0));
            u.regs.add(r);
            u.modules.add(m);
            if (m == null) {
                break;
            }
            u.last = CfiUnwinder.tryStep(Arch.X86_64, m.cfi(), m.bias(), r, mem, i == 0);
            if (u.last.status() != Status.OK) {
                break;
            }
            r = u.last.regs();
        }
        return u;
    }
}
