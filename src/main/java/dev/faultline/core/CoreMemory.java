package dev.faultline.core;

import dev.faultline.linux.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The crashed process's memory: dumped pages from the core's PT_LOADs, and for file-backed text that the kernel
 * did not dump ({@code p_filesz = 0}), the bytes of the mapped file on disk at the NT_FILE offset.
 */
public final class CoreMemory implements Memory, AutoCloseable {
    private final MappedFile core;
    private final ElfImage.Segment[] loads;
    private final long[] starts;
    private final List<FileMapping> files;
    private final Map<String, Path> substitutes;
    private final Map<String, MappedFile> disk = new HashMap<>();

    CoreMemory(MappedFile core, List<ElfImage.Segment> sortedLoads, List<FileMapping> files, Map<String, Path> substitutes) {
        this.core = core;
        this.loads = sortedLoads.toArray(new ElfImage.Segment[0]);
        this.starts = new long[loads.length];
        for (int i = 0; i < loads.length; i++) {
            starts[i] = loads[i].vaddr();
        }
        this.files = files;
        this.substitutes = substitutes == null ? Map.of() : substitutes;
    }

    @Override
    public int read(long vaddr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            int n = readOnce(vaddr + done, dst, off + done, len - done);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Like {@link #read} but only from the dump itself, never from files on disk. */
    public int readDumped(long vaddr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            int i = segmentIndex(vaddr + done);
            if (i < 0) {
                break;
            }
            ElfImage.Segment s = loads[i];
            long inSeg = vaddr + done - s.vaddr();
            if (inSeg >= s.filesz()) {
                break;
            }
            int n = core.read(s.offset() + inSeg, dst, off + done, (int) Math.min(len - done, s.filesz() - inSeg));
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    private int readOnce(long a, byte[] dst, int off, int len) {
        int i = segmentIndex(a);
        if (i >= 0) {
            ElfImage.Segment s = loads[i];
            long inSeg = a - s.vaddr();
            if (inSeg < s.filesz()) {
                int n = (int) Math.min(len, s.filesz() - inSeg);
                return core.read(s.offset() + inSeg, dst, off, n);
            }
        }
        return readFromDisk(a, dst, off, len);
    }

    /** The PT_LOAD holding {@code a}, or null; a binary search, as the stack scans ask for every word. */
    ElfImage.Segment segmentAt(long a) {
        int i = segmentIndex(a);
        return i >= 0 ? loads[i] : null;
    }

    private int segmentIndex(long a) {
        int found = Addresses.floor(starts, a);
        return found >= 0 && loads[found].containsVaddr(a) ? found : -1;
    }

    private int readFromDisk(long a, byte[] dst, int off, int len) {
        for (FileMapping m : files) {
            if (m.contains(a)) {
                MappedFile f = diskFile(m.path());
                if (f == null) {
                    return 0;
                }
                int n = (int) Math.min(len, m.end() - a);
                return f.read(m.fileOffset() + (a - m.start()), dst, off, n);
            }
        }
        return 0;
    }

    /** The on-disk file for a path named in the core (or its --exe substitute), or null when it is gone. */
    public MappedFile diskFile(String path) {
        if (disk.containsKey(path)) {
            return disk.get(path);
        }
        MappedFile f = null;
        try {
            Path p = substitutes.getOrDefault(path, Path.of(path));
            // only real files: a core (or a corrupt one) may name /proc/kcore or a device
            if (Files.isRegularFile(p) && !path.startsWith("/proc/") && !path.startsWith("/sys/") && !path.startsWith("/dev/")) {
                f = new MappedFile(p);
            }
        } catch (IOException | RuntimeException e) {
            f = null;
        }
        disk.put(path, f);
        return f;
    }

    /** A NUL-terminated string at {@code vaddr}, at most {@code max} bytes, or null when unreadable. */
    public String cstring(long vaddr, int max) {
        byte[] b = new byte[max];
        int n = read(vaddr, b, 0, max);
        if (n == 0) {
            return null;
        }
        int end = 0;
        while (end < n && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        for (MappedFile f : disk.values()) {
            if (f != null) {
                f.close();
            }
        }
        disk.clear();
    }
}
