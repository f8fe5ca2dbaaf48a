package dev.faultline.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faultline.cli.CoreCommand;
import dev.faultline.core.CoreInputException;
import dev.faultline.core.CoreReport;
import dev.faultline.report.CoreJson;
import dev.faultline.report.CoreText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the ELF core reader through the CLI's own entry point ({@link CoreCommand#read}): decompression sniffing,
 * headers, notes, memory, modules, signal frames, unwinding, and both renderers. Contract: bad input surfaces only
 * as {@link CoreInputException}; nothing else escapes, nothing hangs, nothing allocates by an untrusted size.
 * Regression seeds live in {@code src/test/resources/dev/faultline/fuzz/CoreFileFuzzTestInputs/<method>/}.
 */
class CoreFileFuzzTest {
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;

    private static Path file;

    private static Path file() throws IOException {
        if (file == null) {
            file = Files.createTempFile("faultline-corefuzz-", ".core");
            file.toFile().deleteOnExit();
        }
        return file;
    }

    private static void read(byte[] bytes) throws IOException {
        Files.write(file(), bytes);
        try {
            CoreReport r = CoreCommand.read(file(), null, true, null).report();
            CoreJson.render(r);
            CoreText.render(r);
        } catch (CoreInputException expected) {
            // documented: one line and an exit code
        }
    }

    /** Arbitrary bytes as a core file. */
    @FuzzTest(maxDuration = "10s")
    void fuzzCoreBytes(byte[] data) throws IOException {
        read(data);
    }

    /**
     * A structurally valid ELF core header and note segment around fuzzed notes (PRSTATUS, PRPSINFO, SIGINFO, AUXV,
     * FILE with fuzzed counts and names) and fuzzed PT_LOADs, so the fuzzer spends its time past the magic checks.
     */
    @FuzzTest(maxDuration = "10s")
    void fuzzStructuredCore(FuzzedDataProvider in) throws IOException {
        int loads = in.consumeInt(0, 6);
        ByteBuffer notes = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int noteCount = in.consumeInt(0, 8);
        for (int i = 0; i < noteCount && notes.remaining() > 4096; i++) {
            int type = switch (in.consumeInt(0, 5)) {
                case 0 -> 1;            // NT_PRSTATUS
                case 1 -> 3;            // NT_PRPSINFO
                case 2 -> 0x53494749;   // NT_SIGINFO
                case 3 -> 6;            // NT_AUXV
                case 4 -> 0x46494c45;   // NT_FILE
                default -> in.consumeInt();
            };
            byte[] desc;
            if (type == 0x46494c45 && in.consumeBoolean()) {
                int count = in.consumeInt(0, 6);
                ByteBuffer f = ByteBuffer.allocate(16 + count * 24 + 256).order(ByteOrder.LITTLE_ENDIAN);
                f.putLong(in.consumeBoolean() ? count : in.consumeLong());
                f.putLong(in.consumeBoolean() ? 4096 : in.consumeLong());
                for (int k = 0; k < count; k++) {
                    long start = in.consumeLong(0, 1L << 47) & ~0xfffL;
                    f.putLong(start).putLong(start + in.consumeLong(0, 1 << 24)).putLong(in.consumeLong(0, 1 << 20));
                }
                byte[] names = in.consumeBytes(Math.min(f.remaining(), 200));
                f.put(names);
                desc = java.util.Arrays.copyOf(f.array(), f.position());
            } else {
                desc = in.consumeBytes(in.consumeInt(0, 600));
            }
            boolean lie = in.consumeProbabilityFloat() < 0.05f;
            notes.putInt(5).putInt(lie ? in.consumeInt() : desc.length).putInt(type);
            notes.put("CORE\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
            notes.put(desc);
            while (notes.position() % 4 != 0) {
                notes.put((byte) 0);
            }
        }
        int phnum = 1 + loads;
        int noteOff = 64 + phnum * 56;
        int noteLen = notes.position();
        byte[] payload = in.consumeRemainingAsBytes();
        ByteBuffer b = ByteBuffer.allocate(noteOff + noteLen + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 4).putShort((short) 62).putInt(1).putLong(0).putLong(64).putLong(0).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        b.position(64);
        b.putInt(PT_NOTE).putInt(0).putLong(noteOff).putLong(0).putLong(0).putLong(noteLen).putLong(0).putLong(1);
        long off = noteOff + noteLen;
        for (int i = 0; i < loads; i++) {
            long vaddr = 0x7ff000000000L + i * 0x100000L;
            long size = Math.max(0, Math.min(payload.length / Math.max(1, loads), 0x100000));
            b.putInt(PT_LOAD).putInt(6 | (i == 0 ? 1 : 0)).putLong(off).putLong(vaddr).putLong(0).putLong(size).putLong(size)
                    .putLong(4096);
            off += size;
        }
        b.position(noteOff);
        b.put(notes.array(), 0, noteLen);
        b.put(payload);
        read(b.array());
    }
}
