package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StraceQuoteTest {
    private static final Path STRACE = Path.of("/usr/bin/strace");

    @TempDir
    Path tmp;

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String quote(String latin1) {
        byte[] b = bytes(latin1);
        return StraceQuote.quote(b, b.length, 1024);
    }

    @Test
    void namedEscapesAndPrintables() {
        assertEquals("\"a b~\\t\\n\\v\\f\\r\\\"\\\\\"", quote("a b~\t\n\u000b\f\r\"\\"));
        assertEquals("\"\"", quote(""));
    }

    @Test
    void octalIsShortestUnlessAnOctalDigitFollows() {
        assertEquals("\"\\0\"", quote("\0"));
        assertEquals("\"\\1a\"", quote("\u0001a"));
        assertEquals("\"\\37\\177\\377\"", quote("\u001f\u007f\u00ff"));
        assertEquals("\"\\0337\"", quote("\u001b7"));
        assertEquals("\"\\0000\"", quote("\u00000"));
        assertEquals("\"\\3777\"", quote("\u00ff7"));
        // 8 and 9 are no octal digits: no padding needed
        assertEquals("\"\\378\\09\"", quote("\u001f8\u00009"));
        // a named escape next does not pad
        assertEquals("\"\\33\\n\"", quote("\u001b\n"));
    }

    @Test
    void longerThanCapGetsAnEllipsis() {
        byte[] b = bytes("abcd\u00015xyz");
        assertEquals("\"abcd\\1\"...", StraceQuote.quote(b, b.length, 5), "the 5 is not shown: no padding");
        assertEquals("\"abcd\\0015xyz\"", StraceQuote.quote(b, b.length, 9));
        assertEquals("\"\"...", StraceQuote.quote(b, b.length, 0));
    }

    @Test
    void lenBeyondTheBytesReadShowsWhatWasRead() {
        assertEquals("\"ab\"...", StraceQuote.quote(bytes("ab"), 100, 32));
        assertEquals("\"ab\"", StraceQuote.quote(bytes("abcdef"), 2, 32));
    }

    @Test
    void cStringStopsAtNulOrIsTruncated() {
        assertEquals("\"exactly8\"", StraceQuote.quoteCString(bytes("exactly8\0"), 8));
        assertEquals("\"abcdefg\\33\"...", StraceQuote.quoteCString(bytes("abcdefg\u001b5\0"), 8));
        assertEquals("\"1234567\"", StraceQuote.quoteCString(bytes("1234567\0garbage"), 8));
        assertEquals("\"\"", StraceQuote.quoteCString(bytes("\0"), 8));
        // the read stopped (unmapped page) before any NUL
        assertEquals("\"abc\"...", StraceQuote.quoteCString(bytes("abc"), 8));
        assertEquals("\"ab\\tc\\0337xy\"...", StraceQuote.quoteCString(bytes("ab\tc\u001b7xyz123\0"), 8));
    }

    @Test
    void unescapeOfQuoteGivesTheBytesBack() {
        Random random = new Random(20240611);
        byte[] alphabet = bytes("0123456789\0\n\t\r\"\\\u001b\u007f\u00ffaZ ");
        for (int n = 0; n < 5000; n++) {
            byte[] data = new byte[random.nextInt(40)];
            for (int i = 0; i < data.length; i++) {
                // half from an alphabet of the tricky cases, half any byte
                data[i] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            String q = StraceQuote.quote(data, data.length, data.length);
            assertTrue(q.startsWith("\"") && q.endsWith("\""), q);
            assertArrayEquals(data, CString.unescape(q, 1, q.length() - 1), q);
            assertArrayEquals(data, CString.bytes(q), q);
        }
    }

    /** The bytes printf wrote, quoted by us, against what strace printed for the same write(2). */
    @Test
    void matchesRealStraceOnWrites() throws Exception {
        assumeTrue(Files.isExecutable(STRACE), "strace is not installed");
        assertWritesMatch(64, "\\001a\\0337\\n\\t\"x\\\\");
        assertWritesMatch(64, "\\000\\0001\\377\\3777\\0378\\177x\\v\\f\\r\\033[0m");
        assertWritesMatch(5, "abcd\\0015xyz");
        // every byte value once, in order
        StringBuilder all = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            all.append(String.format("\\%03o", b));
        }
        assertWritesMatch(4096, all.toString());
    }

    private void assertWritesMatch(int cap, String printfFormat) throws Exception {
        Path out = tmp.resolve("strace.out");
        Process p = new ProcessBuilder(STRACE.toString(), "-e", "trace=write", "-s", Integer.toString(cap), "-o",
                out.toString(), "/usr/bin/printf", printfFormat).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] written = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        Pattern write = Pattern.compile("^write\\(1, (.*), (\\d+)\\) += \\d+$");
        int at = 0;
        int writes = 0;
        for (String line : Files.readAllLines(out, StandardCharsets.ISO_8859_1)) {
            Matcher m = write.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int len = Integer.parseInt(m.group(2));
            byte[] chunk = Arrays.copyOfRange(written, at, at + len);
            assertEquals(m.group(1), StraceQuote.quote(chunk, len, cap), printfFormat);
            at += len;
            writes++;
        }
        assertTrue(writes > 0, "strace printed no write(1, ...)");
        assertEquals(written.length, at);
    }

    /** execve's argv strings are NUL-terminated strings cut at -s, as the tracer will read them. */
    @Test
    void cStringsMatchRealStraceOnExecveArguments() throws Exception {
        assumeTrue(Files.isExecutable(STRACE), "strace is not installed");
        int cap = 8;
        List<String> args = List.of("/usr/bin/true", "ab\tc\u001b7xyz123", "exactly8", "abcdefg\u001b",
                "abcdefg\u001b5", "1234567", "", "\"q\"\\");
        Path out = tmp.resolve("strace.out");
        List<String> command = new ArrayList<>(List.of(STRACE.toString(), "-e", "trace=execve", "-s",
                Integer.toString(cap), "-o", out.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String line = Files.readAllLines(out, StandardCharsets.ISO_8859_1).get(0);
        int open = line.indexOf('[');
        Matcher quoted = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"(?:\\.\\.\\.)?").matcher(line);
        List<String> printed = new ArrayList<>();
        quoted.region(open, line.length());
        while (quoted.find()) {
            printed.add(quoted.group());
        }
        List<String> ours = new ArrayList<>();
        for (String arg : args) {
            // the tracer reads cap + 1 bytes, or up to the NUL
            byte[] withNul = bytes(arg + "\0");
            ours.add(StraceQuote.quoteCString(Arrays.copyOf(withNul, Math.min(withNul.length, cap + 1)), cap));
        }
        assertEquals(printed, ours, line);
    }
}
