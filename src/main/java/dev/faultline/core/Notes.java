package dev.faultline.core;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** ELF notes: {namesz, descsz, type} (12 bytes), then the name and the desc, each padded to 4 bytes. */
public final class Notes {
    public static final int NT_PRSTATUS = 1;
    public static final int NT_PRPSINFO = 3;
    public static final int NT_AUXV = 6;
    public static final int NT_SIGINFO = 0x53494749;
    public static final int NT_FILE = 0x46494c45;
    public static final int NT_GNU_BUILD_ID = 3;

    /** One note; {@code descOffset} indexes the byte array the notes were parsed from. */
    public record Note(String name, int type, int descOffset, int descSize) {
    }

    private Notes() {
    }

    /** Parses every note; a size that runs past the segment is a corrupt core, reported with its position. */
    public static List<Note> parse(byte[] seg, long fileOffset) {
        List<Note> out = new ArrayList<>();
        int o = 0;
        while (o + 12 <= seg.length) {
            long namesz = Le.u32(seg, o);
            long descsz = Le.u32(seg, o + 4);
            int type = Le.s32(seg, o + 8);
            long nameEnd = o + 12L + pad4(namesz);
            long descEnd = nameEnd + pad4(descsz);
            if (nameEnd > seg.length || nameEnd + descsz > seg.length) {
                throw new ElfFormatException(String.format(
                        "note at offset %d (type 0x%x) claims %d + %d bytes, but only %d remain in its segment",
                        fileOffset + o, type, namesz, descsz, seg.length - o - 12));
            }
            String name = Le.cstring(seg, o + 12, (int) namesz);
            out.add(new Note(name, type, (int) nameEnd, (int) descsz));
            o = (int) Math.min(descEnd, seg.length);
            if (namesz == 0 && descsz == 0 && type == 0) {
                // zero padding at the end of a segment
                break;
            }
        }
        return out;
    }

    static long pad4(long n) {
        return (n + 3) & ~3L;
    }

    /** The build-id in a note area (a module's PT_NOTE), or null; never throws on a malformed area. */
    public static String buildId(byte[] seg) {
        try {
            for (Note n : parse(seg, 0)) {
                if (n.type() == NT_GNU_BUILD_ID && n.name().equals("GNU") && n.descSize() > 0 && n.descSize() <= 64) {
                    return HexFormat.of().formatHex(seg, n.descOffset(), n.descOffset() + n.descSize());
                }
            }
        } catch (ElfFormatException e) {
            return null;
        }
        return null;
    }
}
