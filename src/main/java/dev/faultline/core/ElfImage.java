package dev.faultline.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The headers of a 64-bit little-endian ELF file (a core, an executable or a shared library): the ELF header,
 * the program headers and, for modules, the section headers. Every count and offset is checked against the file
 * size before it is used, so a lying header gives an {@link ElfFormatException}, never a huge allocation.
 */
public final class ElfImage {
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    public static final int PF_X = 1;

    /** One program header. */
    public record Segment(int type, int flags, long offset, long vaddr, long filesz, long memsz) {
        public boolean containsVaddr(long a) {
            return Long.compareUnsigned(a - vaddr, memsz) < 0;
        }
    }

    /** One section header, with its name resolved. */
    public record Section(String name, int type, long addr, long offset, long size, int link, long entsize) {
    }

    /** What the first bytes say, before anything else is trusted. */
    public enum Kind { ELF64_LE, NOT_ELF, ELF32, BIG_ENDIAN }

    private final MappedFile file;
    public final int type;
    public final int machine;
    public final long entry;
    private final List<Segment> segments;
    private List<Section> sections;
    private final long shoff;
    private final int shentsize;
    private final int shnum;
    private final int shstrndx;

    public static Kind kind(byte[] ident) {
        if (ident.length < 6 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            return Kind.NOT_ELF;
        }
        if (ident[4] != 2) {
            return Kind.ELF32;
        }
        return ident[5] == 1 ? Kind.ELF64_LE : Kind.BIG_ENDIAN;
    }

    public ElfImage(MappedFile file) {
        this.file = file;
        byte[] h = file.bytes(0, 64, "ELF header");
        if (kind(h) != Kind.ELF64_LE) {
            throw new ElfFormatException(file.path() + " is not a 64-bit little-endian ELF file");
        }
        type = Le.u16(h, 16);
        machine = Le.u16(h, 18);
        entry = Le.u64(h, 24);
        long phoff = Le.u64(h, 32);
        shoff = Le.u64(h, 40);
        int phentsize = Le.u16(h, 54);
        int phnum = Le.u16(h, 56);
        shentsize = Le.u16(h, 58);
        shnum = Le.u16(h, 60);
        shstrndx = Le.u16(h, 62);
        if (phnum > 0 && phentsize < 56) {
            throw new ElfFormatException("program header size " + phentsize + " is smaller than 56 bytes");
        }
        // phnum == 0xffff (PN_XNUM) means the real count is in section 0's sh_info: cores with > 65534 mappings.
        long count = phnum;
        if (phnum == 0xffff && shoff != 0 && shentsize >= 64) {
            byte[] s0 = file.bytes(shoff, 64, "section header 0 (extended program header count)");
            count = Le.u32(s0, 44);
        }
        if (count * phentsize > file.size()) {
            throw new ElfFormatException(count + " program headers of " + phentsize + " bytes do not fit in the file ("
                    + file.size() + " bytes)", true);
        }
        List<Segment> segs = new ArrayList<>((int) count);
        byte[] ph = file.bytes(phoff, (int) (count * phentsize), "program headers");
        for (int i = 0; i < count; i++) {
            int o = i * phentsize;
            segs.add(new Segment(Le.s32(ph, o), Le.s32(ph, o + 4), Le.u64(ph, o + 8), Le.u64(ph, o + 16),
                    Le.u64(ph, o + 32), Le.u64(ph, o + 40)));
        }
        segments = Collections.unmodifiableList(segs);
    }

    public MappedFile file() {
        return file;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Section headers, read on first use; empty for cores and for stripped-of-sections files. */
    public List<Section> sections() {
        if (sections != null) {
            return sections;
        }
        List<Section> out = new ArrayList<>();
        if (shoff != 0 && shnum > 0 && shentsize >= 64 && (long) shnum * shentsize <= file.size() - Math.min(shoff, file.size())) {
            byte[] sh = file.bytes(shoff, shnum * shentsize, "section headers");
            byte[] names = new byte[0];
            if (shstrndx < shnum) {
                int o = shstrndx * shentsize;
                names = boundedBytes(Le.u64(sh, o + 24), Le.u64(sh, o + 32), 1 << 24, "section names");
            }
            for (int i = 0; i < shnum; i++) {
                int o = i * shentsize;
                out.add(new Section(Le.cstring(names, (int) Le.u32(sh, o), 256), Le.s32(sh, o + 4), Le.u64(sh, o + 16),
                        Le.u64(sh, o + 24), Le.u64(sh, o + 32), Le.s32(sh, o + 40), Le.u64(sh, o + 56)));
            }
        }
        sections = Collections.unmodifiableList(out);
        return sections;
    }

    public Section section(String name) {
        for (Section s : sections()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The bytes of a section, or null if it has none in the file (SHT_NOBITS) or is larger than {@code cap}. */
    public byte[] sectionBytes(Section s, int cap) {
        if (s == null || s.type() == 8 /* SHT_NOBITS */) {
            return null;
        }
        return boundedBytes(s.offset(), s.size(), cap, "section " + s.name());
    }

    byte[] boundedBytes(long off, long len, int cap, String what) {
        if (len < 0 || len > cap) {
            throw new ElfFormatException(what + " claims " + len + " bytes, more than the " + cap + " this reader accepts");
        }
        return file.bytes(off, (int) len, what);
    }

    /** The GNU build-id from the PT_NOTE segments, as lowercase hex, or null. */
    public String buildId() {
        for (Segment s : segments) {
            if (s.type() == PT_NOTE && s.filesz() > 0 && s.filesz() < (1 << 20)) {
                String id = Notes.buildId(file.bytes(s.offset(), (int) s.filesz(), "note segment"));
                if (id != null) {
                    return id;
                }
            }
        }
        return null;
    }
}
