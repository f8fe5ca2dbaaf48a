package dev.faultline.core.unwind;

import dev.faultline.linux.Memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

final class TestSupport {
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    /** DWARF x86_64 register names as binutils prints them. */
    static final List<String> X86_REGS = List.of("rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip");

    private TestSupport() {
    }

    static void assumeX8664Linux() {
        String arch = System.getProperty("os.arch", "");
        assumeTrue(arch.equals("amd64") || arch.equals("x86_64"),
                "these tests read real x86_64 binaries and run x86_64 code; this JVM is on " + arch);
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "these tests need Linux (/proc, glibc)");
    }

    static void assumeLibc() {
        assumeX8664Linux();
        assumeTrue(Files.isReadable(LIBC), "no " + LIBC);
    }

    /** Runs a command, returns stdout; fails on a non-zero exit or after 60 s. */
    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("unwind-test", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Memory made of byte ranges (a sparse address space); reads stop at the first byte not covered. */
    static final class RangeMemory implements Memory {
        private final TreeMap<Long, byte[]> ranges = new TreeMap<>(Long::compareUnsigned);

        RangeMemory add(long vaddr, byte[] bytes) {
            ranges.put(vaddr, bytes);
            return this;
        }

        RangeMemory putU64(long vaddr, long value) {
            byte[] b = new byte[8];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (value >>> (8 * i));
            }
            return add(vaddr, b);
        }

        @Override
        public int read(long vaddr, byte[] dst, int off, int len) {
            int done = 0;
            while (done < len) {
                long a = vaddr + done;
                var e = ranges.floorEntry(a);
                if (e == null) {
                    break;
                }
                long rel = a - e.getKey();
                byte[] b = e.getValue();
                if (rel < 0 || rel >= b.length) {
                    break;
                }
                int n = (int) Math.min(len - done, b.length - rel);
                System.arraycopy(b, (int) rel, dst, off + done, n);
                done += n;
            }
            return done;
        }
    }
}
