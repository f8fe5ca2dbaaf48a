package dev.faultline.httpd.configtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal line classifier for httpd config files, enough for bisection: which logical lines are directives, and
 * which must never be dropped on their own (sections, Include, LoadModule). It stands in for the full config parser
 * (branch config-parser) until that is merged.
 */
public final class ConfigLines {
    /** What a logical line is, as far as bisection cares. */
    public enum Kind { DIRECTIVE, SECTION_OPEN, SECTION_CLOSE, INCLUDE, LOAD_MODULE }

    /**
     * One logical line: physical lines {@code firstLine..lastLine} (1-based) joined by backslash continuations,
     * as httpd's ap_cfg_getline joins them.
     */
    public record Line(int firstLine, int lastLine, String name, String text, Kind kind) {
        /** Only plain directives are dropped one at a time; dropping a section edge or an Include breaks the file. */
        public boolean droppable() {
            return kind == Kind.DIRECTIVE;
        }
    }

    private ConfigLines() {
    }

    public static List<Line> classify(List<String> physical) {
        List<Line> out = new ArrayList<>();
        int i = 0;
        while (i < physical.size()) {
            int first = i;
            StringBuilder text = new StringBuilder();
            String p = stripCr(physical.get(i));
            while (p.endsWith("\\") && i + 1 < physical.size()) {
                text.append(p, 0, p.length() - 1).append(' ');
                i++;
                p = stripCr(physical.get(i));
            }
            text.append(p);
            i++;
            String t = text.toString().strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            out.add(new Line(first + 1, i, firstWord(t), t, kindOf(t)));
        }
        return out;
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String firstWord(String t) {
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end);
    }

    private static Kind kindOf(String t) {
        if (t.startsWith("</")) {
            return Kind.SECTION_CLOSE;
        }
        if (t.startsWith("<")) {
            return Kind.SECTION_OPEN;
        }
        switch (firstWord(t).toLowerCase(Locale.ROOT)) {
            case "include":
            case "includeoptional":
                return Kind.INCLUDE;
            case "loadmodule":
                return Kind.LOAD_MODULE;
            default:
                return Kind.DIRECTIVE;
        }
    }
}
