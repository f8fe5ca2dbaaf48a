package dev.faultline.capture;

/** Why tracing could not start: each reason has its own exit code and one-line message. */
public final class AttachException extends Exception {
    public enum Reason { GONE, PERMISSION, ALREADY_TRACED, SELF }

    private final Reason reason;

    public AttachException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
