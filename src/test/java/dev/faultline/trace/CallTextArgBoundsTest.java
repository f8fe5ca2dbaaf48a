package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link CallText#argBounds} finds the arguments in place; it must cut exactly the pieces the copying split did, on
 * every call line of the reference strace outputs and fixtures, on ranges inside a longer line, and on random text.
 */
class CallTextArgBoundsTest {

    /** The copying split argBounds replaced: each piece cut out, then trimmed. */
    private static List<String> splitByCopy(String s) {
        List<String> out = new ArrayList<>(6);
        int depth = 0;
        int start = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                i = CallText.skipString(s, i);
                continue;
            }
            if (c == '<' && i > 0 && CallText.isWordChar(s.charAt(i - 1))) {
                i = CallText.skipDecoration(s, i);
                continue;
            }
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
            i++;
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty() || !out.isEmpty()) {
            out.add(last);
        }
        return out;
    }


    private static void same(String args) {
        assertEquals(splitByCopy(args), CallText.splitArgs(args), args);
        // the same text as a range of a longer line (what TraceEvent keeps): nothing outside the range may count
        String line = "read(" + args + ") = 5 \"x\" <0.000012>";
        int[] b = CallText.argBounds(line, 5, 5 + args.length());
        List<String> pieces = new ArrayList<>();
        for (int k = 0; k < b.length; k += 2) {
            pieces.add(line.substring(b[k], b[k + 1]));
        }
        assertEquals(splitByCopy(args), pieces, args);
    }

    @Test
    void sameAsCopyingSplitOnRealLines() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("fixtures"), Path.of("/work/shared/reference/strace-formats"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> p.toString().endsWith(".txt") && Files.isRegularFile(p)).forEach(files::add);
                }
            }
        }
        int calls = 0;
        for (Path f : files) {
            for (String line : new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).split("\n")) {
                int paren = line.indexOf('(');
                if (paren < 0) {
                    continue;
                }
                int close = CallText.findClose(line, paren + 1);
                same(line.substring(paren + 1, close < 0 ? line.length() : close));
                calls++;
            }
        }
        assertEquals(true, calls > 1000, "call lines checked: " + calls);
    }

    @Test
    void sameAsCopyingSplitOnRandomText() {
        Random r = new Random(7);
        String alphabet = " ,\"\\()[]{}<>-/*ab1_ \t";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(30);
            for (int k = 0; k < len; k++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            same(b.toString());
        }
    }
}
