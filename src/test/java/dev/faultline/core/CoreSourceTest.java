package dev.faultline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.core.CoreInputException.Reason;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CoreSource} on real inputs: ELF files compressed by the real zstd, xz and lz4 tools (scripts/test.sh
 * installs them), cut short, damaged, empty, missing.
 */
class CoreSourceTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** Where CoreSource writes its temporary files; checked to be empty after every failure and close(). */
    Path work;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectory(tmp.resolve("work"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    private static void run(List<String> cmd, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), "failed: " + cmd);
    }

    /** Compresses {@code in} with the real command-line tool; skips the test when the tool is missing. */
    private Path compress(Path in, String format) throws IOException, InterruptedException {
        String tool = format.equals("zstd") ? "zstd" : format.equals("xz") ? "xz" : "lz4";
        Assumptions.assumeTrue(onPath(tool), tool + " is not installed (scripts/test.sh installs it: apt-get install "
                + (tool.equals("xz") ? "xz-utils" : tool) + ")");
        Path out = tmp.resolve(in.getFileName() + "." + format);
        switch (format) {
            case "zstd" -> run(List.of("zstd", "-q", "-f", "-3", in.toString(), "-o", out.toString()), null);
            case "xz" -> run(List.of("xz", "-c", "-1", in.toString()), out);
            case "lz4" -> run(List.of("lz4", "-q", "-f", in.toString(), out.toString()), null);
            default -> throw new IllegalArgumentException(format);
        }
        return out;
    }

    /**
     * A core-like ELF file: /bin/true's bytes (a real ELF header), then a 64 MiB zero run, 200 KiB of random data,
     * and 1 MiB of zeros at the end (so the final length has to be set, not written).
     */
    private Path bigZeroRunElf() throws IOException {
        Path f = tmp.resolve("zerorun.elf");
        byte[] head = Files.readAllBytes(Path.of("/bin/true"));
        byte[] noise = new byte[200 * 1024];
        new Random(42).nextBytes(noise);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head);
            raf.seek(head.length + 64 * MIB);
            raf.write(noise);
            raf.setLength(head.length + 64 * MIB + noise.length + MIB);
        }
        return f;
    }

    /** A smaller real ELF file with no long zero runs. */
    private Path smallElf() throws IOException {
        Path f = tmp.resolve("true.elf");
        Files.copy(Path.of("/bin/true"), f);
        return f;
    }

    /** Disk blocks actually allocated to {@code f}, in bytes ({@code stat -c %b} counts 512-byte blocks). */
    private static long allocated(Path f) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b", f.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "stat failed");
        return Long.parseLong(out) * 512;
    }

    private void assertWorkEmpty() throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(), s.toList(), "temporary files left behind in " + work);
        }
    }

    private CoreInputException fails(Path file, Reason reason) throws IOException {
        CoreInputException e = assertThrows(CoreInputException.class, () -> CoreSource.open(file, work).close());
        assertEquals(reason, e.reason, e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertWorkEmpty();
        return e;
    }

    // ------------------------------------------------------------------------------------------------- tests

    @Test
    void uncompressedElfIsUsedInPlace() throws Exception {
        Path elf = smallElf();
        try (CoreSource s = CoreSource.open(elf, work)) {
            assertEquals("none", s.compression());
            assertEquals(elf, s.path());
            assertFalse(s.isTemporary());
        }
        assertTrue(Files.exists(elf), "close() must not delete the user's file");
        assertWorkEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "xz", "lz4"})
    void decompressesARealElfByteForByte(String format) throws Exception {
        Path elf = smallElf();
        Path packed = compress(elf, format);
        Path renamed = tmp.resolve("no-extension"); // detection is by magic, not by name
        Files.move(packed, renamed);
        Path out;
        try (CoreSource s = CoreSource.open(renamed, work)) {
            assertEquals(format, s.compression());
            assertTrue(s.isTemporary());
            out = s.path();
            assertEquals(work, out.getParent());
            assertEquals(-1, Files.mismatch(elf, out), "decompressed bytes differ from the original");
        }
        assertFalse(Files.exists(out), "close() deletes the temporary file");
        assertWorkEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "xz", "lz4"})
    void zeroRunsBecomeHoles(String format) throws Exception {
        Path elf = bigZeroRunElf();
        Path packed = compress(elf, format);
        try (CoreSource s = CoreSource.open(packed, work)) {
            Path out = s.path();
            assertEquals(Files.size(elf), Files.size(out), "final length (trailing zeros are a hole too)");
            assertEquals(-1, Files.mismatch(elf, out), "decompressed bytes differ from the original");
            long used = allocated(out);
            assertTrue(used < 8 * MIB, "a " + Files.size(out) + "-byte file with a 64 MiB zero run should be sparse,"
                    + " but " + used + " bytes are allocated");
        }
        assertWorkEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "xz", "lz4"})
    void streamCutInHalfEndsEarly(String format) throws Exception {
        Path packed = compress(bigZeroRunElf(), format);
        byte[] all = Files.readAllBytes(packed);
        Path half = tmp.resolve("half." + format);
        Files.write(half, java.util.Arrays.copyOf(all, all.length / 2));
        CoreInputException e = fails(half, Reason.DECOMPRESS);
        assertTrue(e.getMessage().contains("is " + (format.equals("zstd") ? "a " : "an ") + format
                + " stream that ends early at byte " + all.length / 2), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "xz", "lz4"})
    void garbageAfterTheMagicIsADecompressError(String format) throws Exception {
        Path packed = compress(smallElf(), format);
        byte[] all = Files.readAllBytes(packed);
        int magic = format.equals("xz") ? 6 : 4;
        byte[] junk = new byte[64 * 1024];
        new Random(7).nextBytes(junk);
        System.arraycopy(all, 0, junk, 0, magic);
        Path bad = tmp.resolve("garbage." + format);
        Files.write(bad, junk);
        CoreInputException e = fails(bad, Reason.DECOMPRESS);
        assertTrue(e.getMessage().contains(format + " stream that "), e.getMessage());
    }

    @Test
    void damagedMiddleIsCorrupt() throws Exception {
        Path packed = compress(smallElf(), "xz");
        byte[] all = Files.readAllBytes(packed);
        for (int i = 100; i < all.length - 100; i += 101) {
            all[i] ^= 0x5a;
        }
        Path bad = tmp.resolve("damaged.xz");
        Files.write(bad, all);
        CoreInputException e = fails(bad, Reason.DECOMPRESS);
        assertTrue(e.getMessage().contains("is an xz stream that is corrupt at or before byte "), e.getMessage());
    }

    @Test
    void outputOverTheCapIsRefused() throws Exception {
        Path packed = compress(bigZeroRunElf(), "zstd");
        CoreInputException e = assertThrows(CoreInputException.class, () -> CoreSource.open(packed, work, 16 * MIB));
        assertEquals(Reason.DECOMPRESS, e.reason);
        assertTrue(e.getMessage().contains("decompresses to more than 16 MiB"), e.getMessage());
        assertWorkEmpty();
    }

    @Test
    void compressedDataThatIsNotElf() throws Exception {
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "not a core\n".repeat(1000));
        CoreInputException e = fails(compress(text, "zstd"), Reason.NOT_ELF);
        assertTrue(e.getMessage().contains("not an ELF file"), e.getMessage());
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Files.createFile(tmp.resolve("core.empty"));
        fails(f, Reason.EMPTY);
    }

    @Test
    void missingFile() throws Exception {
        fails(tmp.resolve("no-such-core"), Reason.NOT_FOUND);
    }

    @Test
    void directory() throws Exception {
        fails(Files.createDirectory(tmp.resolve("adir")), Reason.IS_DIRECTORY);
    }

    @Test
    void unknownMagicIsNotElf() throws Exception {
        Path f = tmp.resolve("text");
        Files.writeString(f, "hello, this is not a core\n");
        fails(f, Reason.NOT_ELF);
    }

    @Test
    void shorterThanTheMagicIsTruncated() throws Exception {
        Path f = tmp.resolve("stub");
        Files.write(f, new byte[] {0x7f, 'E'});
        fails(f, Reason.TRUNCATED);
    }

    @Test
    void unreadableFile() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "running as root: every file is readable, so NO_PERMISSION cannot be provoked");
        Path f = smallElf();
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        fails(f, Reason.NO_PERMISSION);
    }

    @Test
    void missingTempDirIsAnIoError() throws Exception {
        Path packed = compress(smallElf(), "zstd");
        CoreInputException e = assertThrows(CoreInputException.class,
                () -> CoreSource.open(packed, tmp.resolve("gone"), CoreSource.DEFAULT_MAX_OUTPUT));
        assertEquals(Reason.IO, e.reason, e.getMessage());
        assertTrue(e.getMessage().contains("gone"), e.getMessage());
    }

    @Test
    void fullDiskIsAnIoErrorAndLeavesNothingBehind() throws Exception {
        // Needs a small filesystem: a 2 MiB tmpfs, which only root (with CAP_SYS_ADMIN) can mount.
        Path elf = tmp.resolve("noisy.elf");
        byte[] data = new byte[(int) (6 * MIB)];
        new Random(1).nextBytes(data);
        System.arraycopy(Files.readAllBytes(Path.of("/bin/true")), 0, data, 0, 64);
        Files.write(elf, data);
        Path packed = compress(elf, "zstd");
        Path small = Files.createDirectory(tmp.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (needs root); disk-full not tested");
        try {
            CoreInputException e = assertThrows(CoreInputException.class,
                    () -> CoreSource.open(packed, small, CoreSource.DEFAULT_MAX_OUTPUT));
            assertEquals(Reason.IO, e.reason, e.getMessage());
            assertTrue(e.getMessage().contains("no space left"), e.getMessage());
            try (Stream<Path> s = Files.list(small)) {
                assertEquals(List.of(), s.toList(), "the half-written temporary file must be deleted");
            }
        } finally {
            Process umount = new ProcessBuilder("umount", small.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(umount.waitFor(20, TimeUnit.SECONDS));
            assertNotEquals(-1, umount.exitValue());
        }
    }
}
