package dev.faultline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's {@code --version}: the version and the git describe the build embedded
 * (dev/faultline/cli/version.properties, written by the pom), and with {@code -v} the JNA, kernel and Java details.
 */
public final class VersionInfo implements CommandLine.IVersionProvider {

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        Properties p = embedded();
        lines.add("faultline " + p.getProperty("version", "unknown") + " (git " + p.getProperty("git.describe", "unknown") + ")");
        if (Verbosity.of(spec) > 0) {
            lines.add(dev.faultline.capture.jna.JnaInfo.describe());
            lines.add("kernel " + System.getProperty("os.name") + " " + firstLine("/proc/sys/kernel/osrelease", System.getProperty("os.version"))
                    + " " + System.getProperty("os.arch") + ", ptrace_scope " + firstLine("/proc/sys/kernel/yama/ptrace_scope", "- (no Yama)"));
            lines.add("Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("java.vendor") + ") in " + System.getProperty("java.home"));
        }
        // picocli formats version lines with String.format
        return lines.stream().map(l -> l.replace("%", "%%")).toArray(String[]::new);
    }

    /** The properties the build wrote; empty when run from classes the pom did not build. */
    static Properties embedded() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version details: "unknown"
        }
        return p;
    }

    private static String firstLine(String file, String otherwise) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }
}
