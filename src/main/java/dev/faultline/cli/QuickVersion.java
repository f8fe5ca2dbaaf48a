package dev.faultline.cli;

import java.io.PrintStream;
import picocli.CommandLine.Command;

/**
 * {@code faultline --version} without building the picocli model: picocli itself (Java 5 class files, which JDK 17's
 * class-data sharing cannot archive) and the models of every subcommand are most of a start-up (docs/performance.md,
 * "Start-up"). It prints the same lines picocli would, read from Main's own {@code @Command(version = ...)}, and
 * declines (returns false) for anything else: other arguments, a version provider, or picocli markup to render.
 */
final class QuickVersion {
    private QuickVersion() {
    }

    /** Prints the version and returns true when ARGS is exactly --version or -V and the version is plain text. */
    static boolean print(String[] args, PrintStream out) {
        if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
            return false;
        }
        Command command = Main.class.getAnnotation(Command.class);
        if (command != null && command.versionProvider() == VersionInfo.class) {
            // the provider's plain answer needs no picocli model: the version and git describe the build embedded
            out.println(VersionInfo.firstLine());
            out.flush();
            return true;
        }
        if (command == null || command.version().length == 0 || hasVersionProvider(command)) {
            return false;
        }
        for (String line : command.version()) {
            if (line.contains("@|") || line.contains("%") || line.contains("${")) {
                return false; // markup, format specifiers or variables: picocli renders those
            }
        }
        for (String line : command.version()) {
            out.println(line);
        }
        out.flush();
        return true;
    }

    /** Whether versionProvider is set (its default, picocli's private NoVersionProvider, means it is not). */
    private static boolean hasVersionProvider(Command command) {
        try {
            return !command.versionProvider().equals(Command.class.getMethod("versionProvider").getDefaultValue());
        } catch (NoSuchMethodException e) {
            return true;
        }
    }
}
