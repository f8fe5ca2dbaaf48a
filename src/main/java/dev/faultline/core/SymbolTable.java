package dev.faultline.core;

import java.util.Arrays;

/** Function symbols of one module, sorted by address: from .symtab, or .dynsym when the module is stripped. */
public final class SymbolTable {
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    /** Symbols without a size (hand-written assembly) cover at most this much. */
    private static final long UNSIZED_REACH = 4096;
    private static final int MAX_SYMBOLS = dev.faultline.Limits.ELF_SYMBOLS;

    public static final SymbolTable EMPTY = new SymbolTable("none", new long[0], new long[0], new String[0]);

    public final String source;
    private final long[] values;
    private final long[] sizes;
    private final String[] names;

    private SymbolTable(String source, long[] values, long[] sizes, String[] names) {
        this.source = source;
        this.values = values;
        this.sizes = sizes;
        this.names = names;
    }

    /** A symbol hit: the function name and the offset of the address inside it. */
    public record Hit(String name, long offset) {
    }

    public static SymbolTable of(ElfImage elf, String label) {
        ElfImage.Section tab = elf.section(".symtab");
        String src = ".symtab";
        if (tab == null || tab.size() == 0) {
            tab = elf.section(".dynsym");
            src = ".dynsym";
        }
        if (tab == null || tab.type() == 8 || tab.link() < 0 || tab.link() >= elf.sections().size()) {
            return EMPTY;
        }
        ElfImage.Section strtab = elf.sections().get(tab.link());
        long count = tab.size() / 24;
        if (count > MAX_SYMBOLS) {
            throw new ElfFormatException(label + ": " + src + " claims " + count + " symbols");
        }
        byte[] syms = elf.sectionBytes(tab, (int) (count * 24));
        byte[] str = elf.sectionBytes(strtab, 1 << 28);
        if (syms == null || str == null) {
            return EMPTY;
        }
        long[][] rows = new long[(int) count][];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int o = i * 24;
            int info = syms[o + 4] & 0xff;
            int kind = info & 0xf;
            long value = Le.u64(syms, o + 8);
            int shndx = Le.u16(syms, o + 6);
            if ((kind == STT_FUNC || kind == STT_GNU_IFUNC) && value != 0 && shndx != 0) {
                rows[n++] = new long[] {value, Le.u64(syms, o + 16), Le.u32(syms, o)};
            }
        }
        long[][] used = Arrays.copyOf(rows, n);
        Arrays.sort(used, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        long[] v = new long[n];
        long[] s = new long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            v[i] = used[i][0];
            s[i] = used[i][1];
            names[i] = Le.cstring(str, (int) used[i][2], 1024);
        }
        return new SymbolTable(src, v, s, names);
    }

    public int size() {
        return values.length;
    }

    /** The function covering link-time address {@code vaddr}, or null. Prefers a sized symbol over an alias without size. */
    public Hit lookup(long vaddr) {
        int at = Addresses.floor(values, vaddr);
        // several symbols can share an address (aliases): take the first that covers vaddr
        for (int i = at; i >= 0 && i > at - 8; i--) {
            long off = vaddr - values[i];
            long reach = sizes[i] > 0 ? sizes[i] : UNSIZED_REACH;
            if (off >= 0 && off < reach) {
                return new Hit(names[i], off);
            }
            if (i > 0 && values[i - 1] != values[i]) {
                break;
            }
        }
        return null;
    }

    /** The address of a named function, or -1. Linear; used once per core for a handful of names. */
    public long addressOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return -1;
    }
}
