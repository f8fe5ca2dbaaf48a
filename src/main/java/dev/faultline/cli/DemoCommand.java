package dev.faultline.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Analyze a bundled real crash recording.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError(ExitCodes.INTERNAL, "demo: not wired yet");
    }
}
