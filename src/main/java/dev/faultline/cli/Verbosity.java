package dev.faultline.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code -v}: declared once here and mixed into every command, so {@code --version -v} works everywhere. */
final class Verbosity {
    static final String NAME = "--verbose";

    @Option(names = {"-v", NAME}, description = "Say more (repeatable). With --version, also show the JNA, kernel and Java details.")
    boolean[] verbose = new boolean[0];

    /** How many times -v was given on this command (the report's detail level reads this: one -v option everywhere). */
    int level() {
        return verbose.length;
    }

    /** How many times -v was given, on the command {@code spec} is or on a parent of it (--version is handled on the innermost). */
    static int of(CommandSpec spec) {
        int n = 0;
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            OptionSpec v = s.findOption(NAME);
            if (v != null && v.getValue() instanceof boolean[]) {
                n += ((boolean[]) v.getValue()).length;
            }
        }
        return n;
    }
}
