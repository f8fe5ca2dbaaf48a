package dev.faultline.core;

import dev.faultline.core.CoreInputException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ELF core file, read in place: the headers and the PT_NOTE are parsed at once; memory pages are read only
 * when asked for, through {@link #memory()}. Note layouts are in BRIEF §3 and in each parser below.
 */
public final class CoreFile implements AutoCloseable {
    public static final long AT_PHDR = 3;
    public static final long AT_UID = 11;
    public static final long AT_EUID = 12;
    public static final long AT_EXECFN = 31;
    public static final long AT_SYSINFO_EHDR = 33;

    private final MappedFile file;
    private final ElfImage elf;
    public final Arch arch;
    private final List<CoreThread> threads = new ArrayList<>();
    private ProcessInfo process;
    private SignalInfo signal;
    private final Map<Long, Long> auxv = new LinkedHashMap<>();
    private final List<FileMapping> files = new ArrayList<>();
    private final List<ElfImage.Segment> loads = new ArrayList<>();
    private final List<String> notesSeen = new ArrayList<>();
    private long missingBytes;
    private final CoreMemory memory;

    private CoreFile(MappedFile file, ElfImage elf, Arch arch, Map<String, Path> substitutes) {
        this.file = file;
        this.elf = elf;
        this.arch = arch;
        for (ElfImage.Segment s : elf.segments()) {
            if (s.type() == ElfImage.PT_LOAD) {
                loads.add(s);
                long end = s.offset() + s.filesz();
                if (s.filesz() > 0 && (end > file.size() || end < 0)) {
                    missingBytes += Math.min(s.filesz(), end - Math.max(s.offset(), file.size()));
                }
            }
        }
        loads.sort((a, b) -> Long.compareUnsigned(a.vaddr(), b.vaddr()));
        for (ElfImage.Segment s : elf.segments()) {
            if (s.type() == ElfImage.PT_NOTE) {
                if (s.filesz() > (64 << 20)) {
                    throw new ElfFormatException("the note segment claims " + s.filesz() + " bytes");
                }
                byte[] seg = file.bytes(s.offset(), (int) s.filesz(), "note segment");
                for (Notes.Note n : Notes.parse(seg, s.offset())) {
                    readNote(seg, n);
                }
            }
        }
        this.memory = new CoreMemory(file, loads, files, substitutes);
    }

    /**
     * Opens a core. {@code substitutes} maps a path named in the core to the file to read instead (--exe).
     * A core whose memory segments run past the end of the file is refused unless {@code allowTruncated}.
     */
    public static CoreFile open(Path path, Map<String, Path> substitutes, boolean allowTruncated) throws CoreInputException {
        if (Files.isDirectory(path)) {
            throw new CoreInputException(Reason.IS_DIRECTORY, path + " is a directory, not a core file");
        }
        MappedFile file;
        try {
            file = new MappedFile(path);
        } catch (NoSuchFileException e) {
            throw new CoreInputException(Reason.NOT_FOUND, path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new CoreInputException(Reason.NO_PERMISSION, path + ": permission denied (cores are usually readable only by root or their owner)");
        } catch (IOException e) {
            throw new CoreInputException(Reason.IO, path + ": " + e.getMessage());
        }
        boolean ok = false;
        try {
            CoreFile core = open(file, path, substitutes);
            if (core.missingBytes > 0 && !allowTruncated) {
                throw new CoreInputException(Reason.TRUNCATED, String.format(
                        "%s is truncated: %d bytes long, but its memory segments need %d more (a core size limit or a full disk?); "
                        + "--allow-truncated reads what is there", path, file.size(), core.missingBytes));
            }
            ok = true;
            return core;
        } finally {
            if (!ok) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private static CoreFile open(MappedFile file, Path path, Map<String, Path> substitutes) throws CoreInputException {
        if (file.size() == 0) {
            throw new CoreInputException(Reason.EMPTY, path + " is empty (0 bytes)");
        }
        byte[] ident = new byte[64];
        int n = file.read(0, ident, 0, 64);
        switch (ElfImage.kind(java.util.Arrays.copyOf(ident, n))) {
            case NOT_ELF:
                throw new CoreInputException(Reason.NOT_ELF, path + " is not an ELF file (no \\x7fELF magic)"
                        + (looksCompressed(ident) ? "; it looks compressed, which faultline core reads: is it complete?" : ""));
            case ELF32:
                throw new CoreInputException(Reason.WRONG_ARCH, path + " is a 32-bit ELF file; faultline reads 64-bit x86_64 and aarch64 cores");
            case BIG_ENDIAN:
                throw new CoreInputException(Reason.WRONG_ARCH, path + " is a big-endian ELF file; faultline reads x86_64 and aarch64 cores");
            default:
                break;
        }
        if (n < 64) {
            throw new CoreInputException(Reason.TRUNCATED, path + " is truncated: " + n + " bytes, shorter than an ELF header");
        }
        try {
            ElfImage elf = new ElfImage(file);
            if (elf.type != ElfImage.ET_CORE) {
                throw new CoreInputException(Reason.NOT_CORE, path + " is an ELF " + elfTypeName(elf.type)
                        + ", not a core dump");
            }
            Arch arch = Arch.ofElfMachine(elf.machine);
            if (arch == null) {
                throw new CoreInputException(Reason.WRONG_ARCH, path + " is a core for ELF machine " + elf.machine
                        + "; faultline reads x86_64 (62) and aarch64 (183) cores");
            }
            return new CoreFile(file, elf, arch, substitutes);
        } catch (ElfFormatException e) {
            throw new CoreInputException(e.truncated ? Reason.TRUNCATED : Reason.CORRUPT,
                    path + (e.truncated ? " is truncated: " : ": ") + e.getMessage());
        }
    }

    private static boolean looksCompressed(byte[] b) {
        return (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 || (b[0] & 0xff) == 0xfd && b[1] == '7'
                || b[0] == 0x04 && b[1] == 0x22;
    }

    private static String elfTypeName(int type) {
        switch (type) {
            case ElfImage.ET_EXEC: return "executable";
            case ElfImage.ET_DYN: return "shared object or PIE executable";
            case 1: return "relocatable object";
            default: return "file of type " + type;
        }
    }

    private void readNote(byte[] seg, Notes.Note n) {
        int d = n.descOffset();
        boolean core = n.name().equals("CORE");
        boolean linux = n.name().equals("LINUX");
        if (!core && !linux) {
            return;
        }
        switch (n.type()) {
            case Notes.NT_PRSTATUS:
                if (core) {
                    readPrstatus(seg, d, n.descSize());
                }
                break;
            case Notes.NT_PRPSINFO:
                if (core && n.descSize() >= 136) {
                    notesSeen.add("NT_PRPSINFO");
                    process = new ProcessInfo(Le.s32(seg, d + 24), Le.s32(seg, d + 28), Le.u32(seg, d + 16),
                            Le.u32(seg, d + 20), Le.cstring(seg, d + 40, 16), Le.cstring(seg, d + 56, 80).trim());
                }
                break;
            case Notes.NT_SIGINFO:
                // The kernel writes one NT_SIGINFO, the dumping thread's. gdb's gcore writes one per thread, the
                // signalled thread's first and SIGSTOP/SI_TKILL (its own all-stop) for the others: the first wins.
                if (n.descSize() >= 128 && signal == null) {
                    notesSeen.add("NT_SIGINFO");
                    int code = Le.s32(seg, d + 8);
                    signal = new SignalInfo(Le.s32(seg, d), Le.s32(seg, d + 4), code, Le.u64(seg, d + 16),
                            code <= 0 ? Le.s32(seg, d + 16) : 0, code <= 0 ? Le.u32(seg, d + 20) : -1);
                }
                break;
            case Notes.NT_AUXV:
                if (core) {
                    notesSeen.add("NT_AUXV");
                    for (int o = 0; o + 16 <= n.descSize(); o += 16) {
                        long type = Le.u64(seg, d + o);
                        if (type == 0) {
                            break;
                        }
                        auxv.put(type, Le.u64(seg, d + o + 8));
                    }
                }
                break;
            case Notes.NT_FILE:
                if (core) {
                    notesSeen.add("NT_FILE");
                    readFileNote(seg, d, n.descSize());
                }
                break;
            default:
                break;
        }
    }

    private void readPrstatus(byte[] seg, int d, int size) {
        int words = Registers.wordCount(arch);
        if (size < 112 + words * 8) {
            throw new ElfFormatException("NT_PRSTATUS of " + size + " bytes is too small for " + arch.label + " registers");
        }
        if (threads.isEmpty()) {
            notesSeen.add("NT_PRSTATUS");
        }
        long[] regs = new long[words];
        for (int i = 0; i < words; i++) {
            regs[i] = Le.u64(seg, d + 112 + i * 8);
        }
        threads.add(new CoreThread(threads.size(), Le.s32(seg, d + 32), Le.s32(seg, d + 36), Le.u16(seg, d + 12),
                new Registers(arch, regs)));
    }

    /** NT_FILE: count, page_size, count × {start, end, file offset in pages}, then count NUL-terminated names. */
    private void readFileNote(byte[] seg, int d, int size) {
        if (size < 16) {
            throw new ElfFormatException("NT_FILE of " + size + " bytes has no header");
        }
        long count = Le.u64(seg, d);
        long pageSize = Le.u64(seg, d + 8);
        if (count > (size - 16) / 24) {
            throw new ElfFormatException("NT_FILE says " + count + " mappings, but its " + size + "-byte note holds at most "
                    + (size - 16) / 24);
        }
        if (pageSize == 0 || pageSize > (1L << 30) || Long.bitCount(pageSize) != 1) {
            throw new ElfFormatException("NT_FILE page size " + pageSize + " is not a power of two");
        }
        int names = d + 16 + (int) count * 24;
        int end = d + size;
        for (int i = 0; i < count; i++) {
            int e = d + 16 + i * 24;
            int stop = names;
            while (stop < end && seg[stop] != 0) {
                stop++;
            }
            String name = new String(seg, names, stop - names, StandardCharsets.UTF_8);
            names = Math.min(stop + 1, end);
            files.add(new FileMapping(Le.u64(seg, e), Le.u64(seg, e + 8), Le.u64(seg, e + 16) * pageSize, name));
        }
    }

    public MappedFile file() {
        return file;
    }

    public List<CoreThread> threads() {
        return Collections.unmodifiableList(threads);
    }

    /** NT_PRPSINFO, or null (qemu and some gcore cores). */
    public ProcessInfo process() {
        return process;
    }

    /** NT_SIGINFO, or null (gcore, qemu-user). */
    public SignalInfo signal() {
        return signal;
    }

    public Map<Long, Long> auxv() {
        return Collections.unmodifiableMap(auxv);
    }

    public List<FileMapping> files() {
        return Collections.unmodifiableList(files);
    }

    public List<ElfImage.Segment> loads() {
        return Collections.unmodifiableList(loads);
    }

    public List<String> notesSeen() {
        return Collections.unmodifiableList(notesSeen);
    }

    /** Bytes of dumped memory that lie past the end of a truncated core. */
    public long missingBytes() {
        return missingBytes;
    }

    public CoreMemory memory() {
        return memory;
    }

    /** The mapping holding {@code addr}, or null (anonymous, stack, vdso). */
    public FileMapping mappingAt(long addr) {
        for (FileMapping m : files) {
            if (m.contains(addr)) {
                return m;
            }
        }
        return null;
    }

    /** The PT_LOAD holding {@code addr}, or null. */
    public ElfImage.Segment loadAt(long addr) {
        return memory.segmentAt(addr);
    }

    /** The executable: the mapping holding AT_PHDR, else the first NT_FILE entry. */
    public String executable() {
        Long phdr = auxv.get(AT_PHDR);
        if (phdr != null) {
            FileMapping m = mappingAt(phdr);
            if (m != null) {
                return m.path();
            }
        }
        return files.isEmpty() ? null : files.get(0).path();
    }

    /** AT_EXECFN: the path given to execve, read from the dumped stack. */
    public String execFn() {
        Long p = auxv.get(AT_EXECFN);
        return p == null ? null : memory.cstring(p, 4096);
    }

    @Override
    public void close() throws IOException {
        memory.close();
        file.close();
    }
}
