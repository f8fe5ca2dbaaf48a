package dev.faultline;

/** An input faultline cannot use: its message is one line naming it, and its {@link #failure} picks the exit code. */
public abstract class InputException extends Exception {
    private static final long serialVersionUID = 1L;

    public final InputFailure failure;

    protected InputException(InputFailure failure, String message) {
        super(message);
        this.failure = failure;
    }
}
