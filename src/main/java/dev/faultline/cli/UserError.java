package dev.faultline.cli;

/** A problem the user can fix, reported as one line with a distinct exit code. */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int exitCode;

    public UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
