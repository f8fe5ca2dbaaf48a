package dev.faultline.trace;

/** A trace that cannot be read at all. {@link #reason} selects the CLI's exit code. */
public final class TraceInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason { NOT_FOUND, IS_DIRECTORY, NO_PERMISSION, EMPTY, BINARY, IO }

    public final Reason reason;

    public TraceInputException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }
}
