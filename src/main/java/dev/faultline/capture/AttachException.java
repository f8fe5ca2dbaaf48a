package dev.faultline.capture;

/** Why tracing could not start: each reason has its own exit code and one-line message. */
public final class AttachException extends dev.faultline.InputException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        GONE(dev.faultline.InputFailure.GONE), PERMISSION(dev.faultline.InputFailure.NO_PERMISSION),
        ALREADY_TRACED(dev.faultline.InputFailure.ALREADY_TRACED), SELF(dev.faultline.InputFailure.SELF),
        /** the live tracer reads x86_64 registers only */
        WRONG_ARCH(dev.faultline.InputFailure.WRONG_ARCH);

        final dev.faultline.InputFailure failure;

        Reason(dev.faultline.InputFailure failure) {
            this.failure = failure;
        }
    }

    private final Reason reason;

    public AttachException(Reason reason, String message) {
        super(reason.failure, message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
