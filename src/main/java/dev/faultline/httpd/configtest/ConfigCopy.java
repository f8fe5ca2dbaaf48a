package dev.faultline.httpd.configtest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A private copy of a ServerRoot tree (0700, in the temp dir) that bisection may edit freely; the original is only
 * read. Symbolic links are followed and copied as plain files, so editing a copied file can never write through a
 * link into the live tree. Logs, sockets and other special files are skipped, and the copy is bounded in size.
 *
 * <p>What is rewritten: in the copied files, the arguments of {@code ServerRoot}, {@code Include} and
 * {@code IncludeOptional} lines that name the original ServerRoot (absolute paths under it) are pointed at the copy,
 * so the copy includes its own files and not the live ones. Every other path (modules, logs, DocumentRoot) is left
 * as written: {@code apache2 -t} only reads them.
 *
 * <p>A copy made to run a server from ({@link #forServer}) is relocated whole: the root is replaced in every line of
 * every text file (DocumentRoot, Directory sections, .htaccess and scripts), it is traversable by the server's
 * user, and each file keeps its mode and, when faultline may set it, its owner, so a permission problem reproduces.
 * The root may be written in the files as another path than where the tree lies (a repository mirror of the
 * server's filesystem: {@code --root}); both spellings are relocated.
 */
public final class ConfigCopy implements AutoCloseable {
    public static final long MAX_BYTES = dev.faultline.Limits.CONFIG_COPY_BYTES;
    public static final int MAX_FILES = dev.faultline.Limits.CONFIG_COPY_FILES;
    private static final long MAX_REWRITE = dev.faultline.Limits.CONFIG_REWRITE_BYTES;
    private static final Set<String> REWRITTEN = Set.of("serverroot", "include", "includeoptional");

    private final Path originalRoot;
    /** The ServerRoot as the config files write it, when it differs from where the tree lies (else null). */
    private final String writtenRoot;
    private final boolean forServer;
    private final Path tempDir;
    private final Path copyRoot;
    private final Thread cleanup;
    private final List<String> notes = new ArrayList<>();
    /**
     * Held while a file of the copy is edited, tested and restored. On Ctrl-C the cleanup hook takes it before
     * deleting, so it never races a restore that would re-create a file in a half-deleted tree.
     */
    private final ReentrantLock editing = new ReentrantLock();
    private volatile boolean closed;

    /** Work done while a copied file holds edited content. */
    @FunctionalInterface
    public interface Edited<T> {
        T run() throws IOException;
    }

    private ConfigCopy(Path originalRoot, String writtenRoot, boolean forServer, Path tempDir) {
        this.originalRoot = originalRoot;
        this.writtenRoot = writtenRoot == null || writtenRoot.equals(originalRoot.toString()) ? null : writtenRoot;
        this.forServer = forServer;
        this.tempDir = tempDir;
        this.copyRoot = tempDir.resolve("root");
        // Ctrl-C during bisection must not leave the copy behind
        this.cleanup = new Thread(this::delete, "faultline-configtest-cleanup");
    }

    /** Copies {@code serverRoot} (absolute, real) into a new private temp dir. */
    public static ConfigCopy of(Path serverRoot) throws IOException {
        return make(serverRoot, null, false);
    }

    /**
     * Copies {@code serverRoot} (absolute, real) to run a throwaway server from: relocated whole, traversable by the
     * server's user, modes and owners kept. {@code writtenRoot} is the ServerRoot as the files write it (null: the
     * same path).
     */
    public static ConfigCopy forServer(Path serverRoot, String writtenRoot) throws IOException {
        return make(serverRoot, writtenRoot, true);
    }

    private static ConfigCopy make(Path serverRoot, String writtenRoot, boolean forServer) throws IOException {
        // a server's user (www-data) must reach its files through the temp dir: x for others, never r (no listing)
        Path temp = Files.createTempDirectory(forServer ? "faultline-check-" : "faultline-configtest-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (forServer) {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        }
        ConfigCopy copy = new ConfigCopy(serverRoot, writtenRoot, forServer, temp);
        Runtime.getRuntime().addShutdownHook(copy.cleanup);
        // the copy is made under the edit lock: a Ctrl-C now waits for it, rather than deleting a tree still growing
        copy.editing.lock();
        try {
            copy.copyTree();
            copy.rewriteRoots();
        } catch (IOException | RuntimeException e) {
            copy.editing.unlock();
            copy.close();
            throw e;
        }
        copy.editing.unlock();
        return copy;
    }

    public Path tempDir() {
        return tempDir;
    }

    public Path root() {
        return copyRoot;
    }

    public Path originalRoot() {
        return originalRoot;
    }

    /** What was skipped or could not be copied, for the report. */
    public List<String> notes() {
        return notes;
    }

    /** The copy of an original path under the ServerRoot. */
    public Path copyOf(Path original) {
        return copyRoot.resolve(originalRoot.relativize(original).toString());
    }

    /** The original path a copied path stands for (paths outside the copy are returned as they are). */
    public Path originalOf(Path copied) {
        Path p = copied.toAbsolutePath().normalize();
        return p.startsWith(copyRoot) ? originalRoot.resolve(copyRoot.relativize(p).toString()) : p;
    }

    /** Text apache2 printed about the copy, with the copy's paths turned back into the original's. */
    public String toOriginal(String text) {
        return text.replace(copyRoot.toString(), originalRoot.toString());
    }

    /** The ServerRoot as the copy's files now write it. */
    public String writtenRoot() {
        return writtenRoot != null ? writtenRoot : originalRoot.toString();
    }

    /** Writes {@code content} over the copied file {@code f}, runs {@code work}, and puts the file back. */
    public <T> T withContent(Path f, List<String> content, Edited<T> work) throws IOException {
        if (!f.toAbsolutePath().normalize().startsWith(copyRoot)) {
            throw new IllegalArgumentException(f + " is not in the copy " + copyRoot); // never edit the original
        }
        editing.lock();
        try {
            if (closed) {
                throw new IOException("the private copy was removed (interrupted)");
            }
            byte[] saved = Files.readAllBytes(f);
            try {
                Files.write(f, content, StandardCharsets.ISO_8859_1);
                return work.run();
            } finally {
                Files.write(f, saved);
            }
        } finally {
            editing.unlock();
        }
    }

    private void copyTree() throws IOException {
        long[] bytes = {0};
        int[] files = {0};
        Files.walkFileTree(originalRoot, EnumSet.of(FileVisitOption.FOLLOW_LINKS), 32, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(copyOf(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (!attrs.isRegularFile() || name.endsWith(".log") || name.matches(".*\\.log\\.\\d+(\\.gz)?")) {
                    return FileVisitResult.CONTINUE; // sockets, fifos, devices, logs: apache2 -t reads none of them
                }
                bytes[0] += attrs.size();
                if (++files[0] > MAX_FILES || bytes[0] > MAX_BYTES) {
                    throw new IOException("the ServerRoot " + originalRoot + " is larger than configtest copies ("
                            + MAX_FILES + " files, " + (MAX_BYTES >> 20) + " MiB)");
                }
                Path to = copyOf(file);
                Files.copy(file, to);
                if (forServer) {
                    keepModeAndOwner(file, to);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (forServer) {
                    keepModeAndOwner(dir, copyOf(dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                notes.add("not copied: " + file + " (" + e.getMessage() + ")");
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void rewriteRoots() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(copyRoot)) {
            all = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : all) {
            if (Files.size(f) > MAX_REWRITE || !isText(f)) {
                continue;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
            boolean changed = false;
            if (forServer) {
                for (int i = 0; i < lines.size(); i++) {
                    String rewritten = rewrite(lines.get(i));
                    if (!rewritten.equals(lines.get(i))) {
                        lines.set(i, rewritten);
                        changed = true;
                    }
                }
                if (changed) {
                    writeKeepingAttributes(f, lines);
                }
                continue;
            }
            for (ConfigLines.Line l : ConfigLines.classify(lines)) {
                if (!forServer && !REWRITTEN.contains(l.name().toLowerCase(java.util.Locale.ROOT))) {
                    continue;
                }
                for (int i = l.firstLine() - 1; i < l.lastLine(); i++) {
                    String rewritten = rewrite(lines.get(i));
                    if (!rewritten.equals(lines.get(i))) {
                        lines.set(i, rewritten);
                        changed = true;
                    }
                }
            }
            if (changed) {
                Files.write(f, lines, StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Replaces the original root (both spellings) where it stands as a whole path prefix. */
    private String rewrite(String line) {
        String once = rewrite(line, originalRoot.toString());
        return writtenRoot == null ? once : rewrite(once, writtenRoot);
    }

    /** Replaces {@code root} where it stands as a whole path prefix (followed by /, a quote, space or the end). */
    private String rewrite(String line, String root) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = line.indexOf(root, from)) >= 0) {
            int end = at + root.length();
            boolean whole = end == line.length() || "/\"' \t>".indexOf(line.charAt(end)) >= 0;
            out.append(line, from, at).append(whole ? copyRoot.toString() : root);
            from = end;
        }
        return out.append(line.substring(from)).toString();
    }

    /** The original's mode, and its owner where this process may set it (root); a failure is a note, never fatal. */
    private void keepModeAndOwner(Path original, Path copy) {
        try {
            java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(original,
                    java.nio.file.attribute.PosixFileAttributes.class);
            java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = new java.util.HashSet<>(a.permissions());
            if (Files.isDirectory(copy)) {
                mode.add(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE); // bisection and the logs write here
                mode.add(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            }
            Files.setPosixFilePermissions(copy, mode);
            java.nio.file.attribute.PosixFileAttributeView view = Files.getFileAttributeView(copy,
                    java.nio.file.attribute.PosixFileAttributeView.class);
            if (!a.owner().equals(view.getOwner())) {
                view.setOwner(a.owner());
            }
            if (!a.group().equals(view.readAttributes().group())) {
                view.setGroup(a.group());
            }
        } catch (IOException | UnsupportedOperationException e) {
            if (notes.size() < 20) {
                notes.add("the copy of " + original + " has this user's owner or mode, not the original's ("
                        + e.getClass().getSimpleName() + "): a permission problem there may not reproduce");
            }
        }
    }

    /** Rewrites a copied file in place: same inode, so the mode and owner kept from the original stay. */
    private static void writeKeepingAttributes(Path f, List<String> lines) throws IOException {
        Files.write(f, lines, StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE);
    }

    private static boolean isText(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            for (byte b : in.readNBytes(8192)) {
                if (b == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    // synchronized: on Ctrl-C the hook and the main thread's close() both delete; one after the other, the second
    // finds nothing, instead of two walks tripping over each other's deletions
    private synchronized void delete() {
        try {
            // an edit in progress finishes (one apache2 -t run) and restores first; a stuck one is not waited for
            if (editing.tryLock(10, TimeUnit.SECONDS)) {
                closed = true;
                editing.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        // an apache2 -t still running (it was interrupted too) may write its output file while the tree goes:
        // walk again until the directory is gone
        for (int attempt = 0; attempt < 100 && Files.exists(tempDir); attempt++) {
            List<Path> all = new java.util.ArrayList<>();
            try (Stream<Path> s = Files.walk(tempDir)) {
                s.forEach(all::add);
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // a file vanished under the walk: delete what was seen, the next attempt sees the rest
            }
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a directory that gained a file meanwhile: the next attempt
                }
            }
            if (Files.exists(tempDir)) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // shutting down: the hook runs (or ran) anyway
        }
    }
}
