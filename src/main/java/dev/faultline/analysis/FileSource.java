package dev.faultline.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the files a trace names, from the machine itself or from a copy of the server's tree ({@code --root}),
 * to find a referrer's line when the trace did not print the buffer. Bounded: small files only, few of them.
 */
public final class FileSource implements dev.faultline.httpd.fix.ServerFiles {
    static final long MAX_FILE = dev.faultline.Limits.SOURCE_FILE_BYTES;
    static final int MAX_DIR_FILES = dev.faultline.Limits.SOURCE_DIR_FILES;

    private final Path root;

    /** @param root a directory holding a copy of the server's filesystem, or null to read the live one. */
    public FileSource(Path root) {
        this.root = root;
    }

    @Override
    public Path locate(String serverPath) {
        return serverPath != null && serverPath.startsWith("/") ? locate(serverPath, null) : null;
    }

    @Override
    public Path locateDir(String serverDir) {
        return serverDir != null && serverDir.startsWith("/") ? locateDir(serverDir, null) : null;
    }

    /** The directory holding a copy of the server's filesystem, or null when the live one is read. */
    public Path root() {
        return root;
    }

    Path locate(String tracePath, String cwd) {
        if (tracePath == null || tracePath.indexOf('\0') >= 0 || cwd != null && cwd.indexOf('\0') >= 0) {
            return null; // a path with NUL (a "\0" escape in the trace) names no file, and Path.of refuses it
        }
        List<Path> tries = new ArrayList<>();
        String abs = tracePath.startsWith("/") ? tracePath : null;
        if (abs != null) {
            if (root != null) {
                tries.add(root.resolve(abs.substring(1)));
            }
            tries.add(Path.of(abs));
        } else {
            if (cwd != null) {
                if (root != null) {
                    tries.add(root.resolve((cwd + "/" + tracePath).replaceFirst("^/+", "")));
                }
                tries.add(Path.of(cwd, tracePath));
            }
            if (root != null) {
                tries.add(root.resolve(tracePath));
            }
        }
        for (Path p : tries) {
            try {
                if (Files.isRegularFile(p) && Files.size(p) <= MAX_FILE) {
                    return p;
                }
            } catch (IOException | SecurityException ignored) {
                // unreadable candidates are skipped; the trace evidence still stands
            }
        }
        return null;
    }

    String read(String tracePath, String cwd) {
        Path p = locate(tracePath, cwd);
        if (p == null) {
            return null;
        }
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Files next to {@code tracePath}'s directory and its parents (a few levels), as trace-style paths. */
    List<String> neighbours(String tracePath, String cwd, int levels) {
        List<String> out = new ArrayList<>();
        String dir = tracePath;
        for (int level = 0; level <= levels; level++) {
            int slash = dir.lastIndexOf('/');
            if (slash <= 0) {
                break;
            }
            dir = dir.substring(0, slash);
            Path local = locateDir(dir, cwd);
            if (local == null) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(local)) {
                for (Path f : ds) {
                    if (out.size() >= MAX_DIR_FILES) {
                        return out;
                    }
                    if (Files.isRegularFile(f)) {
                        out.add(dir + "/" + f.getFileName());
                    }
                }
            } catch (IOException | SecurityException ignored) {
                // a directory we cannot list adds nothing
            }
        }
        return out;
    }

    private Path locateDir(String dir, String cwd) {
        if (dir.indexOf('\0') >= 0 || cwd != null && cwd.indexOf('\0') >= 0) {
            return null;
        }
        List<Path> tries = new ArrayList<>();
        if (dir.startsWith("/")) {
            if (root != null) {
                tries.add(root.resolve(dir.substring(1)));
            }
            tries.add(Path.of(dir));
        } else {
            if (root != null) {
                tries.add(root.resolve(dir));
            }
            if (cwd != null) {
                tries.add(Path.of(cwd, dir));
            }
        }
        for (Path p : tries) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }
}
