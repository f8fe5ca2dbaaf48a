package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * faultline keeps a sleeping child to wake its tracer thread. Killed with SIGKILL, faultline cannot reap it; the child
 * must still go (its parent-death signal), or every `kill -9` leaves a `sleep 2147483647` behind on the server.
 */
class WakerOrphanTest {
    @TempDir
    Path dir;

    @Test
    void aKilledFaultlineLeavesNoWakerBehind() throws Exception {
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "util-linux's setpriv is not installed");
        Process target = new ProcessBuilder("sleep", "60").start();
        try {
            FaultlineProcess fl = FaultlineProcess.start(dir, List.of(), "attach", Long.toString(target.pid()));
            FaultlineProcess.waitUntil(20, () -> FaultlineProcess.tracerPid(target.pid()) > 0, "faultline attached");
            List<Long> wakers = new ArrayList<>();
            FaultlineProcess.waitUntil(10, () -> {
                wakers.clear();
                fl.process.descendants().filter(p -> p.info().commandLine().orElse("").contains("2147483647"))
                        .forEach(p -> wakers.add(p.pid()));
                return !wakers.isEmpty();
            }, "the waker runs");
            FaultlineProcess.signal("KILL", fl.process.pid());
            FaultlineProcess.waitUntil(10, () -> wakers.stream().noneMatch(w -> ProcessHandle.of(w).map(ProcessHandle::isAlive).orElse(false)),
                    "the waker died with faultline");
            FaultlineProcess.waitUntil(10, () -> FaultlineProcess.tracerPid(target.pid()) == 0, "the kernel detached the target");
            assertTrue(target.isAlive(), "the traced process survives faultline's SIGKILL");
        } finally {
            target.destroyForcibly();
        }
    }
}
