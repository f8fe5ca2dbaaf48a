package dev.faultline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.capture.FaultlineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory (issue #10): a real strace -f -s 65536 of a shell that reads 900 config files of 64 KiB each and
 * then dies of SIGSEGV, about 120 MB of trace, analyzed by the CLI in a 48 MiB heap. Before, the trace reader's
 * read-ahead (512-event batches of 64 KiB lines) and every thread's 4,096 activities holding their files' contents
 * ran it out of memory, with a stack trace. Now the read-ahead is bounded in characters, and when live data nears
 * the heap's limit the model drops detail and says so: the crash still gets its verdict.
 */
class HeapLimitTest {
    @TempDir
    Path tmp;

    @Test
    void aTraceLargerThanTheHeapIsAnalyzedWithLessDetailAndSaysSo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        String line = "Define SITE_NAME value-of-a-define\n";
        String body = line.repeat(65536 / line.length());
        for (int i = 0; i < 900; i++) {
            Files.writeString(conf.resolve(String.format("site%04d.conf", i)), "# site " + i + "\n" + body);
        }
        Path trace = tmp.resolve("big.strace");
        Process strace = new ProcessBuilder("strace", "-f", "-s", "65536", "-o", trace.toString(), "sh", "-c",
                "cat conf/*.conf > /dev/null; kill -SEGV $$").directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        strace.waitFor();
        assertTrue(Files.size(trace) > 100_000_000L, "the trace is larger than the heap: " + Files.size(trace));

        FaultlineProcess fl = FaultlineProcess.startWithJvmOptions(tmp, List.of("-Xmx48m"), "analyze", trace.toString());
        int exit = fl.waitFor(120);
        String err = fl.stderr();
        assertFalse(err.contains("out of memory") || err.contains("Exception"), err);
        assertEquals(dev.faultline.cli.ExitCodes.INCIDENTS_WITHOUT_CULPRIT, exit, "the crash is reported: " + fl.stdout() + err);
        assertTrue(fl.stdout().contains("CRASH SIGSEGV"), fl.stdout());
        // cat's 128 KiB writes cut at -s 65536 are big buffers, not error-log messages that -s 1024 would show
        assertFalse(fl.stdout().contains("error-log write(s) were cut"), fl.stdout());
        assertTrue(err.contains("faultline: warning: the heap held ") && err.contains("detail dropped to leave room"),
                "the report says detail was dropped: " + err);
        Files.delete(trace);
    }
}
