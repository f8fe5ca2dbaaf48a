package dev.faultline.capture.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who listens on a socket address: the listening socket's inode from {@code /proc/net/unix} or
 * {@code /proc/net/tcp[6]}, then the processes holding an fd to it ({@code /proc/PID/fd -> socket:[INODE]}). This is
 * how attach finds the php-fpm pool behind an httpd config's {@code proxy:unix:/run/php/php8.2-fpm.sock}.
 */
public final class SocketListeners {
    private SocketListeners() {
    }

    /** /proc/net/unix's flag of a listening socket (__SO_ACCEPTCON). */
    private static final int SO_ACCEPTCON = 0x10000;
    /** /proc/net/tcp's state of a listening socket (TCP_LISTEN). */
    private static final String TCP_LISTEN = "0A";

    /**
     * The inodes of the sockets listening on {@code address} ("unix:/run/x.sock", "127.0.0.1:9000", "[::1]:9000",
     * "localhost:9000"); empty when none does, or the address is not one this understands.
     */
    public static Set<Long> inodes(ProcFs proc, String address) throws IOException {
        Set<Long> out = new HashSet<>();
        if (address.startsWith("unix:")) {
            String path = address.substring("unix:".length());
            for (String line : lines(proc.root().resolve("net/unix"))) {
                String[] f = line.trim().split("\\s+");
                // Num RefCount Protocol Flags Type St Inode Path
                if (f.length >= 8 && f[7].equals(path) && (parseHex(f[3]) & SO_ACCEPTCON) != 0) {
                    out.add(Long.parseLong(f[6]));
                }
            }
            return out;
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return out;
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return out;
        }
        for (String table : List.of("net/tcp", "net/tcp6")) {
            for (String line : lines(proc.root().resolve(table))) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ... uid timeout inode
                if (f.length >= 10 && f[3].equals(TCP_LISTEN) && f[1].contains(":")
                        && parseHex(f[1].substring(f[1].indexOf(':') + 1)) == port) {
                    // any local address on that port: a backend on 127.0.0.1, ::1 or 0.0.0.0 serves "localhost:9000"
                    out.add(Long.parseLong(f[9]));
                }
            }
        }
        return out;
    }

    /** The processes that hold one of {@code inodes} open (a pool's master and its workers), in pid order. */
    public static List<Integer> holders(ProcFs proc, Set<Long> inodes) throws IOException {
        Set<Integer> pids = new TreeSet<>();
        if (inodes.isEmpty()) {
            return new ArrayList<>();
        }
        try (var dirs = Files.list(proc.root())) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit) || name.length() > 9) {
                    continue;
                }
                int pid = Integer.parseInt(name);
                Map<Integer, String> fds;
                try {
                    fds = proc.fds(pid);
                } catch (IOException goneOrNotOurs) {
                    continue; // exited, or another user's process: not readable, not ours to find
                }
                for (String target : fds.values()) {
                    if (target.startsWith("socket:[") && target.endsWith("]")
                            && inodes.contains(parseLongOr(target.substring(8, target.length() - 1)))) {
                        pids.add(pid);
                        break;
                    }
                }
            }
        }
        return new ArrayList<>(pids);
    }

    private static List<String> lines(Path file) throws IOException {
        try {
            List<String> all = Files.readAllLines(file);
            return all.isEmpty() ? all : all.subList(1, all.size());
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static long parseHex(String s) {
        try {
            return Long.parseLong(s.toLowerCase(Locale.ROOT), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long parseLongOr(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
