package dev.faultline.core;

/** A core file faultline cannot read; the message is one line naming the file. */
public final class CoreInputException extends Exception {
    public enum Reason { NOT_FOUND, NO_PERMISSION, IS_DIRECTORY, EMPTY, TRUNCATED, NOT_ELF, NOT_CORE, WRONG_ARCH, CORRUPT, DECOMPRESS, IO }

    public final Reason reason;

    public CoreInputException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }
}
