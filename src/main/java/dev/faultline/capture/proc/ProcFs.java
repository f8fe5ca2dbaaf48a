package dev.faultline.capture.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a Linux {@code /proc} tree (the real one, or a copy rooted anywhere for tests). Each parse is a static
 * method on text so it can be tested on captured samples; lines that do not parse are skipped.
 *
 * <p>A process that is gone, or that never existed, gives {@link NoSuchProcessException}; a file the caller may not
 * read gives {@link ProcAccessException}. A pid may also name a thread: {@code /proc/TID} answers like its process.
 */
public final class ProcFs {

    /** The process (or thread) has exited, or never existed. */
    public static final class NoSuchProcessException extends IOException {
        private final int pid;

        public NoSuchProcessException(int pid, Throwable cause) {
            super("no such process: " + pid, cause);
            this.pid = pid;
        }

        public int pid() {
            return pid;
        }
    }

    /** Permission denied on a /proc file: another user's process, or ptrace access mode refused. */
    public static final class ProcAccessException extends IOException {
        private final Path file;

        public ProcAccessException(Path file, Throwable cause) {
            super("permission denied: " + file, cause);
            this.file = file;
        }

        public Path file() {
            return file;
        }
    }

    private final Path root;

    public ProcFs(Path root) {
        this.root = root;
    }

    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    public Path root() {
        return root;
    }

    /** Every process now, by pid (sorted); one may be gone by the time it is read. */
    public List<Integer> pids() throws IOException {
        List<Integer> out = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() < 10) {
                    out.add(Integer.parseInt(n));
                }
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    public boolean exists(int pid) {
        return Files.isDirectory(pidDir(pid));
    }

    public ProcStatus status(int pid) throws IOException {
        return parseStatus(readText(pid, pidDir(pid).resolve("status")));
    }

    /** The thread ids of the process, sorted; the first is usually the pid itself. */
    public List<Integer> tasks(int pid) throws IOException {
        return numericEntries(pid, pidDir(pid).resolve("task"));
    }

    /** The child processes of every thread of {@code pid}, sorted: a child belongs to the thread that forked it. */
    public List<Integer> children(int pid) throws IOException {
        TreeSet<Integer> all = new TreeSet<>();
        for (int tid : tasks(pid)) {
            Path file = pidDir(pid).resolve("task").resolve(Integer.toString(tid)).resolve("children");
            try {
                all.addAll(parseChildren(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII)));
            } catch (NoSuchFileException e) {
                if (!exists(pid)) {
                    throw new NoSuchProcessException(pid, e);
                }
                // that thread exited since tasks() listed it
            } catch (IOException e) {
                throw failure(e, pid, file);
            }
        }
        return new ArrayList<>(all);
    }

    public List<Mapping> maps(int pid) throws IOException {
        return parseMaps(readText(pid, pidDir(pid).resolve("maps")));
    }

    /** Open fds and what they point to: a path (maybe ending in " (deleted)"), "socket:[INODE]", "pipe:[INODE]"... */
    public Map<Integer, String> fds(int pid) throws IOException {
        Path dir = pidDir(pid).resolve("fd");
        Map<Integer, String> fds = new TreeMap<>();
        for (int fd : numericEntries(pid, dir)) {
            Path link = dir.resolve(Integer.toString(fd));
            try {
                fds.put(fd, Files.readSymbolicLink(link).toString());
            } catch (NoSuchFileException e) {
                if (!exists(pid)) {
                    throw new NoSuchProcessException(pid, e);
                }
                // closed since the listing
            } catch (IOException e) {
                throw failure(e, pid, link);
            }
        }
        return fds;
    }

    /** The fdinfo of an open fd, or null when {@code fd} is not open. */
    public FdInfo fdinfo(int pid, int fd) throws IOException {
        Path file = pidDir(pid).resolve("fdinfo").resolve(Integer.toString(fd));
        try {
            return parseFdinfo(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            if (!exists(pid)) {
                throw new NoSuchProcessException(pid, e);
            }
            return null;
        } catch (IOException e) {
            throw failure(e, pid, file);
        }
    }

    /**
     * {@code /proc/PID/root} when the process sees another file system than this one (its mount namespace differs:
     * a container), so its paths can be read from here; null when it sees the same, or when that cannot be told.
     */
    public Path rootIfOtherMountNamespace(int pid) {
        try {
            Path theirs = Files.readSymbolicLink(root.resolve(pid + "/ns/mnt"));
            Path ours = Files.readSymbolicLink(root.resolve("self/ns/mnt"));
            return theirs.equals(ours) ? null : root.resolve(pid + "/root");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /**
     * The process's pid in its own, innermost pid namespace (the last {@code NSpid} field: 1 for a container's first
     * process), or its pid here when it shares ours or the kernel predates NSpid (4.1).
     */
    public int innermostPid(int pid) {
        try {
            int inner = status(pid).nsPid();
            return inner > 0 ? inner : pid;
        } catch (IOException | RuntimeException e) {
            return pid; // gone: the pid as seen here
        }
    }

    /** The arguments; empty for kernel threads and zombies. */
    public List<String> cmdline(int pid) throws IOException {
        Path file = pidDir(pid).resolve("cmdline");
        try {
            return parseCmdline(Files.readAllBytes(file));
        } catch (IOException e) {
            throw failure(e, pid, file);
        }
    }

    /** The working directory, or null when the process has none to show (a zombie). */
    public String cwd(int pid) throws IOException {
        return linkTarget(pid, pidDir(pid).resolve("cwd"));
    }

    /** The executable's path, or null for kernel threads and zombies. */
    public String exe(int pid) throws IOException {
        return linkTarget(pid, pidDir(pid).resolve("exe"));
    }

    // ---- parsing, on captured text ----

    public static ProcStatus parseStatus(String text) {
        String name = "";
        char state = '?';
        int tgid = -1;
        int pid = -1;
        int ppid = -1;
        int tracerPid = -1;
        int uid = -1;
        int threads = -1;
        int nsPid = -1;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1);
            switch (key) {
                case "Name" -> name = unescapeName(value.startsWith("\t") ? value.substring(1) : value);
                case "State" -> state = value.isBlank() ? state : value.strip().charAt(0);
                case "Tgid" -> tgid = firstInt(value, tgid);
                case "Pid" -> pid = firstInt(value, pid);
                case "PPid" -> ppid = firstInt(value, ppid);
                case "TracerPid" -> tracerPid = firstInt(value, tracerPid);
                case "Uid" -> uid = firstInt(value, uid);
                case "Threads" -> threads = firstInt(value, threads);
                case "NSpid" -> nsPid = lastInt(value, nsPid);
                default -> {
                }
            }
        }
        return new ProcStatus(name, state, tgid, pid, ppid, tracerPid, uid, threads, nsPid);
    }

    /** Parses maps lines: {@code start-end perms offset dev inode [path]}, addresses and offset in hex. */
    public static List<Mapping> parseMaps(String text) {
        List<Mapping> maps = new ArrayList<>();
        for (String line : text.split("\n")) {
            Mapping m = parseMapsLine(line);
            if (m != null) {
                maps.add(m);
            }
        }
        return maps;
    }

    public static FdInfo parseFdinfo(String text) {
        long pos = -1;
        int flags = -1;
        int mntId = -1;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String value = line.substring(colon + 1).strip();
            try {
                switch (line.substring(0, colon)) {
                    case "pos" -> pos = Long.parseLong(value);
                    case "flags" -> flags = Integer.parseInt(value, 8);
                    case "mnt_id" -> mntId = Integer.parseInt(value);
                    default -> {
                    }
                }
            } catch (NumberFormatException e) {
                // skipped, like any line that does not parse
            }
        }
        return new FdInfo(pos, flags, mntId);
    }

    /** Splits NUL-separated arguments; the final NUL is a terminator, not an empty last argument. */
    public static List<String> parseCmdline(byte[] data) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == 0) {
                if (i > start || i < data.length) {
                    args.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return args;
    }

    /** Parses {@code task/TID/children}: space-separated pids, with a trailing space. */
    public static List<Integer> parseChildren(String text) {
        List<Integer> pids = new ArrayList<>();
        for (String word : text.strip().split("\\s+")) {
            Integer pid = parsePid(word);
            if (pid != null) {
                pids.add(pid);
            }
        }
        return pids;
    }

    // ---- helpers ----

    private Path pidDir(int pid) {
        return root.resolve(Integer.toString(pid));
    }

    private String readText(int pid, Path file) throws IOException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure(e, pid, file);
        }
    }

    private List<Integer> numericEntries(int pid, Path dir) throws IOException {
        List<Integer> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Integer id = parsePid(entry.getFileName().toString());
                if (id != null) {
                    ids.add(id);
                }
            }
        } catch (IOException e) {
            throw failure(e, pid, dir);
        }
        ids.sort(null);
        return ids;
    }

    private String linkTarget(int pid, Path link) throws IOException {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (NoSuchFileException e) {
            // a live zombie or kernel thread has the link but it does not resolve
            if (!exists(pid)) {
                throw new NoSuchProcessException(pid, e);
            }
            return null;
        } catch (IOException e) {
            throw failure(e, pid, link);
        }
    }

    /** Names what went wrong: access denied, the process gone (ENOENT or ESRCH mid-read), or else {@code e}. */
    IOException failure(IOException e, int pid, Path file) {
        if (e instanceof AccessDeniedException) {
            return new ProcAccessException(file, e);
        }
        if (!exists(pid)) {
            return new NoSuchProcessException(pid, e);
        }
        return e;
    }

    private static Mapping parseMapsLine(String line) {
        String[] f = new String[5];
        int at = 0;
        for (int i = 0; i < f.length; i++) {
            int space = line.indexOf(' ', at);
            if (space < 0) {
                if (i < f.length - 1 || at >= line.length()) {
                    return null;
                }
                space = line.length();
            }
            f[i] = line.substring(at, space);
            at = space + 1;
        }
        int dash = f[0].indexOf('-');
        if (dash <= 0 || f[1].length() != 4) {
            return null;
        }
        while (at < line.length() && line.charAt(at) == ' ') {
            at++;
        }
        // the kernel writes a newline in a path as \012 and escapes nothing else
        String path = at < line.length() ? line.substring(at) : "";
        try {
            return new Mapping(Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                    Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1], Long.parseUnsignedLong(f[2], 16),
                    f[3], Long.parseLong(f[4]), path.replace("\\012", "\n"));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The kernel escapes a newline as {@code \n} and a backslash as {@code \\} in the Name line. */
    private static String unescapeName(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The last whitespace-separated number of a status value (NSpid lists the outermost namespace's pid first). */
    private static int lastInt(String value, int fallback) {
        String s = value.strip();
        int start = s.length();
        while (start > 0 && !Character.isWhitespace(s.charAt(start - 1))) {
            start--;
        }
        return firstInt(s.substring(start), fallback);
    }

    private static int firstInt(String value, int fallback) {
        String s = value.strip();
        int end = 0;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        try {
            return Integer.parseInt(s.substring(0, end));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Integer parsePid(String word) {
        if (word.isEmpty() || word.length() > 10) {
            return null;
        }
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) < '0' || word.charAt(i) > '9') {
                return null;
            }
        }
        long v = Long.parseLong(word);
        return v > Integer.MAX_VALUE ? null : (int) v;
    }
}
