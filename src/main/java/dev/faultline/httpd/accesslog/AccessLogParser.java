package dev.faultline.httpd.accesslog;

import dev.faultline.httpd.errorlog.ErrorLogParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams an Apache access log line by line, handing each request to a consumer, so memory stays bounded
 * whatever the log's size. A line that does not match the expected format is tried against Debian's
 * formats that carry a status and a time (vhost_combined, combined, common: many sites log combined whatever
 * the config is believed to say) and is counted unparsed only when none matches. Binary lines, lines cut
 * short and lines over {@link dev.faultline.Limits#LOG_LINE_BYTES} are counted in {@link Stats} and skipped; nothing throws.
 */
public final class AccessLogParser {


    /** What the parse saw besides the entries it handed out. */
    public static final class Stats extends dev.faultline.httpd.errorlog.LogLines.Counts {
        public long entries;
        /** Entries read with one of the other Debian formats, not the one the parser was given. */
        public long otherFormat;
        public long unparsed;
    }

    private final AccessLogFormat format;
    private final List<AccessLogFormat> others = new ArrayList<>();
    private final ZoneId zone;

    /** {@code zone} is the server's: formats without an offset ({@code %{%H:%M}t}) are local times. */
    public AccessLogParser(AccessLogFormat format, ZoneId zone) {
        this.format = format;
        this.zone = zone;
        for (String nickname : AccessLogFormat.debianDefaults().keySet()) {
            AccessLogFormat other = AccessLogFormat.resolve(nickname, AccessLogFormat.debianDefaults());
            if (other.carriesStatusAndTime() && !other.format().equals(format.format())) {
                others.add(other);
            }
        }
    }

    /** Opens a log as the error-log side does: {@code -} is stdin; gzip and zstd are told by their magic bytes. */
    public static InputStream open(String fileOrDash) throws IOException {
        return ErrorLogParser.open(fileOrDash);
    }

    /** Reads {@code in} to its end; an I/O error part way ends the parse with what was read. */
    public Stats parse(InputStream raw, Consumer<AccessLogEntry> sink) {
        Stats stats = new Stats();
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
        dev.faultline.httpd.errorlog.LogLines.read(in, stats,
                (lineNo, text) -> entry(lineNo, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text, stats, sink));
        return stats;
    }

    private void entry(long lineNo, String text, Stats stats, Consumer<AccessLogEntry> sink) {
        Optional<AccessLogEntry> entry = format.match(lineNo, text, zone);
        for (int i = 0; entry.isEmpty() && i < others.size(); i++) {
            entry = others.get(i).match(lineNo, text, zone);
            if (entry.isPresent()) {
                stats.otherFormat++;
                if (i > 0) {
                    others.add(0, others.remove(i)); // a log that switched format keeps to it: try that one first
                }
            }
        }
        if (entry.isPresent()) {
            stats.entries++;
            sink.accept(entry.get());
        } else {
            stats.unparsed++;
        }
    }
}
