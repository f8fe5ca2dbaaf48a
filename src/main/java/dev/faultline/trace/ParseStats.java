package dev.faultline.trace;

import java.util.ArrayList;
import java.util.List;

/** What a parse saw, line by line: nothing is dropped silently. */
public final class ParseStats {

    public long lines;
    public long blankLines;
    public long syscalls;
    public long signals;
    public long exits;
    public long straceMessages;
    public long stackFrames;
    public long summaryLines;
    public long hexDumpLines;
    public long unfinished;
    public long resumed;
    public long orphanResumes;
    public long bareContinuations;
    public long detached;
    public long incompleteAtEnd;
    public long splitLines;
    public long oversizedLines;
    public long unknownLines;
    /** Line number of a last line that had no newline (the file was cut), or 0. */
    public long truncatedLastLine;
    public boolean truncatedLastLineKept;
    /** Sources whose gzip stream ends early (the compressed file was cut). */
    public final List<String> cutCompressedSources = new ArrayList<>();
    public final List<String> unknownSamples = new ArrayList<>();

    void unknown(String source, long lineNo, String text) {
        unknownLines++;
        if (unknownSamples.size() < dev.faultline.Limits.UNKNOWN_SAMPLES) {
            String t = text.length() > 160 ? text.substring(0, 160) + "…" : text;
            unknownSamples.add(source + ":" + lineNo + ": " + t);
        }
    }

    public void add(ParseStats o) {
        lines += o.lines;
        blankLines += o.blankLines;
        syscalls += o.syscalls;
        signals += o.signals;
        exits += o.exits;
        straceMessages += o.straceMessages;
        stackFrames += o.stackFrames;
        summaryLines += o.summaryLines;
        hexDumpLines += o.hexDumpLines;
        unfinished += o.unfinished;
        resumed += o.resumed;
        orphanResumes += o.orphanResumes;
        bareContinuations += o.bareContinuations;
        detached += o.detached;
        incompleteAtEnd += o.incompleteAtEnd;
        splitLines += o.splitLines;
        oversizedLines += o.oversizedLines;
        unknownLines += o.unknownLines;
        if (o.truncatedLastLine != 0) {
            truncatedLastLine = o.truncatedLastLine;
            truncatedLastLineKept = o.truncatedLastLineKept;
        }
        cutCompressedSources.addAll(o.cutCompressedSources);
        for (String s : o.unknownSamples) {
            if (unknownSamples.size() < dev.faultline.Limits.UNKNOWN_SAMPLES) {
                unknownSamples.add(s);
            }
        }
    }
}
