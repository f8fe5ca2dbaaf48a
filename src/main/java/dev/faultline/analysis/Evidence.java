package dev.faultline.analysis;

import java.util.ArrayList;
import java.util.List;

/** One reason a candidate scored, with the log lines that show it. */
public final class Evidence {
    public final String signal;
    public final int weight;
    public final String reason;
    public final List<LogLine> log = new ArrayList<>();

    public Evidence(String signal, int weight, String reason) {
        this.signal = signal;
        this.weight = weight;
        this.reason = reason;
    }

    public Evidence line(String source, long line, String text) {
        if (log.size() < 4 && line > 0) {
            log.add(new LogLine(source, line, text));
        }
        return this;
    }

    public static final class LogLine {
        public final String source;
        public final long line;
        public final String text;

        public LogLine(String source, long line, String text) {
            this.source = source;
            this.line = line;
            // every quoted line of every report passes here: secrets are masked once, for all outputs
            String t = dev.faultline.trace.Redactor.redact(text);
            this.text = t == null ? "" : t.length() > 400 ? t.substring(0, 400) + "…" : t;
        }
    }
}
