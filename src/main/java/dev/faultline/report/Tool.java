package dev.faultline.report;

/** What every machine-readable report says of the tool that wrote it. */
public final class Tool {
    public static final String NAME = "faultline";
    public static final String VERSION = "0.1.0";
    /**
     * Where a reader of a SARIF log learns what faultline is. A placeholder: the project has no public address
     * yet (none in the README or docs); set the real one here.
     */
    public static final String INFORMATION_URI = "https://github.com/faultline/faultline";

    private Tool() {
    }
}
