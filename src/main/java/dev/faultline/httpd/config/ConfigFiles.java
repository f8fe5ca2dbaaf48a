package dev.faultline.httpd.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a configuration's files are read from, by the absolute path the server used. The disk, optionally under a
 * prefix: {@code /proc/PID/root} for a server in a container, or a snapshot directory given with {@code --root}
 * (a path found under the prefix wins; otherwise the live path is read).
 */
public class ConfigFiles {
    public static final int MAX_FILE_BYTES = dev.faultline.Limits.CONFIG_FILE_BYTES;

    private final Path prefix;

    public ConfigFiles(Path prefix) {
        this.prefix = prefix;
    }

    public static ConfigFiles disk() {
        return new ConfigFiles(null);
    }

    /** The real file behind a server path: under the prefix when it is there, else the path itself. */
    public Path locate(String path) {
        if (path == null || path.indexOf('\0') >= 0 || !path.startsWith("/")) {
            return null;
        }
        try {
            if (prefix != null) {
                Path under = prefix.resolve(path.substring(1));
                if (Files.exists(under, LinkOption.NOFOLLOW_LINKS) || Files.exists(under)) {
                    return under;
                }
            }
            return Path.of(path);
        } catch (RuntimeException e) {
            return null; // an invalid path names no file
        }
    }

    /** The file's bytes, at most {@link #MAX_FILE_BYTES}; null when it is missing or unreadable. */
    public byte[] read(String path) {
        Path p = locate(path);
        if (p == null || !Files.isRegularFile(p)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(MAX_FILE_BYTES);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    public boolean exists(String path) {
        Path p = locate(path);
        return p != null && Files.exists(p);
    }

    public boolean isDirectory(String path) {
        Path p = locate(path);
        return p != null && Files.isDirectory(p);
    }

    /** The names in a directory, sorted as httpd sorts them (strcmp, i.e. by UTF-8 bytes); empty when unreadable. */
    public List<String> list(String dir) {
        Path p = locate(dir);
        List<String> out = new ArrayList<>();
        if (p == null || !Files.isDirectory(p)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
            for (Path e : s) {
                out.add(e.getFileName().toString());
            }
        } catch (IOException | SecurityException e) {
            return out;
        }
        Collections.sort(out); // Java compares UTF-16 units: the same as strcmp outside surrogate pairs
        return out;
    }
}
