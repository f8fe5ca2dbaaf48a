package dev.faultline.core;

/** A core file faultline cannot read; the message is one line naming the file. */
public final class CoreInputException extends dev.faultline.InputException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NOT_FOUND(dev.faultline.InputFailure.NOT_FOUND), NO_PERMISSION(dev.faultline.InputFailure.NO_PERMISSION),
        IS_DIRECTORY(dev.faultline.InputFailure.IS_DIRECTORY), EMPTY(dev.faultline.InputFailure.EMPTY),
        TRUNCATED(dev.faultline.InputFailure.CORE_TRUNCATED), NOT_ELF(dev.faultline.InputFailure.NOT_ELF),
        NOT_CORE(dev.faultline.InputFailure.NOT_A_CORE), WRONG_ARCH(dev.faultline.InputFailure.WRONG_ARCH),
        CORRUPT(dev.faultline.InputFailure.CORE_CORRUPT), DECOMPRESS(dev.faultline.InputFailure.DECOMPRESS),
        IO(dev.faultline.InputFailure.IO);

        final dev.faultline.InputFailure failure;

        Reason(dev.faultline.InputFailure failure) {
            this.failure = failure;
        }
    }

    public final Reason reason;

    public CoreInputException(Reason reason, String message) {
        super(reason.failure, message);
        this.reason = reason;
    }
}
