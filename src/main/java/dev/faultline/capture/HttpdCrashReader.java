package dev.faultline.capture;

import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcMemory;
import dev.faultline.httpd.config.ConfigNode;
import dev.faultline.httpd.memory.HttpdImage;
import dev.faultline.httpd.memory.HttpdMemory;
import dev.faultline.model.CrashCapture;
import java.io.IOException;

/**
 * At a crash's signal-delivery-stop in an httpd process (its executable exports ap_conftree): reads, through
 * /proc/PID/mem and never writing, the directive the crashing thread was running and the module holding the pc.
 * The thread is held meanwhile, so every read is bounded (HttpdMemory's limits) and the time spent is noted.
 */
final class HttpdCrashReader {
    /** How much of the parent's stack the warm-up scans: enough to run the scan loop hot, little enough to be quick. */
    private static final int WARM_UP_STACK_BYTES = 64 * 1024;

    private HttpdCrashReader() {
    }

    static void read(CrashCapture c, ProcFs proc, int tgid, long pc, long sp) {
        long start = System.nanoTime();
        try (ProcMemory memory = ProcMemory.open(tgid)) {
            HttpdMemory httpd = HttpdImage.fromProcess(proc, tgid, memory);
            if (httpd == null) {
                return; // not httpd: nothing to add, and nothing to say
            }
            long symbolsDone = System.nanoTime();
            HttpdMemory.LoadedModule holding = httpd.moduleHolding(pc);
            c.crashModule = holding == null ? null : holding.name();
            long modulesDone = System.nanoTime();
            HttpdMemory.StackDirective d = httpd.directiveOnStack(sp, pc);
            long stackDone = System.nanoTime();
            if (d != null) {
                ConfigNode n = d.node();
                c.configDirective = new CrashCapture.ConfigDirective(n.name(), n.args(), n.file(), n.line(), d.module());
            }
            c.notes.add(String.format("httpd memory read in %.1f ms at the signal stop (exe symbols %.1f, %d modules %.1f,"
                    + " stack %.1f; %s)", ms(stackDone - start), ms(symbolsDone - start), httpd.modules().size(),
                    ms(modulesDone - symbolsDone), ms(stackDone - modulesDone),
                    d == null ? "no directive on the stack" : "directive at sp+" + hex(d.stackSlot() - sp)));
        } catch (IOException | RuntimeException e) {
            c.notes.add("httpd memory unreadable: " + e.getMessage());
        }
    }

    /**
     * At attach time, off the tracer thread: one throw-away read of {@code pid}'s memory (when it is httpd), so the
     * executable's symbols are cached and the classes loaded before a crash stop has to wait for them. Read-only,
     * and it touches nothing of the tracer's state.
     */
    static void warmUp(ProcFs proc, int pid) {
        Thread t = new Thread(() -> {
            try {
                long sp = 0;
                for (dev.faultline.capture.proc.Mapping m : proc.maps(pid)) {
                    if (m.path().equals("[stack]")) {
                        sp = Math.max(m.start(), m.end() - WARM_UP_STACK_BYTES);
                    }
                }
                read(new CrashCapture(), proc, pid, 0, sp);
                // the node reader's code paths too (the parent's stack rarely points at a node)
                try (ProcMemory memory = ProcMemory.open(pid)) {
                    HttpdMemory httpd = HttpdImage.fromProcess(proc, pid, memory);
                    if (httpd != null) {
                        httpd.configTree();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a warm-up only: the real read at a crash reports its own problems
            }
        }, "faultline-httpd-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }
}
