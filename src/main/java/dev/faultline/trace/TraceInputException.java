package dev.faultline.trace;

/** A trace that cannot be read at all. {@link #reason} selects the CLI's exit code. */
public final class TraceInputException extends dev.faultline.InputException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NOT_FOUND(dev.faultline.InputFailure.NOT_FOUND), IS_DIRECTORY(dev.faultline.InputFailure.IS_DIRECTORY),
        NO_PERMISSION(dev.faultline.InputFailure.NO_PERMISSION), EMPTY(dev.faultline.InputFailure.EMPTY),
        BINARY(dev.faultline.InputFailure.NOT_A_TRACE), IO(dev.faultline.InputFailure.IO);

        final dev.faultline.InputFailure failure;

        Reason(dev.faultline.InputFailure failure) {
            this.failure = failure;
        }
    }

    public final Reason reason;

    public TraceInputException(Reason reason, String message) {
        super(reason.failure, message);
        this.reason = reason;
    }
}
