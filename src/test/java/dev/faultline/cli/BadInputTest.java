package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line on stderr and a distinct exit code; never a stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void oneCleanLine(Cli r) {
        String[] lines = r.err.strip().split("\n");
        assertEquals(1, lines.length, "exactly one line on stderr: " + r.err);
        assertTrue(lines[0].startsWith("faultline: "), r.err);
        assertFalse(r.err.contains("Exception") || r.err.contains("\tat "), "no stack trace: " + r.err);
    }

    @Test
    void missingFile() {
        Cli r = Cli.run("analyze", tmp.resolve("nope.txt").toString());
        assertEquals(ExitCodes.NOT_FOUND, r.exit);
        oneCleanLine(r);
        assertTrue(r.err.contains("no such file"));
    }

    @Test
    void directory() {
        Cli r = Cli.run("analyze", tmp.toString());
        assertEquals(ExitCodes.IS_DIRECTORY, r.exit);
        oneCleanLine(r);
    }

    @Test
    void noPermission() throws IOException {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path f = Files.writeString(tmp.resolve("secret.txt"), "123 getpid() = 123\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        Cli r = Cli.run("analyze", f.toString());
        assertEquals(ExitCodes.NO_PERMISSION, r.exit);
        oneCleanLine(r);
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.createFile(tmp.resolve("empty.txt"));
        Cli r = Cli.run("analyze", f.toString());
        assertEquals(ExitCodes.EMPTY, r.exit);
        oneCleanLine(r);
    }

    @Test
    void binaryFile() throws IOException {
        Path f = tmp.resolve("core.bin");
        byte[] b = new byte[4096];
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        Files.write(f, b);
        Cli r = Cli.run("analyze", f.toString());
        assertEquals(ExitCodes.NOT_A_TRACE, r.exit);
        oneCleanLine(r);
        assertTrue(r.err.contains("binary"));
    }

    @Test
    void textThatIsNotStrace() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.txt"), "hello\nthis is not a trace\n");
        Path noNewline = Files.writeString(tmp.resolve("note.txt"), "hello, not a trace either");
        for (String command : new String[] {"analyze", "events"}) {
            for (Path p : new Path[] {f, noNewline}) {
                Cli r = Cli.run(command, p.toString());
                assertEquals(ExitCodes.NOT_A_TRACE, r.exit, command + " " + p.getFileName() + ": " + r.err);
                oneCleanLine(r);
            }
        }
        // a real trace cut mid-line is still one: its whole lines count
        Path cut = Files.writeString(tmp.resolve("cut.txt"), "123 getpid() = 123\n123 openat(AT_FDCWD, \"/x\"");
        assertEquals(ExitCodes.OK, Cli.run("events", cut.toString()).exit);
    }

    @Test
    void truncatedLastLineIsAnalyzedUpToThereWithAWarning() throws IOException {
        String full = Files.readString(Cli.repo().resolve("fixtures/config-open/f_o.txt"), StandardCharsets.ISO_8859_1);
        int cut = full.indexOf("--- SIGSEGV");
        // keep the fault line but cut the final "+++ killed by" line in the middle
        int killed = full.indexOf("+++ killed", cut);
        Path f = tmp.resolve("cut.txt");
        Files.writeString(f, full.substring(0, killed + 8), StandardCharsets.ISO_8859_1);
        Cli r = Cli.run("analyze", "--format", "json", f.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertTrue(r.out.contains("\"culprit\""), r.out);
        assertTrue(r.out.contains("bad.conf"), "still finds the culprit before the cut");
        assertTrue(r.err.contains("warning: the trace ends mid-line"), r.err);
    }

    @Test
    void tenMegabyteLineDoesNotExhaustMemory() throws IOException {
        Path f = tmp.resolve("long.txt");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write("123 write(1, \"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "abcdefghij".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1000; i++) {
                out.write(chunk);
            }
            out.write("\", 10000000) = 10000000\n123 +++ exited with 0 +++\n".getBytes(StandardCharsets.US_ASCII));
        }
        Cli r = Cli.run("analyze", f.toString());
        assertEquals(ExitCodes.OK, r.exit, r.err);
        assertTrue(r.out.startsWith("no incident: "), r.out);
        assertTrue(r.err.contains("longer than 1 MiB"), r.err);
    }

    private static Thread writer(Path fifo, byte[] content) {
        Thread t = new Thread(() -> {
            try {
                Files.write(fifo, content);
            } catch (IOException e) {
                // the reader went away: the assertions say why
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** strace -o >(faultline analyze -), <(...), a FIFO, /dev/stdin: none of them can seek, and none needs to. */
    @Test
    void aFifoIsReadLikeAFile() throws Exception {
        Path fifo = tmp.resolve("trace.fifo");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo works here");
        Path fixture = dev.faultline.Cli.repo().resolve("fixtures/strace-formats/06_f_tt_T.txt");
        Path logFifo = tmp.resolve("error.fifo");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", logFifo.toString()).start().waitFor() == 0, "mkfifo works here");
        // one writer per FIFO: each open blocks until faultline opens the other end, in whatever order it reads them
        Thread traceWriter = writer(fifo, Files.readAllBytes(fixture));
        Thread logWriter = writer(logFifo, ("[Sat Dec 05 10:00:00.000000 2026] [core:alert] [pid 1:tid 1] [client 127.0.0.1:1] "
                + "/srv/www/.htaccess: Invalid command 'RewriteEngin', perhaps misspelled or defined by a module not included in "
                + "the server configuration\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Cli r = Cli.run("analyze", fifo.toString(), "--error-log", logFifo.toString());
        traceWriter.join(10_000);
        logWriter.join(10_000);
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertFalse(r.err.contains("Illegal seek"), r.err);
    }

    @Test
    void gzipAndStdinWork() throws IOException {
        Path src = Cli.repo().resolve("fixtures/config-open/f_o.txt");
        Path gz = tmp.resolve("t.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(src, out);
        }
        Cli r = Cli.run("analyze", "--format", "json", gz.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertTrue(r.out.contains("bad.conf"));
    }

    /** A .gz copied while strace was still writing it: analyzed up to the cut, with a warning, like a cut plain file. */
    @Test
    void aCutGzipTraceIsAnalyzedUpToTheCut() throws IOException {
        Path src = Cli.repo().resolve("fixtures/config-open/f_o.txt");
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(packed)) {
            Files.copy(src, out);
        }
        byte[] whole = packed.toByteArray();
        Path noTrailer = Files.write(tmp.resolve("no-trailer.txt.gz"), Arrays.copyOf(whole, whole.length - 8));
        Cli r = Cli.run("analyze", noTrailer.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertTrue(r.out.contains("bad.conf"), "every line was inflated before the missing trailer: " + r.out);
        assertTrue(r.err.contains("no-trailer.txt.gz: the gzip stream ends early"), r.err);

        Path half = Files.write(tmp.resolve("half.txt.gz"), Arrays.copyOf(whole, whole.length / 2));
        Cli h = Cli.run("analyze", "--format", "json", half.toString());
        assertTrue(Cli.analyzed(h.exit), h.err);
        JsonNode json = new ObjectMapper().readTree(h.out);
        assertEquals(half.toString(), json.get("parse").get("cut_gzip").get(0).asText(), h.out);
        assertTrue(json.get("warnings").toString().contains("the gzip stream ends early"), h.out);
        long plainLines = Files.readAllLines(src, StandardCharsets.ISO_8859_1).size();
        long read = json.get("parse").get("lines").asLong();
        assertTrue(read > 0 && read < plainLines, read + " of " + plainLines + " lines");
    }

    @Test
    void outputFileIsWrittenWholeOrNotAtAll() throws IOException {
        Path out = tmp.resolve("report.json");
        Cli r = Cli.run("analyze", "--format", "json", "-o", out.toString(), Cli.repo().resolve("fixtures/http500/f_o.txt").toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertTrue(Files.readString(out).trim().endsWith("}"));
        Cli bad = Cli.run("analyze", "-o", tmp.resolve("no/such/dir/r.txt").toString(), Cli.repo().resolve("fixtures/http500/f_o.txt").toString());
        assertEquals(ExitCodes.OUTPUT_ERROR, bad.exit);
        oneCleanLine(bad);
    }

    @Test
    void hostileFileNamesAreEscapedForTheTerminal() throws IOException {
        Path f = tmp.resolve("evil.txt");
        Files.writeString(f, "77 openat(AT_FDCWD, \"conf/\\33[2Jx.conf\", O_RDONLY) = 3\n"
                + "77 read(3, \"Handler nosuch\\n\", 64) = 15\n"
                + "77 --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8} ---\n"
                + "77 +++ killed by SIGSEGV +++\n");
        Cli r = Cli.run("analyze", f.toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertFalse(r.out.contains("\u001b[2J"), "no raw escape sequence reaches the terminal");
        assertTrue(r.out.contains("\\u001b[2Jx.conf"), r.out);
    }

    @Test
    void usageErrorsAreExitCode2() {
        Cli r = Cli.run("analyze");
        assertEquals(ExitCodes.USAGE, r.exit);
        Cli r2 = Cli.run("analyze", "--format", "yaml", "x");
        assertEquals(ExitCodes.USAGE, r2.exit);
    }
}
