package dev.faultline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import dev.faultline.cli.ExitCodes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad core gets one line on stderr and its own exit code; never a stack trace. */
class CoreBadInputTest {
    @TempDir
    Path dir;

    private static Cli expect(int code, Path file, String... extra) {
        String[] args = new String[2 + extra.length];
        args[0] = "core";
        args[1] = file.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        Cli r = Cli.run(args);
        assertEquals(code, r.exit, () -> "exit code for " + file.getFileName() + "; stderr: " + r.err);
        assertEquals("", r.out, "nothing on stdout");
        String err = r.err.strip();
        assertFalse(err.contains("\n"), () -> "one line: " + r.err);
        assertTrue(err.startsWith("faultline: "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        return r;
    }

    private byte[] realCore() throws Exception {
        return Files.readAllBytes(CrashCores.get("deadbeef").core());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The file offset of the first PT_NOTE's data (the kernel writes it first, right after the headers). */
    private static int noteOffset(byte[] core) {
        ByteBuffer b = ByteBuffer.wrap(core).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(32);
        int phnum = b.getShort(56) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            int o = (int) phoff + i * 56;
            if (b.getInt(o) == 4) {
                return (int) b.getLong(o + 8);
            }
        }
        throw new AssertionError("no PT_NOTE");
    }

    /** The offset of the desc of the first note of {@code type}. */
    private static int noteDesc(byte[] core, int type) {
        ByteBuffer b = ByteBuffer.wrap(core).order(ByteOrder.LITTLE_ENDIAN);
        int o = noteOffset(core);
        while (true) {
            int namesz = b.getInt(o);
            int descsz = b.getInt(o + 4);
            int t = b.getInt(o + 8);
            int desc = o + 12 + ((namesz + 3) & ~3);
            if (t == type) {
                return desc;
            }
            o = desc + ((descsz + 3) & ~3);
        }
    }

    @Test
    void missingFileDirectoryAndEmptyFile() throws Exception {
        expect(ExitCodes.NOT_FOUND, dir.resolve("no-such-core"));
        expect(ExitCodes.IS_DIRECTORY, dir);
        expect(ExitCodes.EMPTY, write("empty", new byte[0]));
    }

    @Test
    void notElfAndNotACore() throws Exception {
        Cli r = expect(ExitCodes.NOT_ELF, write("text", "this is not a core\n".getBytes()));
        assertTrue(r.err.contains("ELF"), r.err);
        r = expect(ExitCodes.NOT_A_CORE, Path.of("/bin/true").toRealPath());
        assertTrue(r.err.contains("not a core dump"), r.err);
    }

    @Test
    void truncatedCores() throws Exception {
        byte[] core = Files.readAllBytes(CrashCores.get("deadbeef", "a", "kernel").core());
        expect(ExitCodes.CORE_TRUNCATED, write("cut-in-header", Arrays.copyOf(core, 40)));
        expect(ExitCodes.CORE_TRUNCATED, write("cut-in-notes", Arrays.copyOf(core, noteOffset(core) + 100)));
        // the kernel writes the notes first, so a core cut in its memory keeps every thread and the signal
        Path half = write("cut-in-memory", Arrays.copyOf(core, core.length / 2));
        assertTrue(noteOffset(core) + 20000 < core.length / 2, "the kernel's notes come before its memory");
        Cli r = expect(ExitCodes.CORE_TRUNCATED, half);
        assertTrue(r.err.contains("--allow-truncated"), r.err);
        Cli allowed = Cli.run("core", half.toString(), "--allow-truncated");
        assertTrue(Cli.analyzed(allowed.exit), allowed.err);
        assertTrue(allowed.out.contains("SIGSEGV") && allowed.out.contains("warning: the core is truncated"), allowed.out);
    }

    /** gdb's gcore writes the notes last: cut anywhere in its memory, the threads and the signal are gone. */
    @Test
    void aGcoreCoreCutInItsMemoryHasNoNotesLeft() throws Exception {
        byte[] core = Files.readAllBytes(CrashCores.get("deadbeef", "a", "gdb").core());
        assertTrue(noteOffset(core) > core.length / 2, "gcore's notes come after its memory");
        Path half = write("gcore-cut-in-memory", Arrays.copyOf(core, core.length / 2));
        Cli r = expect(ExitCodes.CORE_TRUNCATED, half);
        assertTrue(r.err.contains("is truncated: note segment"), r.err);
        expect(ExitCodes.CORE_TRUNCATED, half, "--allow-truncated");
    }

    @Test
    void wrongArchitecture() throws Exception {
        byte[] elf32 = realCore();
        elf32[4] = 1;
        expect(ExitCodes.WRONG_ARCH, write("elf32", elf32));
        byte[] bigEndian = realCore();
        bigEndian[5] = 2;
        expect(ExitCodes.WRONG_ARCH, write("big-endian", bigEndian));
        byte[] arm = realCore();
        arm[18] = 40; // EM_ARM
        arm[19] = 0;
        Cli r = expect(ExitCodes.WRONG_ARCH, write("arm", arm));
        assertTrue(r.err.contains("machine 40"), r.err);
    }

    @Test
    void lyingNoteSizeAndOverflowingFileCount() throws Exception {
        byte[] lying = realCore();
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(noteOffset(lying) + 4, 0x7ffffff0);
        Cli r = expect(ExitCodes.CORE_CORRUPT, write("lying-note", lying));
        assertTrue(r.err.contains("claims"), r.err);

        byte[] overflow = realCore();
        int desc = noteDesc(overflow, 0x46494c45);
        ByteBuffer.wrap(overflow).order(ByteOrder.LITTLE_ENDIAN).putLong(desc, 0x0aaaaaaaaaaaaaabL); // × 24 wraps to a small number
        r = expect(ExitCodes.CORE_CORRUPT, write("file-count", overflow));
        assertTrue(r.err.contains("NT_FILE"), r.err);

        byte[] phnum = realCore();
        ByteBuffer.wrap(phnum).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 0xfffe);
        assertTrue(0xfffe * 56 > phnum.length, "the lie must exceed the file");
        expect(ExitCodes.CORE_TRUNCATED, write("phnum", phnum));
    }

    @Test
    void untrustedStringsAreEscaped() throws Exception {
        byte[] bell = "\u001b]0;pwned\u0007 not a core".getBytes();
        Path p = write("esc\u001b[31mname", bell);
        Cli r = expect(ExitCodes.NOT_ELF, p);
        assertFalse(r.err.contains("\u001b"), "no raw escape reaches the terminal: " + r.err);
    }
}
