package dev.faultline.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "analyze", mixinStandardHelpOptions = true, description = "Name the config file and line behind each crash or HTTP 5xx in strace logs.")
public final class AnalyzeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError(ExitCodes.INTERNAL, "analyze: not wired yet");
    }
}
