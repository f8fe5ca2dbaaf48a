package dev.faultline.core;

/** The class of a crash, from the signal, its code, the fault address and the stack. */
public enum FaultKind {
    NULL_POINTER("null-pointer"),
    WILD_POINTER("wild-pointer"),
    NON_CANONICAL("non-canonical-pointer"),
    PROTECTION("protection-fault"),
    STACK_OVERFLOW("stack-overflow"),
    ASSERT("assert"),
    ABORT("abort"),
    BUS_ERROR("bus-error"),
    ILLEGAL_INSTRUCTION("illegal-instruction"),
    ARITHMETIC("arithmetic"),
    OTHER_SIGNAL("other-signal"),
    NO_SIGNAL("no-signal");

    public final String label;

    FaultKind(String label) {
        this.label = label;
    }
}
