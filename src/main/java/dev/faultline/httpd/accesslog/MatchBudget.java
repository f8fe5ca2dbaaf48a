package dev.faultline.httpd.accesslog;

/**
 * A line as the regex engine reads it, with a cap on how many characters it may look at. A format with several
 * free-text fields between plain spaces ({@code %u %{X}i %{Y}i %U}) can make a near-miss line backtrack for
 * polynomial time; past the cap the match is given up and the line counts as not in the format.
 */
final class MatchBudget implements CharSequence {
    /** Reads allowed per character of the line (plus a floor): far above what any line that matches needs. */
    static final int READS_PER_CHAR = 64;
    private static final long FLOOR = 100_000;

    /** Thrown out of the regex engine when the budget is spent; caught by {@link AccessLogFormat#match}. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("regex budget exhausted", null, false, false);
        }
    }

    private final String text;
    private long left;

    MatchBudget(String text) {
        this.text = text;
        this.left = FLOOR + (long) READS_PER_CHAR * text.length();
    }

    @Override
    public char charAt(int index) {
        if (--left < 0) {
            throw new Exhausted();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
