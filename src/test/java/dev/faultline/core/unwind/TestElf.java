package dev.faultline.core.unwind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Minimal ELF64 little-endian reader for the tests: sections by name, PT_LOAD segments, symbols. */
final class TestElf {
    record Section(String name, long addr, long offset, long size, int type, int link, long entsize) {
    }

    record Segment(long offset, long vaddr, long filesz, long memsz) {
    }

    record Symbol(String name, long value, long size) {
    }

    final Path path;
    final ByteBuffer file;
    final List<Section> sections = new ArrayList<>();
    final List<Segment> loads = new ArrayList<>();
    private TreeMap<Long, Symbol> symbols;

    TestElf(Path path) throws IOException {
        this.path = path;
        this.file = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (file.getInt(0) != 0x464c457f || file.get(4) != 2 || file.get(5) != 1) {
            throw new IOException(path + ": not a little-endian ELF64 file");
        }
        long phoff = file.getLong(0x20);
        long shoff = file.getLong(0x28);
        int phentsize = file.getShort(0x36) & 0xffff, phnum = file.getShort(0x38) & 0xffff;
        int shentsize = file.getShort(0x3a) & 0xffff, shnum = file.getShort(0x3c) & 0xffff;
        int shstrndx = file.getShort(0x3e) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (file.getInt(p) == 1) { // PT_LOAD
                loads.add(new Segment(file.getLong(p + 8), file.getLong(p + 16), file.getLong(p + 32),
                        file.getLong(p + 40)));
            }
        }
        long[] nameOff = new long[shnum];
        List<Section> raw = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int s = (int) (shoff + (long) i * shentsize);
            nameOff[i] = file.getInt(s) & 0xffffffffL;
            raw.add(new Section(null, file.getLong(s + 16), file.getLong(s + 24), file.getLong(s + 32),
                    file.getInt(s + 4), file.getInt(s + 40), file.getLong(s + 56)));
        }
        long strOff = shnum > 0 ? raw.get(shstrndx).offset() : 0;
        for (int i = 0; i < shnum; i++) {
            Section r = raw.get(i);
            sections.add(new Section(cstr(strOff + nameOff[i]), r.addr(), r.offset(), r.size(), r.type(),
                    r.link(), r.entsize()));
        }
    }

    private String cstr(long off) {
        int start = (int) off, end = start;
        while (file.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        file.get(start, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    Section section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The section's file bytes (a read-only view). */
    ByteBuffer bytes(Section s) {
        return file.slice((int) s.offset(), (int) s.size()).asReadOnlyBuffer();
    }

    EhFrame ehFrame() {
        Section eh = section(".eh_frame");
        Section hdr = section(".eh_frame_hdr");
        return EhFrame.parse(dev.faultline.core.Arch.X86_64, bytes(eh), eh.addr(),
                hdr == null ? null : bytes(hdr), hdr == null ? 0 : hdr.addr());
    }

    /** Load bias for a mapping of this file that starts at {@code mapStart} with file offset {@code mapOffset}. */
    long loadBias(long mapStart, long mapOffset) {
        for (Segment s : loads) {
            long pageOff = s.offset() & ~0xfffL;
            if (mapOffset >= pageOff && mapOffset < s.offset() + Math.max(s.filesz(), 1)) {
                long vaddrOfMapStart = (s.vaddr() & ~0xfffL) + (mapOffset - pageOff);
                return mapStart - vaddrOfMapStart;
            }
        }
        throw new IllegalStateException(path + ": no PT_LOAD at file offset 0x" + Long.toHexString(mapOffset));
    }

    /** "name+0xoff" for a link-time address, from .symtab and .dynsym (functions only); null when unknown. */
    String symbolize(long vaddr) {
        if (symbols == null) {
            symbols = new TreeMap<>();
            for (Section s : sections) {
                if (s.type() != 2 && s.type() != 11) { // SHT_SYMTAB, SHT_DYNSYM
                    continue;
                }
                Section strtab = sections.get(s.link());
                for (long o = s.offset(); o + 24 <= s.offset() + s.size(); o += 24) {
                    int info = file.get((int) o + 4) & 0xff;
                    long value = file.getLong((int) o + 8);
                    if ((info & 0xf) != 2 || value == 0) { // STT_FUNC
                        continue;
                    }
                    String name = cstr(strtab.offset() + (file.getInt((int) o) & 0xffffffffL));
                    symbols.putIfAbsent(value, new Symbol(name, value, file.getLong((int) o + 16)));
                }
            }
        }
        var e = symbols.floorEntry(vaddr);
        if (e == null || vaddr >= e.getKey() + Math.max(e.getValue().size(), 1)) {
            return null;
        }
        return e.getValue().name() + "+0x" + Long.toHexString(vaddr - e.getKey());
    }
}
