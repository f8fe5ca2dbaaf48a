package dev.faultline.model;

import java.nio.charset.StandardCharsets;

/** One open file description as the trace shows it: what it is, who read how much, and what they read. */
public final class OpenFile {

    public enum Kind { FILE, SOCKET, PIPE, OTHER }

    public final String path;
    public final Kind kind;
    public final PathClass pathClass;
    public final boolean cloexec;
    public final boolean writeOnly;
    public final long openedLine;
    public final String openedText;
    public final String source;

    public long bytesRead;
    public long reads;
    /** Every read returned at most one line, so the read position tells the line being parsed. */
    public boolean lineGranular = true;
    /** Content holds every byte read so far (no read was cut by -s or undecodable). */
    public boolean contentComplete = true;
    public int lastReaderTid;
    public long lastReadLine;
    public boolean sawEof;
    private StringBuilder content;
    /** Content kept at most: {@link dev.faultline.Limits#LEAN_FILE_CONTENT_CHARS} once the heap is near its limit. */
    int contentCap = dev.faultline.Limits.FILE_CONTENT_CHARS;

    // sockets only
    /** The address it is bound to or connected to ("unix:/run/php.sock", "127.0.0.1:9000"); for an accepted socket, the listener's. */
    public String address;
    /** Its two ends ({local, peer}) from a -yy decoration, once one showed them. */
    public String[] ends;
    /** A socket accept() returned (the server side of a connection). */
    public boolean accepted;
    /** FastCGI records went over it; the request's SCRIPT_FILENAME once a buffer showed it whole. */
    public boolean fastcgi;
    public String fastcgiScript;

    public OpenFile(String path, Kind kind, boolean cloexec, boolean writeOnly, long openedLine, String openedText,
            String source) {
        this(path, kind, kind == Kind.FILE ? PathClass.of(path) : PathClass.OTHER, cloexec, writeOnly, openedLine, openedText, source);
    }

    /** A file whose {@link PathClass} the caller already knows ({@code PathClass.of(path)}). */
    OpenFile(String path, Kind kind, PathClass pathClass, boolean cloexec, boolean writeOnly, long openedLine, String openedText,
            String source) {
        this.path = path;
        this.kind = kind;
        this.pathClass = pathClass;
        this.cloexec = cloexec;
        this.writeOnly = writeOnly;
        this.openedLine = openedLine;
        this.openedText = openedText;
        this.source = source;
    }

    /** Records a read of {@code n} bytes whose buffer strace printed as {@code data} (null if not printed). */
    public void read(int tid, long n, byte[] data, boolean truncated, long lineNo) {
        reads++;
        lastReaderTid = tid;
        lastReadLine = lineNo;
        if (n == 0) {
            sawEof = true;
            return;
        }
        bytesRead += n;
        if (!pathClass.isSuspect() && pathClass != PathClass.OTHER) {
            contentComplete = false;
            return;
        }
        if (data == null || truncated || data.length < n) {
            contentComplete = false;
        }
        String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl >= 0 && nl < text.length() - 1) {
            lineGranular = false;
        }
        if (data == null || truncated) {
            lineGranular = false;
        }
        if (contentComplete) {
            if (content == null) {
                content = new StringBuilder();
            }
            if (content.length() + text.length() > contentCap) {
                contentComplete = false;
            } else {
                content.append(text);
            }
        }
    }

    /** The bytes read so far, when every one of them was visible in the trace; else null. */
    public String content() {
        return contentComplete && content != null ? content.toString() : null;
    }

    /** What strace showed of the content even when incomplete (the prefix). */
    public String partialContent() {
        return content == null ? null : content.toString();
    }

    /**
     * The 1-based line being parsed when reading stopped, if the reads were line-sized and all visible:
     * a line-by-line reader has consumed exactly the lines before it plus the current one.
     */
    public Integer lineAtPosition() {
        String c = content();
        if (c == null || c.isEmpty() || !lineGranular || sawEof) {
            return null;
        }
        int lines = 0;
        for (int i = 0; i < c.length(); i++) {
            if (c.charAt(i) == '\n') {
                lines++;
            }
        }
        return c.charAt(c.length() - 1) == '\n' ? lines : lines + 1;
    }
}
