package dev.faultline.httpd.memory;

import dev.faultline.core.ElfImage;
import dev.faultline.core.ElfFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Data symbols of an executable's .dynsym ({@code ap_conftree} is an object, which the function-only
 * {@link dev.faultline.core.SymbolTable} leaves out): link-time addresses of a few wanted names.
 */
final class DynamicSymbols {
    private static final int SYM_SIZE = 24;
    private static final int MAX_DYNSYM_BYTES = 64 << 20;

    private DynamicSymbols() {
    }

    /** Link-time value of each of {@code names} that the file defines; missing names are absent. */
    static Map<String, Long> find(ElfImage elf, Set<String> names) {
        Map<String, Long> out = new HashMap<>();
        try {
            ElfImage.Section dynsym = elf.section(".dynsym");
            if (dynsym == null || dynsym.link() < 0 || dynsym.link() >= elf.sections().size()) {
                return out;
            }
            byte[] syms = elf.sectionBytes(dynsym, MAX_DYNSYM_BYTES);
            byte[] str = elf.sectionBytes(elf.sections().get(dynsym.link()), MAX_DYNSYM_BYTES);
            if (syms == null || str == null) {
                return out;
            }
            ByteBuffer le = ByteBuffer.wrap(syms).order(ByteOrder.LITTLE_ENDIAN);
            for (int o = 0; o + SYM_SIZE <= syms.length; o += SYM_SIZE) {
                long nameOff = Integer.toUnsignedLong(le.getInt(o));
                int shndx = Short.toUnsignedInt(le.getShort(o + 6));
                if (shndx == 0 || nameOff >= str.length) {
                    continue; // undefined: imported from another object
                }
                String name = cstring(str, (int) nameOff);
                if (names.contains(name)) {
                    out.put(name, le.getLong(o + 8));
                }
            }
        } catch (ElfFormatException e) {
            return out;
        }
        return out;
    }

    private static String cstring(byte[] b, int off) {
        int end = off;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
