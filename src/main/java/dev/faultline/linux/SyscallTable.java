package dev.faultline.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Syscall numbers and names of one architecture, from the tables {@code scripts/gen-syscall-table.sh} generates
 * out of the kernel headers.
 */
public final class SyscallTable {
    private static final String RESOURCE_DIR = "/dev/faultline/linux/";

    private final String arch;
    private final String[] names;
    private final Map<String, Integer> numbers;

    private SyscallTable(String arch, String[] names, Map<String, Integer> numbers) {
        this.arch = arch;
        this.names = names;
        this.numbers = numbers;
    }

    public static SyscallTable x86_64() {
        return Loaded.X86_64;
    }

    public static SyscallTable aarch64() {
        return Loaded.AARCH64;
    }

    /** The table of the JVM's architecture ({@code os.arch}), or null when there is none. */
    public static SyscallTable host() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> x86_64();
            case "aarch64" -> aarch64();
            default -> null;
        };
    }

    public String arch() {
        return arch;
    }

    /** The syscall's name; an unknown number reads {@code syscall_0x1c8}, as strace prints it. */
    public String name(int nr) {
        String name = nr >= 0 && nr < names.length ? names[nr] : null;
        return name != null ? name : "syscall_0x" + Integer.toHexString(nr);
    }

    /** The syscall's number, or -1 when this architecture has no such syscall. */
    public int nr(String name) {
        return numbers.getOrDefault(name, -1);
    }

    /** Parses "nr name" lines; '#' starts a comment line, and lines that do not parse are skipped. */
    static SyscallTable parse(String arch, BufferedReader lines) throws IOException {
        Map<String, Integer> numbers = new HashMap<>();
        int max = -1;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 2 || f[0].startsWith("#")) {
                continue;
            }
            try {
                int nr = Integer.parseInt(f[0]);
                if (nr >= 0) {
                    numbers.put(f[1], nr);
                    max = Math.max(max, nr);
                }
            } catch (NumberFormatException e) {
                // skipped
            }
        }
        String[] names = new String[max + 1];
        numbers.forEach((name, nr) -> names[nr] = name);
        return new SyscallTable(arch, names, Map.copyOf(numbers));
    }

    private static SyscallTable load(String arch) {
        String resource = RESOURCE_DIR + "syscalls-" + arch + ".txt";
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return parse(arch, new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Holder: the tables are read once, on first use. */
    private static final class Loaded {
        static final SyscallTable X86_64 = load("x86_64");
        static final SyscallTable AARCH64 = load("aarch64");
    }
}
