package dev.faultline.report;

/**
 * How the text report is laid out: its width in columns, whether it may colour, and how much it shows (0: the
 * answer, the evidence and the fix; 1, -v: also the candidate table and every signal; 2, -vv: also the timelines).
 */
public record TextStyle(int width, boolean color, int verbosity) {
    /** The width when the output is not a terminal and COLUMNS says nothing. */
    public static final int DEFAULT_WIDTH = 100;
    /** Narrower than this and nothing useful fits on a line; a smaller COLUMNS is taken as this. */
    public static final int MIN_WIDTH = 40;

    public static final TextStyle PLAIN = new TextStyle(DEFAULT_WIDTH, false, 0);

    public TextStyle {
        width = Math.max(MIN_WIDTH, width);
    }

    /** {@code s} cut to {@code max} characters, ending in "…" when cut. */
    public static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        if (s.length() <= max) {
            return s;
        }
        return max <= 1 ? "…" : s.substring(0, max - 1) + "…";
    }

    /** A path cut in the middle to {@code max} characters, keeping its start and, longer, its end (the file name). */
    public static String middle(String path, int max) {
        if (path == null || path.length() <= max) {
            return path == null ? "" : path;
        }
        if (max < 5) {
            return clip(path, max);
        }
        int tail = (max - 1) * 2 / 3;
        int head = max - 1 - tail;
        return path.substring(0, head) + "…" + path.substring(path.length() - tail);
    }

    /**
     * The terminal's width: COLUMNS when it holds a number, else {@code stty size} on the controlling terminal when
     * stdout is one, else {@link #DEFAULT_WIDTH}.
     */
    public static int terminalWidth(boolean stdoutIsTerminal) {
        String columns = System.getenv("COLUMNS");
        if (columns != null) {
            try {
                return Integer.parseInt(columns.trim());
            } catch (NumberFormatException e) {
                // not a number: ask the terminal
            }
        }
        if (stdoutIsTerminal && new java.io.File("/dev/tty").canRead()) {
            try {
                Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor() == 0 && out.matches("\\d+ \\d+")) {
                    int w = Integer.parseInt(out.split(" ")[1]);
                    if (w > 0) {
                        return w;
                    }
                }
            } catch (java.io.IOException e) {
                // no stty: the default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return DEFAULT_WIDTH;
    }
}
