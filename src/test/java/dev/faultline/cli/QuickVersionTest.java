package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class QuickVersionTest {

    private static String quick(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        return QuickVersion.print(args, out) ? bytes.toString(StandardCharsets.UTF_8) : null;
    }

    @Test
    void printsWhatPicocliPrints() {
        for (String flag : new String[] {"--version", "-V"}) {
            Cli picocli = Cli.run(flag);
            assertEquals(0, picocli.exit);
            assertEquals(picocli.out, quick(flag), flag);
        }
    }

    @Test
    void declinesEverythingElse() {
        assertEquals(null, quick());
        assertEquals(null, quick("analyze", "--version"));
        assertEquals(null, quick("--version", "-v"));
        assertEquals(null, quick("--help"));
    }

    @Test
    void neverPrintsWhenItDeclines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertFalse(QuickVersion.print(new String[] {"demo"}, new PrintStream(bytes)));
        assertTrue(bytes.size() == 0);
    }
}
