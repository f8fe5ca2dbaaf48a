package dev.faultline.model;

/** One file-related thing a thread did, with the log lines that show it. Reads of one file in a row are merged. */
public final class FileActivity {
    public enum Kind { OPEN, OPEN_FAILED, READ, CLOSE, STAT_OK, STAT_FAILED, ACCESS_FAILED, EXEC, WRITE_LOG, WRITE_SOCKET,
        READ_REQUEST,
        /** A connect() to a socket address (path "unix:/run/x.sock" or "127.0.0.1:9000"); file is the socket. */
        CONNECT,
        /** A FastCGI server (php-fpm) read the FCGI_BEGIN_REQUEST of a new request; file is the accepted socket. */
        FASTCGI_REQUEST }

    public final Kind kind;
    public final String path;
    public final String errno;
    public final String source;
    public final long firstLine;
    public final String firstText;
    public long lastLine;
    public String lastText;
    public long bytes;
    public int count = 1;
    /** The open file this is about (OPEN and READ), for its content. */
    public final OpenFile file;
    /** Decoded buffer for WRITE_LOG / WRITE_SOCKET / READ_REQUEST (capped). */
    public String data;
    /** HTTP status for WRITE_SOCKET, or 0. */
    public int httpStatus;
    /** The event's time (ns since midnight or the epoch, as the trace gives it) for CONNECT and FASTCGI_REQUEST, else unset. */
    public long timeNs = dev.faultline.trace.TraceEvent.NO_TIME;
    /** Position in the thread's sequence of activities. */
    public long seq;


    public FileActivity(Kind kind, String path, String errno, String source, long line, String text, OpenFile file) {
        this.kind = kind;
        this.path = path;
        this.errno = errno;
        this.source = source;
        this.firstLine = line;
        this.firstText = clip(text);
        this.lastLine = line;
        this.lastText = this.firstText;
        this.file = file;
    }

    public static String clip(String text) {
        return text == null || text.length() <= dev.faultline.Limits.ACTIVITY_TEXT_CHARS ? text : text.substring(0, dev.faultline.Limits.ACTIVITY_TEXT_CHARS) + "...";
    }
}
