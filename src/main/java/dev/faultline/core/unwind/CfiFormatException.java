package dev.faultline.core.unwind;

/**
 * The call frame information (or a DWARF expression in it) is malformed, truncated, or uses a feature this
 * unwinder does not implement. The only exception type the parsers throw for bad input; unchecked so that a
 * stack walker can catch it in one place and stop walking.
 */
public final class CfiFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CfiFormatException(String message) {
        super(message);
    }
}
