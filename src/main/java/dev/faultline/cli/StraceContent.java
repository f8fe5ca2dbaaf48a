package dev.faultline.cli;

import dev.faultline.trace.ParseStats;
import java.util.List;

/** The one rule, for every command that reads traces, for "this input holds no strace output at all". */
final class StraceContent {
    private StraceContent() {
    }

    /**
     * Refuses (exit 7) inputs that gave no event and held text that is not strace's: unknown lines, or a last line
     * without a newline that did not parse either. An empty file is refused earlier, on its own code.
     */
    static void require(List<String> traces, long events, ParseStats stats) throws UserError {
        if (events > 0) {
            return;
        }
        String first = null;
        if (stats.unknownLines > 0 && !stats.unknownSamples.isEmpty()) {
            first = stats.unknownSamples.get(0);
        } else if (stats.truncatedLastLine > 0 && !stats.truncatedLastLineKept) {
            first = "line " + stats.truncatedLastLine + " (no newline)";
        }
        if (first != null) {
            throw new UserError(ExitCodes.NOT_A_TRACE, String.join(", ", traces) + ": no line of strace output (first unknown line: "
                    + first + ")");
        }
    }
}
