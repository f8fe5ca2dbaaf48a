package dev.faultline.core;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the core file of a crashed process for {@code faultline core --pid PID}.
 *
 * <p>Where the kernel put a core is decided by {@code /proc/sys/kernel/core_pattern} (see core(5)); the rules
 * followed here:
 * <ul>
 *   <li><b>A pipe</b> ({@code |/path/to/handler ...}): the kernel hands the core to a program, not a file.
 *     <ul>
 *       <li><b>systemd-coredump</b>: cores are stored in {@code /var/lib/systemd/coredump} as
 *         {@code core.COMM.UID.BOOTID.PID.USEC[.zst|.lz4|.xz]}; the files whose PID field is the pid are
 *         candidates (compressed ones are for {@link CoreSource}). Only when there is none there (for example
 *         with {@code Storage=journal}, or an unreadable directory) and {@code coredumpctl} is on PATH,
 *         {@code coredumpctl --no-pager -q dump PID -o TEMPFILE} is run (stdin from /dev/null, 30 s timeout)
 *         and its output becomes a candidate: a temporary file, deleted when the JVM exits, that the caller may
 *         delete sooner. (Running it when the file is already there would only write an uncompressed, non-sparse
 *         copy of it.)</li>
 *       <li><b>apport</b> (Ubuntu): reports are {@code /var/crash/*.crash}, a text format that holds the core
 *         base64-encoded under {@code CoreDump:}. Reports whose {@code Pid:} is the pid, or that name no pid,
 *         are listed with a {@code how} that says to extract the core with {@code apport-unpack}; they are not
 *         cores themselves ({@link Candidate#apportReport()}). Reports of another pid are left out.</li>
 *       <li>any other handler: nothing can be said about where it keeps cores; only the plain names below are
 *         looked for.</li>
 *     </ul></li>
 *   <li><b>Otherwise a path template</b>: {@code %p} and {@code %P} become the pid, {@code %%} a percent sign;
 *     what is not known about a process that is gone becomes a wildcard: {@code %i %I} (thread id), {@code %s}
 *     (signal), {@code %t} (time), {@code %u %g} (uid, gid), {@code %c} (core size limit), {@code %d} (dump
 *     mode) match digits, {@code %e %E %f %h} (names, host) match any text without a slash. Any other
 *     {@code %X}, and a trailing {@code %}, is dropped as the kernel drops it. When the template has no
 *     {@code %p} and {@code /proc/sys/kernel/core_uses_pid} is 1, the kernel appends {@code .PID}, and so does
 *     this. An absolute template is matched from {@code /}; a relative one (the kernel resolves it against the
 *     crashing process's working directory) against each search directory: the extra directories (the CLI's
 *     {@code --dir} values, e.g. Apache's {@code CoreDumpDirectory}) and the process's cwd when known. Wildcards
 *     may stand in directory components too.</li>
 *   <li><b>Always</b>, whatever the pattern, the plain names {@code core.PID} and {@code core} are looked for in
 *     the search directories. A file found by a name without the pid in it (plain {@code core}, or a template
 *     without {@code %p}) may belong to another process; its {@code how} says so.</li>
 * </ul>
 * Only regular files count. Candidates are ordered newest (modification time) first, the one extracted by
 * coredumpctl ahead of the rest; a file found twice (through two search directories) is listed once.
 */
public final class CoreLocator {
    /** Where systemd-coredump keeps cores. */
    public static final Path SYSTEMD_COREDUMP_DIR = Path.of("/var/lib/systemd/coredump");
    /** Where apport keeps its crash reports. */
    public static final Path APPORT_CRASH_DIR = Path.of("/var/crash");
    /** How long {@code coredumpctl dump} may take. */
    static final long COREDUMPCTL_TIMEOUT_SECONDS = 30;

    private CoreLocator() {}

    /** A file that may be the core, and how it was found (one phrase, for the CLI to print). */
    public record Candidate(Path path, String how) {
        /** True for an apport report ({@code *.crash}): the core is inside it, base64-encoded, not the file itself. */
        public boolean apportReport() {
            return path.getFileName() != null && path.getFileName().toString().endsWith(".crash");
        }
    }

    /**
     * What the locator needs to know about the machine.
     *
     * @param corePattern the text of /proc/sys/kernel/core_pattern (a trailing newline is ignored; null or blank means "core")
     * @param coreUsesPid /proc/sys/kernel/core_uses_pid is non-zero
     * @param coredumpctl the coredumpctl executable, or null when it is not on PATH
     * @param extraDirs directories to search for a relative template and plain names (the CLI's --dir values)
     * @param cwd the crashed process's working directory, or null when unknown
     * @param systemdCoredumpDir where systemd-coredump stores cores ({@link #SYSTEMD_COREDUMP_DIR})
     * @param apportCrashDir where apport stores reports ({@link #APPORT_CRASH_DIR})
     * @param tempDir where {@code coredumpctl dump} writes ({@code java.io.tmpdir})
     */
    public record LocatorEnvironment(
            String corePattern,
            boolean coreUsesPid,
            Path coredumpctl,
            List<Path> extraDirs,
            Path cwd,
            Path systemdCoredumpDir,
            Path apportCrashDir,
            Path tempDir) {
        public LocatorEnvironment {
            corePattern = corePattern == null ? null : corePattern.replaceAll("[\\r\\n]+$", "");
            extraDirs = extraDirs == null ? List.of() : List.copyOf(extraDirs);
            systemdCoredumpDir = systemdCoredumpDir == null ? SYSTEMD_COREDUMP_DIR : systemdCoredumpDir;
            apportCrashDir = apportCrashDir == null ? APPORT_CRASH_DIR : apportCrashDir;
            tempDir = tempDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : tempDir;
        }

        /** This machine: core_pattern and core_uses_pid from /proc, coredumpctl from PATH; no extra dirs, cwd unknown. */
        public static LocatorEnvironment system() {
            return new LocatorEnvironment(readProc("/proc/sys/kernel/core_pattern"),
                    nonZero(readProc("/proc/sys/kernel/core_uses_pid")), onPath("coredumpctl"), List.of(), null, null,
                    null, null);
        }

        /** This machine, with the given extra directories and cwd (null when unknown). */
        public static LocatorEnvironment system(List<Path> extraDirs, Path cwd) {
            return system().withExtraDirs(extraDirs).withCwd(cwd);
        }

        /** A made-up machine (for tests): the given pattern, no coredumpctl, default store directories. */
        public static LocatorEnvironment of(String corePattern, boolean coreUsesPid, List<Path> extraDirs, Path cwd) {
            return new LocatorEnvironment(corePattern, coreUsesPid, null, extraDirs, cwd, null, null, null);
        }

        public boolean hasCoredumpctl() {
            return coredumpctl != null;
        }

        public LocatorEnvironment withExtraDirs(List<Path> dirs) {
            return new LocatorEnvironment(corePattern, coreUsesPid, coredumpctl, dirs, cwd, systemdCoredumpDir,
                    apportCrashDir, tempDir);
        }

        public LocatorEnvironment withCwd(Path dir) {
            return new LocatorEnvironment(corePattern, coreUsesPid, coredumpctl, extraDirs, dir, systemdCoredumpDir,
                    apportCrashDir, tempDir);
        }

        public LocatorEnvironment withStores(Path systemdDir, Path apportDir) {
            return new LocatorEnvironment(corePattern, coreUsesPid, coredumpctl, extraDirs, cwd, systemdDir,
                    apportDir, tempDir);
        }

        public LocatorEnvironment withCoredumpctl(Path executable, Path outputDir) {
            return new LocatorEnvironment(corePattern, coreUsesPid, executable, extraDirs, cwd, systemdCoredumpDir,
                    apportCrashDir, outputDir);
        }

        /** core_pattern without its trailing newline; "core" when unset or blank. */
        public String pattern() {
            return corePattern == null || corePattern.isBlank() ? "core" : corePattern;
        }

        /** The search directories for a relative template: the extra directories, then the cwd; no repeats. */
        public List<Path> searchDirs() {
            List<Path> dirs = new ArrayList<>();
            for (Path d : extraDirs) {
                if (!dirs.contains(d)) {
                    dirs.add(d);
                }
            }
            if (cwd != null && !dirs.contains(cwd)) {
                dirs.add(cwd);
            }
            return dirs;
        }

        private static boolean nonZero(String s) {
            return s != null && !s.isBlank() && !s.strip().equals("0");
        }
    }

    /** The candidates for the core of {@code pid}, newest first; empty when none was found. Never throws for I/O. */
    public static List<Candidate> find(int pid, LocatorEnvironment env) {
        String pattern = env.pattern();
        Map<Path, Found> found = new LinkedHashMap<>();
        Candidate extracted = null;
        if (pattern.startsWith("|")) {
            if (isSystemdCoredump(pattern)) {
                systemdStore(pid, env, found);
                if (found.isEmpty() && env.hasCoredumpctl()) {
                    extracted = coredumpctlDump(pid, env);
                }
            } else if (isApport(pattern)) {
                apportReports(pid, env, found);
            }
        } else {
            Template t = Template.parse(pattern, pid, env.coreUsesPid());
            String how = "core_pattern '" + pattern + "'" + (t.hasPid ? "" : " (has no %p: may be another process's core)");
            if (t.absolute) {
                match(Path.of("/"), t.components, how, found);
            } else {
                for (Path dir : env.searchDirs()) {
                    match(dir, t.components, how + " in " + dir, found);
                }
            }
        }
        for (Path dir : env.searchDirs()) {
            plain(dir.resolve("core." + pid), "named core." + pid + " in " + dir, found);
            plain(dir.resolve("core"), "named core in " + dir + " (the name has no pid: may be another process's core)",
                    found);
        }
        List<Found> files = new ArrayList<>(found.values());
        files.sort(Comparator.comparing((Found f) -> f.mtime).reversed());
        List<Candidate> out = new ArrayList<>();
        if (extracted != null) {
            out.add(extracted);
        }
        for (Found f : files) {
            out.add(new Candidate(f.path, f.how));
        }
        return out;
    }

    /** One line saying where {@link #find} looks for the core of {@code pid}, for a "no core found" message. */
    public static String explain(int pid, LocatorEnvironment env) {
        String pattern = env.pattern();
        List<Path> dirs = env.searchDirs();
        String plain = "core." + pid + " and core in " + join(dirs);
        if (pattern.startsWith("|")) {
            String also = dirs.isEmpty() ? "" : "; and for " + plain;
            if (isSystemdCoredump(pattern)) {
                return "core_pattern pipes cores to systemd-coredump: looked in " + env.systemdCoredumpDir()
                        + " for core.*." + pid + ".*" + (env.hasCoredumpctl() ? " and asked coredumpctl dump " + pid
                                : " (coredumpctl is not on PATH)") + also;
            }
            if (isApport(pattern)) {
                return "core_pattern pipes cores to apport: looked in " + env.apportCrashDir() + " for *.crash reports"
                        + also;
            }
            return "core_pattern pipes cores to a program (" + pattern.substring(1).strip()
                    + ") whose store faultline does not know; "
                    + (dirs.isEmpty() ? "pass --dir DIR where it keeps them" : "looked for " + plain);
        }
        Template t = Template.parse(pattern, pid, env.coreUsesPid());
        String what = "core_pattern '" + pattern + "'" + (t.appendedPid ? " (+ ." + pid + ", core_uses_pid=1)" : "");
        if (t.absolute) {
            return "looked for " + what + (dirs.isEmpty() ? "" : "; and for " + plain);
        }
        if (dirs.isEmpty()) {
            return what + " is relative to the crashed process's working directory, which is not known;"
                    + " pass --dir DIR (e.g. Apache's CoreDumpDirectory)";
        }
        return "looked for " + what + " and for " + plain;
    }

    static boolean isSystemdCoredump(String pattern) {
        return pattern.contains("systemd-coredump");
    }

    static boolean isApport(String pattern) {
        return pattern.contains("apport");
    }

    // ---------------------------------------------------------------------------------------------- template

    /** A core_pattern path template expanded for one pid: a regex per path component. */
    static final class Template {
        final boolean absolute;
        final boolean hasPid;
        final boolean appendedPid;
        /** One entry per non-empty path component: a regex (anchored by the caller), or a literal name. */
        final List<Component> components;

        private Template(boolean absolute, boolean hasPid, boolean appendedPid, List<Component> components) {
            this.absolute = absolute;
            this.hasPid = hasPid;
            this.appendedPid = appendedPid;
            this.components = components;
        }

        static Template parse(String pattern, int pid, boolean coreUsesPid) {
            String digits = "[0-9]+";
            String text = "[^/]*";
            List<Component> comps = new ArrayList<>();
            StringBuilder regex = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            boolean wild = false;
            boolean pidSeen = false;
            boolean pidInPattern = false;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '/') {
                    addComponent(comps, regex, literal, wild);
                    regex.setLength(0);
                    literal.setLength(0);
                    wild = false;
                    continue;
                }
                if (c != '%') {
                    regex.append(Pattern.quote(String.valueOf(c)));
                    literal.append(c);
                    continue;
                }
                if (i + 1 >= pattern.length()) {
                    break; // a trailing % is dropped
                }
                char s = pattern.charAt(++i);
                switch (s) {
                    case '%':
                        regex.append(Pattern.quote("%"));
                        literal.append('%');
                        break;
                    case 'p':
                    case 'P':
                        pidInPattern |= s == 'p';
                        pidSeen = true;
                        regex.append(pid);
                        literal.append(pid);
                        break;
                    case 'i':
                    case 'I':
                    case 's':
                    case 't':
                    case 'u':
                    case 'g':
                    case 'c':
                    case 'd':
                    case 'F':
                        regex.append(digits);
                        wild = true;
                        break;
                    case 'e':
                    case 'E':
                    case 'f':
                    case 'h':
                        regex.append(text);
                        wild = true;
                        break;
                    default:
                        break; // the kernel drops an unknown %X
                }
            }
            boolean appended = false;
            if (!pidInPattern && coreUsesPid) {
                regex.append(Pattern.quote(".")).append(pid);
                literal.append('.').append(pid);
                appended = true;
                pidSeen = true;
            }
            addComponent(comps, regex, literal, wild);
            return new Template(pattern.startsWith("/"), pidSeen, appended, List.copyOf(comps));
        }

        private static void addComponent(List<Component> comps, StringBuilder regex, StringBuilder literal, boolean wild) {
            if (literal.length() == 0 && !wild) {
                return; // empty component: "//" or a leading "/"
            }
            comps.add(wild ? new Component(null, Pattern.compile(regex.toString())) : new Component(literal.toString(), null));
        }

        /** The whole template as one regex over a relative path, for tests and messages. */
        String regex() {
            StringBuilder s = new StringBuilder();
            for (Component c : components) {
                if (s.length() > 0) {
                    s.append('/');
                }
                s.append(c.literal != null ? Pattern.quote(c.literal) : c.regex.pattern());
            }
            return s.toString();
        }

        /** True when the relative path {@code rel} (components separated by '/') is what the template names. */
        boolean matches(String rel) {
            return Pattern.compile(regex()).matcher(rel).matches();
        }
    }

    /** A path component of a template: a literal name, or a regex over names. */
    record Component(String literal, Pattern regex) {}

    private record Found(Path path, String how, FileTime mtime) {}

    private static void match(Path base, List<Component> comps, String how, Map<Path, Found> found) {
        matchFrom(base, comps, 0, how, found);
    }

    private static void matchFrom(Path dir, List<Component> comps, int i, String how, Map<Path, Found> found) {
        if (comps.isEmpty()) {
            return;
        }
        Component c = comps.get(i);
        boolean last = i == comps.size() - 1;
        List<Path> next = new ArrayList<>();
        if (c.literal() != null) {
            next.add(dir.resolve(c.literal()));
        } else {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    if (c.regex().matcher(p.getFileName().toString()).matches()) {
                        next.add(p);
                    }
                }
            } catch (IOException | SecurityException e) {
                return; // not there, or not readable: nothing found here
            }
        }
        for (Path p : next) {
            if (last) {
                plain(p, how, found);
            } else if (Files.isDirectory(p)) {
                matchFrom(p, comps, i + 1, how, found);
            }
        }
    }

    /** Adds {@code file} when it is a regular file not yet found. */
    private static void plain(Path file, String how, Map<Path, Found> found) {
        try {
            if (!Files.isRegularFile(file)) {
                return;
            }
            Path key;
            try {
                key = file.toRealPath();
            } catch (IOException e) {
                key = file.toAbsolutePath().normalize();
            }
            if (!found.containsKey(key)) {
                found.put(key, new Found(file, how, Files.getLastModifiedTime(file)));
            }
        } catch (IOException | SecurityException e) {
            // vanished or unreadable between the checks: skip it
        }
    }

    // --------------------------------------------------------------------------------------- systemd-coredump

    /** core.COMM.UID.BOOTID.PID.USEC with an optional compression suffix; COMM may itself hold dots. */
    static Pattern systemdName(int pid) {
        return Pattern.compile("core\\..+\\.[0-9]+\\.[0-9a-f]+\\." + pid + "\\.[0-9]+(\\.(zst|lz4|xz))?");
    }

    private static void systemdStore(int pid, LocatorEnvironment env, Map<Path, Found> found) {
        Pattern name = systemdName(pid);
        Path dir = env.systemdCoredumpDir();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (name.matcher(n).matches()) {
                    String suffix = n.endsWith(".zst") ? ", zstd-compressed" : n.endsWith(".lz4") ? ", lz4-compressed"
                            : n.endsWith(".xz") ? ", xz-compressed" : "";
                    plain(p, "stored by systemd-coredump in " + dir + suffix, found);
                }
            }
        } catch (IOException | SecurityException e) {
            // missing or unreadable (cores there are root's): coredumpctl may still reach it
        }
    }

    private static Candidate coredumpctlDump(int pid, LocatorEnvironment env) {
        Path dir = null;
        Path out = null;
        Process proc = null;
        try {
            dir = Files.createTempDirectory(env.tempDir(), "faultline-coredumpctl-");
            dir.toFile().deleteOnExit();
            out = dir.resolve("core." + pid);
            out.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(env.coredumpctl().toString(), "--no-pager", "-q", "dump",
                    String.valueOf(pid), "-o", out.toString());
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            proc = pb.start();
            if (!proc.waitFor(COREDUMPCTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                proc.waitFor(5, TimeUnit.SECONDS);
                return cleanup(out, dir);
            }
            if (proc.exitValue() != 0 || !Files.isRegularFile(out) || Files.size(out) == 0) {
                return cleanup(out, dir);
            }
            return new Candidate(out, "extracted with coredumpctl dump " + pid + " (a temporary copy)");
        } catch (IOException e) {
            return cleanup(out, dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (proc != null) {
                proc.destroyForcibly();
            }
            return cleanup(out, dir);
        }
    }

    private static Candidate cleanup(Path out, Path dir) {
        try {
            if (out != null) {
                Files.deleteIfExists(out);
            }
            if (dir != null) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // deleteOnExit is the fallback
        }
        return null;
    }

    // -------------------------------------------------------------------------------------------------- apport

    private static final Pattern APPORT_PID = Pattern.compile("^\\s*Pid:\\s*([0-9]+)\\s*$");

    private static void apportReports(int pid, LocatorEnvironment env, Map<Path, Found> found) {
        Path dir = env.apportCrashDir();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.crash")) {
            for (Path p : ds) {
                Integer reported = apportPid(p);
                String unpack = "; extract the core with: apport-unpack " + p + " DIR (then DIR/CoreDump is the core)";
                if (reported == null) {
                    plain(p, "apport report (pid not recorded or unreadable; not a core itself)" + unpack, found);
                } else if (reported == pid) {
                    plain(p, "apport report for pid " + pid + " (not a core itself)" + unpack, found);
                }
            }
        } catch (IOException | SecurityException e) {
            // no reports
        }
    }

    /** The {@code Pid:} of an apport report's ProcStatus, read from the text before the CoreDump; null if none. */
    static Integer apportPid(Path report) {
        long budget = 4L << 20;
        try (InputStream in = Files.newInputStream(report);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null && budget > 0) {
                budget -= line.length() + 1;
                if (line.startsWith("CoreDump:")) {
                    break;
                }
                Matcher m = APPORT_PID.matcher(line);
                if (m.matches() && m.group(1).length() < 10) {
                    return Integer.valueOf(m.group(1));
                }
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static String readProc(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static Path onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, exe);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String join(List<Path> dirs) {
        StringBuilder s = new StringBuilder();
        for (Path d : dirs) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(d);
        }
        return s.toString();
    }
}
