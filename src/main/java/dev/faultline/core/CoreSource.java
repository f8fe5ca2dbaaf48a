package dev.faultline.core;

import dev.faultline.core.CoreInputException.Reason;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * A core file as given on the command line, made ready to be memory-mapped: an uncompressed ELF core is used
 * where it is; a zstd, lz4 (frame format) or xz compressed one (as systemd-coredump stores them in
 * /var/lib/systemd/coredump) is decompressed by streaming into a temporary file that {@link #close()} deletes.
 *
 * <p>The format is told by the magic bytes, never by the file name: zstd {@code 28 B5 2F FD}, xz
 * {@code FD 37 7A 58 5A 00}, lz4 frame {@code 04 22 4D 18}, ELF {@code 7F 45 4C 46}. Anything else is
 * {@link Reason#NOT_ELF}. Only the ELF magic of the (decompressed) data is checked here; the ELF header itself
 * (class, type, machine) is {@link CoreFile}'s business.
 *
 * <p>Decompressed output is written sparse: every 64 KiB block that is all zeros is skipped with a seek rather
 * than written, and the final length is set at the end, so a 2 GB core that is mostly zeros (the usual case)
 * takes only as much disk as its non-zero data. Output larger than a cap (default 64 GiB) is refused, so a
 * decompression bomb cannot fill the disk. A failed decompression never leaves its temporary file behind.
 */
public final class CoreSource implements AutoCloseable {
    /** Default cap on decompressed output: 64 GiB. */
    public static final long DEFAULT_MAX_OUTPUT = 64L << 30;

    /** Sparse-write granularity: all-zero blocks of this size are seeked over, not written. */
    static final int BLOCK = 64 * 1024;

    private static final byte[] ZEROS = new byte[BLOCK];

    private final Path original;
    private final Path path;
    private final String compression;
    private final boolean temporary;
    private boolean closed;

    private CoreSource(Path original, Path path, String compression, boolean temporary) {
        this.original = original;
        this.path = path;
        this.compression = compression;
        this.temporary = temporary;
    }

    /** {@link #open(Path, Path, long)} with the temporary file in {@code java.io.tmpdir} and the default cap. */
    public static CoreSource open(Path file) throws CoreInputException {
        return open(file, null, DEFAULT_MAX_OUTPUT);
    }

    /** {@link #open(Path, Path, long)} with the default cap of {@link #DEFAULT_MAX_OUTPUT} bytes. */
    public static CoreSource open(Path file, Path tempDir) throws CoreInputException {
        return open(file, tempDir, DEFAULT_MAX_OUTPUT);
    }

    /**
     * Opens {@code file}: an ELF file is used as it is; a zstd, lz4 or xz stream is decompressed into a sparse
     * temporary file in {@code tempDir} ({@code java.io.tmpdir} when null).
     *
     * @param maxOutput refuse (with {@link Reason#DECOMPRESS}) a stream that decompresses to more than this many bytes
     * @throws CoreInputException NOT_FOUND, NO_PERMISSION, IS_DIRECTORY, EMPTY, TRUNCATED (shorter than any magic),
     *     NOT_ELF (unknown magic, or decompressed data that is not ELF), DECOMPRESS (corrupt or truncated stream,
     *     output over the cap, decompressor unavailable), IO (read error, temp dir unusable, disk full)
     */
    public static CoreSource open(Path file, Path tempDir, long maxOutput) throws CoreInputException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new CoreInputException(Reason.NOT_FOUND, file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new CoreInputException(Reason.NO_PERMISSION, file + ": permission denied");
        } catch (IOException e) {
            throw new CoreInputException(Reason.IO, file + ": " + e.getMessage());
        }
        if (attrs.isDirectory()) {
            throw new CoreInputException(Reason.IS_DIRECTORY, file + " is a directory, not a core file");
        }
        if (!attrs.isRegularFile()) {
            throw new CoreInputException(Reason.IO, file + " is not a regular file (a device, pipe or socket), not a core file");
        }
        if (attrs.size() == 0) {
            throw new CoreInputException(Reason.EMPTY, file + " is empty (0 bytes)");
        }
        byte[] head = new byte[6];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = in.readNBytes(head, 0, head.length);
        } catch (AccessDeniedException e) {
            throw new CoreInputException(Reason.NO_PERMISSION,
                    file + ": permission denied (cores are usually readable only by root or their owner)");
        } catch (IOException e) {
            throw new CoreInputException(Reason.IO, file + ": cannot read: " + e.getMessage());
        }
        if (got == 0) {
            throw new CoreInputException(Reason.EMPTY, file + " is empty (0 bytes)");
        }
        Format format = Format.of(head, got);
        if (format == null) {
            for (Format f : Format.values()) {
                if (got < f.magic.length && Arrays.equals(head, 0, got, f.magic, 0, got)) {
                    throw new CoreInputException(Reason.TRUNCATED, file + " is truncated: " + got
                            + " byte" + (got == 1 ? "" : "s") + ", shorter than the " + f.label + " magic");
                }
            }
            throw new CoreInputException(Reason.NOT_ELF, file + " is neither an ELF core nor a zstd, xz or lz4"
                    + " compressed one (starts with " + hex(head, got) + ")");
        }
        if (format == Format.ELF) {
            return new CoreSource(file, file, "none", false);
        }
        Path out = decompress(file, format, tempDir, maxOutput);
        return new CoreSource(file, out, format.label, true);
    }

    /** The uncompressed core: the given file itself, or the temporary file it was decompressed into. */
    public Path path() {
        return path;
    }

    /** The file that was given to {@link #open}. */
    public Path original() {
        return original;
    }

    /** "none", "zstd", "lz4" or "xz". */
    public String compression() {
        return compression;
    }

    /** True when {@link #path()} is a temporary file that {@link #close()} deletes. */
    public boolean isTemporary() {
        return temporary;
    }

    /** Deletes the temporary file, if one was made; idempotent. A mapping of it stays valid (the file is only unlinked). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (temporary) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // best effort; deleteOnExit was registered as well
            }
        }
    }

    @Override
    public String toString() {
        return temporary ? original + " (" + compression + ", decompressed to " + path + ")" : original.toString();
    }

    private enum Format {
        ELF("ELF", new byte[] {0x7f, 'E', 'L', 'F'}),
        ZSTD("zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
        XZ("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
        LZ4("lz4", new byte[] {0x04, 0x22, 0x4d, 0x18});

        final String label;
        final byte[] magic;

        Format(String label, byte[] magic) {
            this.label = label;
            this.magic = magic;
        }

        static Format of(byte[] head, int n) {
            for (Format f : values()) {
                if (n >= f.magic.length && Arrays.equals(head, 0, f.magic.length, f.magic, 0, f.magic.length)) {
                    return f;
                }
            }
            return null;
        }

        InputStream open(InputStream in) throws IOException {
            switch (this) {
                case ZSTD:
                    return new ZstdCompressorInputStream(in);
                case XZ:
                    return new XZCompressorInputStream(in, true);
                case LZ4:
                    return new FramedLZ4CompressorInputStream(in, true);
                default:
                    throw new IllegalStateException(name());
            }
        }
    }

    /** Thrown inside {@link #decompress} for a failure of the output side (temp dir, disk full). */
    private static final class WriteFailure extends Exception {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }
    }

    private static Path decompress(Path file, Format format, Path tempDir, long maxOutput) throws CoreInputException {
        Path dir = tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(dir)) {
            throw new CoreInputException(Reason.IO, "cannot decompress " + file + ": the temporary directory " + dir
                    + " does not exist or is not a directory");
        }
        Path out;
        try {
            out = Files.createTempFile(dir, "faultline-core-", ".core");
        } catch (IOException e) {
            throw new CoreInputException(Reason.IO, "cannot decompress " + file + ": cannot create a temporary file in "
                    + dir + ": " + describe(e));
        }
        out.toFile().deleteOnExit();
        boolean ok = false;
        try {
            decompressInto(file, format, out, maxOutput);
            ok = true;
            return out;
        } finally {
            if (!ok) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // deleteOnExit is the fallback
                }
            }
        }
    }

    private static void decompressInto(Path file, Format format, Path out, long maxOutput) throws CoreInputException {
        String what = file + " is " + article(format.label) + " stream that ";
        long total = 0;
        CountingInputStream raw = null;
        try (RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
            FileChannel ch = raf.getChannel();
            byte[] block = new byte[BLOCK];
            try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(file))) {
                raw = counted; // before format.open: the decoders read and check their headers there
                try (InputStream in = format.open(counted)) {
                    while (true) {
                        int n = in.readNBytes(block, 0, BLOCK);
                        if (n <= 0) {
                            break;
                        }
                        if (total + n > maxOutput) {
                            throw new CoreInputException(Reason.DECOMPRESS, file + " decompresses to more than "
                                    + size(maxOutput) + "; refusing to unpack it (a decompression bomb, or a core"
                                    + " bigger than the limit)");
                        }
                        if (total == 0 && (n < 4 || !Arrays.equals(block, 0, 4, Format.ELF.magic, 0, 4))) {
                            throw new CoreInputException(Reason.NOT_ELF, file + " is " + article(format.label)
                                    + " stream, but what it holds is not an ELF file (starts with " + hex(block, n) + ")");
                        }
                        if (Arrays.mismatch(block, 0, n, ZEROS, 0, n) >= 0) {
                            write(ch, block, n, total);
                        }
                        total += n;
                        if (n < BLOCK) {
                            break;
                        }
                    }
                    if (total == 0) {
                        throw new CoreInputException(Reason.EMPTY, file + " is " + article(format.label)
                                + " stream that decompresses to 0 bytes");
                    }
                }
                try {
                    raf.setLength(total);
                } catch (IOException e) {
                    throw new WriteFailure(e);
                }
            }
        } catch (WriteFailure wf) {
            IOException e = (IOException) wf.getCause();
            throw new CoreInputException(Reason.IO, "cannot decompress " + file + " into " + out.getParent()
                    + " after " + total + " bytes of output: " + describe(e));
        } catch (CoreInputException e) {
            throw e;
        } catch (AccessDeniedException e) {
            throw new CoreInputException(Reason.NO_PERMISSION,
                    file + ": permission denied (cores are usually readable only by root or their owner)");
        } catch (IOException | RuntimeException e) {
            if (raw != null && raw.readFailure != null) {
                throw new CoreInputException(Reason.IO, file + ": read error at byte " + raw.count + ": "
                        + describe(raw.readFailure));
            }
            if (raw == null && e instanceof IOException) {
                // the output file or the input could not be opened at all
                throw new CoreInputException(Reason.IO, "cannot decompress " + file + ": " + describe((IOException) e));
            }
            long at = raw == null ? 0 : raw.count;
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            // The decoders read ahead, so the count is where the damage was noticed, not where it starts.
            throw new CoreInputException(Reason.DECOMPRESS, what + (endsEarly(e, raw)
                    ? "ends early at byte " + at : "is corrupt at or before byte " + at) + " (after " + total
                    + " bytes of output: " + oneLine(detail) + ")");
        } catch (LinkageError e) {
            // zstd-jni could not load its native library (e.g. java.io.tmpdir mounted noexec)
            throw new CoreInputException(Reason.DECOMPRESS, "cannot decompress " + file + ": the " + format.label
                    + " decoder is unavailable: " + oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** Whether a decoder failure means the stream was cut short rather than damaged. */
    private static boolean endsEarly(Exception e, CountingInputStream raw) {
        if (e instanceof EOFException) {
            return true;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return raw != null && raw.sawEof
                && (m.contains("truncated") || m.contains("premature") || m.contains("unexpected end")
                        || m.contains("end of stream") || m.contains("end of input") || m.contains("end of file"));
    }

    private static void write(FileChannel ch, byte[] block, int n, long position) throws WriteFailure {
        ByteBuffer buf = ByteBuffer.wrap(block, 0, n);
        try {
            long pos = position;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            m = ((FileSystemException) e).getReason();
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() == null) {
            // the message is only the file name
            return e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e.getClass().getSimpleName() + " on " + ((FileSystemException) e).getFile();
        }
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        if (m.toLowerCase(Locale.ROOT).contains("no space left")) {
            return "no space left on the device (free some, or decompress into another directory)";
        }
        return oneLine(m);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    private static String article(String label) {
        return (label.equals("zstd") ? "a " : "an ") + label;
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes + " bytes";
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, 6); i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(String.format("%02X", b[i] & 0xff));
        }
        return s.toString();
    }

    /** Counts the compressed bytes the decoder consumed, notes EOF and keeps a read error apart from a decode error. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;
        boolean sawEof;
        IOException readFailure;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                readFailure = e;
                throw e;
            }
            if (b < 0) {
                sawEof = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(buf, off, len);
            } catch (IOException e) {
                readFailure = e;
                throw e;
            }
            if (n < 0) {
                sawEof = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s;
            try {
                s = in.skip(n);
            } catch (IOException e) {
                readFailure = e;
                throw e;
            }
            count += s;
            return s;
        }
    }
}
