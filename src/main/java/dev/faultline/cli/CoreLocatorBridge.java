package dev.faultline.cli;

import dev.faultline.core.CoreLocator;
import java.nio.file.Path;
import java.util.List;

/** Picks the core of a crashed pid for `faultline core --pid`: the newest candidate {@link CoreLocator} finds. */
final class CoreLocatorBridge {
    record Found(Path path, String how) {
    }

    private CoreLocatorBridge() {
    }

    static Found find(int pid, List<Path> dirs) {
        CoreLocator.LocatorEnvironment env = CoreLocator.LocatorEnvironment.system(dirs, null);
        List<CoreLocator.Candidate> found = CoreLocator.find(pid, env);
        for (CoreLocator.Candidate c : found) {
            if (!c.apportReport()) {
                return new Found(c.path(), c.how());
            }
        }
        if (!found.isEmpty()) {
            throw new UserError(ExitCodes.NOT_FOUND, "only an apport report holds the core of pid " + pid + ": " + found.get(0).path()
                    + "; extract it with apport-unpack, then run faultline core on the CoreDump file");
        }
        throw new UserError(ExitCodes.NOT_FOUND, "no core found for pid " + pid + ": " + CoreLocator.explain(pid, env));
    }
}
