package dev.faultline.httpd.config;

/** A located problem met while reading a configuration: it never stops the reading. */
public record ConfigWarning(String file, int line, String message) {
    @Override
    public String toString() {
        return (file == null ? "" : line > 0 ? file + ":" + line + ": " : file + ": ") + message;
    }
}
