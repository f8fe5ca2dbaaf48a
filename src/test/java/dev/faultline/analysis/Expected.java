package dev.faultline.analysis;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** A recording directory's expected.properties: what analyze must conclude. */
final class Expected {
    final String anchor;
    final String verdictClass;
    final String culprit;
    final Integer line;
    /** httpd cases only (fixtures/httpd): the phase, module and directive the verdict must name; empty elsewhere. */
    final String phase;
    final String module;
    final String directive;
    /** The HTTP status of the incident when it is not a 5xx (a permission 403); null for "any 5xx". */
    final Integer status;
    /** Text one of the report's hints must hold; empty when none is expected. */
    final String hint;
    /** What the error log alone must conclude (errorlog.* keys); null when the case has none. */
    final Expected fromErrorLog;

    Expected(Path file) throws IOException {
        this(load(file), "");
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private Expected(Properties all, String prefix) {
        Properties p = new Properties();
        for (String k : all.stringPropertyNames()) {
            if (prefix.isEmpty() ? !k.contains(".") : k.startsWith(prefix)) {
                p.setProperty(k.substring(prefix.length()), all.getProperty(k));
            }
        }
        anchor = p.getProperty("anchor", "").trim();
        verdictClass = p.getProperty("class", "").trim();
        culprit = p.getProperty("culprit", "").trim();
        String l = p.getProperty("line", "").trim();
        line = l.isEmpty() ? null : Integer.valueOf(l);
        phase = p.getProperty("phase", "").trim();
        module = p.getProperty("module", "").trim();
        directive = p.getProperty("directive", "").trim();
        String st = p.getProperty("status", "").trim();
        status = st.isEmpty() ? null : Integer.valueOf(st);
        hint = p.getProperty("hint", "").trim();
        fromErrorLog = prefix.isEmpty() && all.containsKey("errorlog.anchor") ? new Expected(all, "errorlog.") : null;
    }
}
