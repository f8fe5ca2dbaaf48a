package dev.faultline.httpd.modules;

import dev.faultline.core.ElfFormatException;
import dev.faultline.core.ElfImage;
import dev.faultline.core.MappedFile;
import dev.faultline.core.SymbolTable;
import dev.faultline.httpd.HttpdStructs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a module's own {@code command_rec} table from its ELF file on disk: the {@code module} struct at its
 * exported symbol ({@code rewrite_module}), its {@code name} and {@code cmds}, and each command until the NULL name.
 * In a shared object those pointers are filled by the loader, so they are read from {@code .rela.dyn}: a RELATIVE
 * relocation gives the link-time address, a symbolic one (R_X86_64_64, GLOB_DAT) names the symbol (a handler that
 * httpd exports, such as {@code ap_set_string_slot}). Never throws: a problem is in {@link ModuleInfo#problem()}.
 */
public final class ModuleReader {
    static final int MAX_COMMANDS = dev.faultline.Limits.MODULE_COMMANDS;
    static final int MAX_STRING = dev.faultline.Limits.MODULE_STRING_BYTES;

    private static final int R_X86_64_64 = 1;
    private static final int R_X86_64_GLOB_DAT = 6;
    private static final int R_X86_64_RELATIVE = 8;
    private static final int R_AARCH64_ABS64 = 257;
    private static final int R_AARCH64_GLOB_DAT = 1025;
    private static final int R_AARCH64_RELATIVE = 1027;
    private static final int STT_OBJECT = 1;

    /** One module as its file has it. */
    public record ModuleInfo(String symbol, String sourceName, String file, List<ModuleCommand> commands, String problem) {
    }

    private final ElfImage elf;
    private final String file;
    private final Map<Long, Long> relative = new HashMap<>();
    private final Map<Long, String> symbolic = new HashMap<>();
    private final Map<String, Long> objects = new HashMap<>();
    private SymbolTable functions;

    private ModuleReader(ElfImage elf, String file) {
        this.elf = elf;
        this.file = file;
        readDynamic();
    }

    /** The module {@code symbol} in the .so at {@code path}; a null symbol takes the file's only {@code *_module} object. */
    public static ModuleInfo read(Path path, String symbol) {
        List<ModuleInfo> all = readAll(path, symbol);
        return all.isEmpty() ? new ModuleInfo(symbol, null, path.toString(), List.of(), "no module symbol found") : all.get(0);
    }

    /**
     * Every module struct an ELF file exports ({@code *_module} objects of the module struct's size): one for a
     * LoadModule .so, several for the httpd executable's compiled-in modules. {@code only} limits it to one name.
     */
    public static List<ModuleInfo> readAll(Path path, String only) {
        List<ModuleInfo> out = new ArrayList<>();
        if (!Files.isRegularFile(path)) {
            out.add(new ModuleInfo(only, null, path.toString(), List.of(), "no such file"));
            return out;
        }
        try (MappedFile mf = new MappedFile(path)) {
            ModuleReader r = new ModuleReader(new ElfImage(mf), path.toString());
            for (Map.Entry<String, Long> e : r.objects.entrySet()) {
                if (only != null ? e.getKey().equals(only) : e.getKey().endsWith("_module")) {
                    ModuleInfo m = r.module(e.getKey(), e.getValue());
                    if (only != null || m.problem() == null) {
                        out.add(m);
                    }
                }
            }
            if (out.isEmpty() && only != null) {
                out.add(new ModuleInfo(only, null, path.toString(), List.of(), "the file exports no symbol " + only));
            }
        } catch (IOException | ElfFormatException | IllegalArgumentException e) {
            out.clear();
            out.add(new ModuleInfo(only, null, path.toString(), List.of(), "not a readable ELF file: " + e.getMessage()));
        }
        out.sort((a, b) -> a.symbol().compareTo(b.symbol()));
        return out;
    }

    private ModuleInfo module(String symbol, long at) {
        byte[] m = bytesAt(at, HttpdStructs.MODULE_SIZE);
        if (m == null) {
            return new ModuleInfo(symbol, null, file, List.of(), "the module struct is not in the file");
        }
        long magic = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getLong(HttpdStructs.MODULE_MAGIC);
        if ((magic & 0xffffffffL) != HttpdStructs.MODULE_MAGIC_COOKIE) {
            return new ModuleInfo(symbol, null, file, List.of(), "no module magic (\"AP24\") at " + symbol);
        }
        String name = string(pointer(at + HttpdStructs.MODULE_NAME));
        if (name != null && name.lastIndexOf('/') >= 0) {
            // as ap_add_module does: some compilers put a whole path in __FILE__ (PHP's ./sapi/apache2handler/mod_php.c)
            name = name.substring(name.lastIndexOf('/') + 1);
        }
        long cmds = pointer(at + HttpdStructs.MODULE_CMDS);
        List<ModuleCommand> out = new ArrayList<>();
        if (cmds == 0) {
            return new ModuleInfo(symbol, name, file, out, null); // a module with no directives
        }
        for (int i = 0; i < MAX_COMMANDS; i++) {
            long rec = cmds + (long) i * HttpdStructs.COMMAND_REC_SIZE;
            byte[] b = bytesAt(rec, HttpdStructs.COMMAND_REC_SIZE);
            if (b == null) {
                return new ModuleInfo(symbol, name, file, out, "the command table runs out of the file after " + i + " entries");
            }
            long namePtr = pointer(rec + HttpdStructs.COMMAND_REC_NAME);
            if (namePtr == 0) {
                return new ModuleInfo(symbol, name, file, out, null);
            }
            ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long funcAt = rec + HttpdStructs.COMMAND_REC_FUNC;
            long func = pointer(funcAt);
            String handler = symbolic.get(funcAt);
            if (handler == null && func != 0) {
                SymbolTable.Hit hit = functions().lookup(func);
                handler = hit != null && hit.offset() == 0 ? hit.name() : null;
            }
            out.add(new ModuleCommand(string(namePtr), symbol, file, handler, symbolic.containsKey(funcAt) ? -1 : func,
                    le.getInt(HttpdStructs.COMMAND_REC_REQ_OVERRIDE), le.getInt(HttpdStructs.COMMAND_REC_ARGS_HOW),
                    string(pointer(rec + HttpdStructs.COMMAND_REC_ERRMSG))));
        }
        return new ModuleInfo(symbol, name, file, out, "no NULL entry within " + MAX_COMMANDS + " commands");
    }

    private SymbolTable functions() {
        if (functions == null) {
            functions = SymbolTable.of(elf, file);
        }
        return functions;
    }

    /** The pointer stored at link-time address {@code at}, as the loader will have made it (0 for a symbol elsewhere). */
    private long pointer(long at) {
        Long rel = relative.get(at);
        if (rel != null) {
            return rel;
        }
        String sym = symbolic.get(at);
        if (sym != null) {
            Long local = objects.get(sym);
            return local == null ? 0 : local;
        }
        byte[] b = bytesAt(at, 8);
        return b == null ? 0 : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private String string(long at) {
        if (at == 0) {
            return null;
        }
        ElfImage.Segment s = segmentOf(at);
        if (s == null) {
            return null;
        }
        long avail = Math.min(MAX_STRING, s.vaddr() + s.filesz() - at);
        byte[] b = bytesAt(at, (int) avail);
        if (b == null) {
            return null;
        }
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private ElfImage.Segment segmentOf(long vaddr) {
        for (ElfImage.Segment s : elf.segments()) {
            if (s.type() == ElfImage.PT_LOAD && vaddr >= s.vaddr() && vaddr < s.vaddr() + s.filesz()) {
                return s;
            }
        }
        return null;
    }

    private byte[] bytesAt(long vaddr, int len) {
        ElfImage.Segment s = segmentOf(vaddr);
        if (s == null || len <= 0 || vaddr + len > s.vaddr() + s.filesz()) {
            return null;
        }
        return elf.file().bytes(s.offset() + (vaddr - s.vaddr()), len, "module data");
    }

    /** .dynsym (defined objects by name, and every symbol's name by index) and .rela.dyn. */
    private void readDynamic() {
        ElfImage.Section dynsym = elf.section(".dynsym");
        String[] names = new String[0];
        if (dynsym != null && dynsym.link() >= 0 && dynsym.link() < elf.sections().size()) {
            byte[] syms = elf.sectionBytes(dynsym, 64 << 20);
            byte[] str = elf.sectionBytes(elf.sections().get(dynsym.link()), 64 << 20);
            if (syms != null && str != null) {
                ByteBuffer le = ByteBuffer.wrap(syms).order(ByteOrder.LITTLE_ENDIAN);
                names = new String[syms.length / 24];
                for (int i = 0; i < names.length; i++) {
                    int o = i * 24;
                    long nameOff = Integer.toUnsignedLong(le.getInt(o));
                    names[i] = nameOff < str.length ? cstring(str, (int) nameOff) : "";
                    int type = syms[o + 4] & 0xf;
                    int shndx = Short.toUnsignedInt(le.getShort(o + 6));
                    if (type == STT_OBJECT && shndx != 0 && le.getLong(o + 16) == HttpdStructs.MODULE_SIZE) {
                        objects.put(names[i], le.getLong(o + 8));
                    }
                }
            }
        }
        ElfImage.Section rela = elf.section(".rela.dyn");
        byte[] r = rela == null ? null : elf.sectionBytes(rela, 256 << 20);
        if (r == null) {
            return;
        }
        ByteBuffer le = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o + 24 <= r.length; o += 24) {
            long off = le.getLong(o);
            long info = le.getLong(o + 8);
            long addend = le.getLong(o + 16);
            int type = (int) info;
            int sym = (int) (info >>> 32);
            if (type == R_X86_64_RELATIVE || type == R_AARCH64_RELATIVE) {
                relative.put(off, addend);
            } else if ((type == R_X86_64_64 || type == R_X86_64_GLOB_DAT || type == R_AARCH64_ABS64 || type == R_AARCH64_GLOB_DAT)
                    && sym > 0 && sym < names.length) {
                symbolic.put(off, names[sym]);
            }
        }
    }

    private static String cstring(byte[] b, int off) {
        int end = off;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
