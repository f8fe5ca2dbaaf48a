package dev.faultline.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file mapped into the crashed process (executable or shared library), from its NT_FILE entries. Its offsets
 * are relative to {@link #base()}, the start of the mapping of file offset 0, so {@code module+offset} stays the
 * same across ASLR runs. Symbols and CFI come from the file on disk, loaded on first use; the build-id read from
 * the core's copy of the module header tells whether that file is still the one that crashed.
 */
public final class MappedModule {
    public enum DiskState { MATCH, MISMATCH, MISSING, NO_BUILD_ID }

    private static final Path DEBUG_ROOT = Path.of("/usr/lib/debug/.build-id");

    private final String path;
    private final List<FileMapping> mappings = new ArrayList<>();
    private final CoreMemory memory;
    private String coreBuildId;
    private boolean loaded;
    private ElfImage disk;
    private String diskBuildId;
    private DiskState state;
    private SymbolTable symbols;
    private String symbolSource;
    private long loadBias;
    private String problem;

    MappedModule(String path, CoreMemory memory) {
        this.path = path;
        this.memory = memory;
    }

    void add(FileMapping m) {
        mappings.add(m);
    }

    public String path() {
        return path;
    }

    public String name() {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    public List<FileMapping> mappings() {
        return mappings;
    }

    /** Runtime address of file offset 0 (the ELF header), or the lowest mapping when offset 0 is not mapped. */
    public long base() {
        long base = -1;
        for (FileMapping m : mappings) {
            if (m.fileOffset() == 0) {
                return m.start();
            }
            if (base == -1 || Long.compareUnsigned(m.start(), base) < 0) {
                base = m.start() - m.fileOffset();
            }
        }
        return base;
    }

    public long end() {
        long end = 0;
        for (FileMapping m : mappings) {
            end = Math.max(end, m.end());
        }
        return end;
    }

    public boolean contains(long a) {
        for (FileMapping m : mappings) {
            if (m.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** The build-id in the core's dumped copy of the module header, or null when that page was not dumped. */
    public String coreBuildId() {
        if (coreBuildId == null) {
            coreBuildId = readCoreBuildId();
        }
        return coreBuildId.isEmpty() ? null : coreBuildId;
    }

    private String readCoreBuildId() {
        try {
            long base = base();
            byte[] h = new byte[64];
            if (memory.readDumped(base, h, 0, 64) != 64 || ElfImage.kind(h) != ElfImage.Kind.ELF64_LE) {
                return "";
            }
            long phoff = Le.u64(h, 32);
            int phentsize = Le.u16(h, 54);
            int phnum = Le.u16(h, 56);
            if (phentsize < 56 || phnum > 64 || phoff > 4096) {
                return "";
            }
            byte[] ph = new byte[phnum * phentsize];
            if (memory.readDumped(base + phoff, ph, 0, ph.length) != ph.length) {
                return "";
            }
            long firstLoad = Long.MIN_VALUE;
            for (int i = 0; i < phnum; i++) {
                int o = i * phentsize;
                if (Le.s32(ph, o) == ElfImage.PT_LOAD && Le.u64(ph, o + 8) == 0) {
                    firstLoad = Le.u64(ph, o + 16);
                }
            }
            for (int i = 0; i < phnum && firstLoad != Long.MIN_VALUE; i++) {
                int o = i * phentsize;
                long size = Le.u64(ph, o + 32);
                if (Le.s32(ph, o) == ElfImage.PT_NOTE && size > 0 && size <= 4096) {
                    byte[] notes = new byte[(int) size];
                    long at = base + (Le.u64(ph, o + 16) - firstLoad);
                    if (memory.readDumped(at, notes, 0, notes.length) == notes.length) {
                        String id = Notes.buildId(notes);
                        if (id != null) {
                            return id;
                        }
                    }
                }
            }
        } catch (ElfFormatException e) {
            return "";
        }
        return "";
    }

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        MappedFile f = memory.diskFile(path);
        if (f == null) {
            state = DiskState.MISSING;
            symbols = SymbolTable.EMPTY;
            return;
        }
        try {
            disk = new ElfImage(f);
            diskBuildId = disk.buildId();
            String inCore = coreBuildId();
            state = inCore == null || diskBuildId == null ? DiskState.NO_BUILD_ID
                    : inCore.equals(diskBuildId) ? DiskState.MATCH : DiskState.MISMATCH;
            loadBias = computeLoadBias();
            symbols = SymbolTable.of(disk, path);
            symbolSource = symbols.size() > 0 ? path + " " + symbols.source : null;
            String id = inCore != null ? inCore : diskBuildId;
            if (id != null && id.length() > 2 && (symbols.size() == 0 || symbols.source.equals(".dynsym"))) {
                Path debug = DEBUG_ROOT.resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug");
                if (Files.isRegularFile(debug)) {
                    SymbolTable fromDebug = SymbolTable.of(new ElfImage(new MappedFile(debug)), debug.toString());
                    if (fromDebug.size() > 0) {
                        symbols = fromDebug;
                        symbolSource = debug + " " + fromDebug.source;
                    }
                }
            }
        } catch (ElfFormatException | java.io.IOException | java.io.UncheckedIOException e) {
            problem = e.getMessage();
            if (symbols == null) {
                symbols = SymbolTable.EMPTY;
            }
            if (state == null) {
                state = DiskState.MISSING;
            }
        }
    }

    /** runtime address − link-time vaddr, from the PT_LOAD that holds file offset 0. */
    private long computeLoadBias() {
        for (ElfImage.Segment s : disk.segments()) {
            if (s.type() == ElfImage.PT_LOAD && s.offset() == 0) {
                return base() - s.vaddr();
            }
        }
        return base();
    }

    public DiskState diskState() {
        load();
        return state;
    }

    public String diskBuildId() {
        load();
        return diskBuildId;
    }

    /** The file on disk, parsed; null when missing or unreadable. */
    public ElfImage disk() {
        load();
        return disk;
    }

    public long loadBias() {
        load();
        return loadBias;
    }

    public SymbolTable symbols() {
        load();
        return symbols;
    }

    public String symbolSource() {
        load();
        return symbolSource;
    }

    /** Why the file on disk could not be used, or null. */
    public String problem() {
        load();
        return problem;
    }

    private dev.faultline.core.unwind.EhFrame ehFrame;
    private boolean ehFrameTried;

    /** The module's .eh_frame (with .eh_frame_hdr's search table when present), or null. Parsed once. */
    public dev.faultline.core.unwind.EhFrame ehFrame(Arch arch) {
        load();
        if (ehFrameTried) {
            return ehFrame;
        }
        ehFrameTried = true;
        if (disk == null || state == DiskState.MISMATCH) {
            return null; // CFI of another build would unwind through the wrong offsets
        }
        try {
            ElfImage.Section eh = disk.section(".eh_frame");
            ElfImage.Section hdr = disk.section(".eh_frame_hdr");
            byte[] ehBytes = disk.sectionBytes(eh, 64 << 20);
            if (ehBytes == null) {
                return null;
            }
            byte[] hdrBytes = hdr == null ? null : disk.sectionBytes(hdr, 64 << 20);
            ehFrame = dev.faultline.core.unwind.EhFrame.parse(arch, java.nio.ByteBuffer.wrap(ehBytes), eh.addr(),
                    hdrBytes == null ? null : java.nio.ByteBuffer.wrap(hdrBytes), hdr == null ? 0 : hdr.addr());
        } catch (ElfFormatException | dev.faultline.core.unwind.CfiFormatException e) {
            ehFrame = null;
        }
        return ehFrame;
    }

    /** The function holding runtime address {@code a}, or null. */
    public SymbolTable.Hit symbolAt(long a) {
        load();
        if (disk == null) {
            return null;
        }
        return symbols.lookup(a - loadBias);
    }
}
