package dev.faultline;

/**
 * Why an input (a trace, a core, a process to attach to) could not be used, whichever layer found out. The command
 * line maps each to its exit code in one place (cli.ExitCodes); each layer's exception names its reasons in these.
 */
public enum InputFailure {
    NOT_FOUND,
    /** a process that exited before it could be attached */
    GONE,
    NO_PERMISSION,
    IS_DIRECTORY,
    EMPTY,
    /** binary data, or text of which no line is what was asked for */
    NOT_A_TRACE,
    IO,
    ALREADY_TRACED,
    /** faultline asked to trace itself */
    SELF,
    NOT_ELF,
    NOT_A_CORE,
    CORE_TRUNCATED,
    CORE_CORRUPT,
    WRONG_ARCH,
    DECOMPRESS
}
