package dev.faultline.httpd.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a directive's arguments the way httpd's {@code ap_getword_conf} (server/util.c) does: words are
 * separated by white space; a word that starts with {@code "} or {@code '} runs to the matching quote, and a
 * backslash before that quote keeps it in the word.
 */
public final class ConfigWords {
    private ConfigWords() {
    }

    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            char q = s.charAt(i);
            if (q != '"' && q != '\'') {
                int start = i;
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                out.add(s.substring(start, i)); // one copy: a word can be a 64 KiB resolved ${VAR}
                continue;
            }
            StringBuilder w = new StringBuilder();
            i++;
            while (i < n && s.charAt(i) != q) {
                if (s.charAt(i) == '\\' && i + 1 < n && s.charAt(i + 1) == q) {
                    i++;
                }
                w.append(s.charAt(i++));
            }
            i++; // the closing quote (or the end)
            out.add(w.toString());
        }
    }
}
