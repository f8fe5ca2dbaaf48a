package dev.faultline.core;

/**
 * One backtrace frame. {@code trust} says how it was found, in Breakpad's order: context (registers saved by the
 * kernel) > cfi (DWARF .eh_frame) > fp (frame-pointer chain) > scan (a word on the stack that looks like a return
 * address; may be stale). {@code lookupPc} is pc−1 for return addresses, so the call, not the next line, is named.
 */
public record Frame(int index, long pc, Trust trust, String module, long moduleOffset, String function,
        long functionOffset, long sp) {
    public enum Trust {
        CONTEXT, CFI, FP, SCAN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code module+0xoffset}, stable across ASLR. */
    public String moduleOffsetText() {
        return module == null ? String.format("0x%x", pc) : String.format("%s+0x%x", module, moduleOffset);
    }

    public String functionText() {
        return function == null ? "??" : functionOffset == 0 ? function : String.format("%s+0x%x", function, functionOffset);
    }
}
