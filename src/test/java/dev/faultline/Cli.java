package dev.faultline;

import dev.faultline.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the real CLI in-process and captures what it prints. */
public final class Cli {
    public final int exit;
    public final String out;
    public final String err;

    private Cli(int exit, String out, String err) {
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    public static synchronized Cli run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            System.out.flush();
            System.err.flush();
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * True when analyze, attach, core or run --exit-code=verdict finished its analysis: 0 (no incident), 20 (a config
     * culprit named) or 21 (incidents without one), for tests about something other than the verdict's kind.
     */
    public static boolean analyzed(int exit) {
        return exit == dev.faultline.cli.ExitCodes.OK || exit == dev.faultline.cli.ExitCodes.CULPRIT_NAMED
                || exit == dev.faultline.cli.ExitCodes.INCIDENTS_WITHOUT_CULPRIT;
    }

    /** The repository root (set by Maven), so tests find fixtures/ and native/. */
    public static Path repo() {
        return Path.of(System.getProperty("faultline.root", ".")).toAbsolutePath();
    }
}
