package dev.faultline.core;

/**
 * Raised deep inside the ELF readers when a size, offset or count does not fit the file. Callers at the
 * boundary ({@link CoreFile#open}) turn it into a {@link CoreInputException}; the module readers catch it and
 * carry on without that module's symbols.
 */
public final class ElfFormatException extends RuntimeException {
    public final boolean truncated;

    public ElfFormatException(String message) {
        this(message, false);
    }

    public ElfFormatException(String message, boolean truncated) {
        super(message, null, false, false);
        this.truncated = truncated;
    }
}
