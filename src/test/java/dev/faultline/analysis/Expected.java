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

    Expected(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        anchor = p.getProperty("anchor", "").trim();
        verdictClass = p.getProperty("class", "").trim();
        culprit = p.getProperty("culprit", "").trim();
        String l = p.getProperty("line", "").trim();
        line = l.isEmpty() ? null : Integer.valueOf(l);
        phase = p.getProperty("phase", "").trim();
        module = p.getProperty("module", "").trim();
        directive = p.getProperty("directive", "").trim();
    }
}
