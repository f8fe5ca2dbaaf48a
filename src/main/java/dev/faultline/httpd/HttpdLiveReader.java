package dev.faultline.httpd;

import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcMemory;
import dev.faultline.httpd.config.ConfigNode;
import dev.faultline.httpd.memory.HttpdImage;
import dev.faultline.httpd.memory.HttpdMemory;
import dev.faultline.httpd.memory.RequestOnStack;
import dev.faultline.model.CrashCapture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * At a crash's signal-delivery-stop in an httpd process (its executable exports ap_conftree): reads, through
 * /proc/PID/mem and never writing, the directive the crashing thread was running, the module holding the pc, the
 * request it served and the configuration tree. The thread is held meanwhile, so every read is bounded
 * (HttpdMemory's limits) and the time spent is noted.
 */
public final class HttpdLiveReader implements dev.faultline.capture.CrashStopReader {
    public static final HttpdLiveReader INSTANCE = new HttpdLiveReader();
    /** How much of the parent's stack the warm-up scans: enough to run the scan loop hot, little enough to be quick. */
    private static final int WARM_UP_STACK_BYTES = 64 * 1024;

    private HttpdLiveReader() {
    }

    @Override
    public Object read(CrashCapture capture, ProcFs proc, ProcMemory memory) {
        return atStop(capture, proc, memory);
    }

    /** At attach, off the tracer thread: one throw-away read, so the exe's symbols are cached before a crash stop. */
    @Override
    public void warmUp(ProcFs proc, int pid) {
        Thread t = new Thread(() -> {
            try (ProcMemory memory = ProcMemory.open(pid)) {
                long sp = 0;
                for (dev.faultline.capture.proc.Mapping m : proc.maps(pid)) {
                    if (m.path().equals("[stack]")) {
                        sp = Math.max(m.start(), m.end() - WARM_UP_STACK_BYTES);
                    }
                }
                CrashCapture dry = new CrashCapture();
                dry.pid = pid;
                dry.registers.put("rip", 0L);
                dry.registers.put("rsp", sp);
                atStop(dry, proc, memory);
            } catch (IOException | RuntimeException e) {
                // a warm-up only: the real read at a crash reports its own problems
            }
        }, "faultline-httpd-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The facts for the verdict, or null when the process is no httpd. */
    static Object atStop(CrashCapture c, ProcFs proc, ProcMemory memory) {
        Long pc = c.register("rip");
        Long sp = c.register("rsp");
        if (pc == null || sp == null) {
            return null;
        }
        long start = System.nanoTime();
        try {
            HttpdMemory httpd = HttpdImage.fromProcess(proc, c.pid, memory);
            if (httpd == null) {
                return null; // not httpd: nothing to add, and nothing to say
            }
            long symbolsDone = System.nanoTime();
            HttpdMemory.LoadedModule holding = httpd.moduleHolding(pc);
            c.crashModule = holding == null ? null : holding.name();
            long modulesDone = System.nanoTime();
            HttpdMemory.StackDirective d = httpd.directiveOnStack(sp, pc);
            RequestScope.Request request = RequestOnStack.find(memory, sp);
            long stackDone = System.nanoTime();
            HttpdMemory.ConfigTree tree = httpd.configTree();
            long treeDone = System.nanoTime();
            if (d != null) {
                ConfigNode n = d.node();
                c.configDirective = new CrashCapture.ConfigDirective(n.name(), n.args(), n.file(), n.line(), d.module());
            }
            c.notes.add(String.format("httpd memory read in %.1f ms at the signal stop (exe symbols %.1f, %d modules %.1f,"
                    + " stack %.1f, config tree of %d nodes %.1f; %s)", ms(treeDone - start), ms(symbolsDone - start),
                    httpd.modules().size(), ms(modulesDone - symbolsDone), ms(stackDone - modulesDone), tree.nodeCount(),
                    ms(treeDone - stackDone), d == null ? "no directive on the stack" : "directive at stack 0x" + Long.toHexString(d.stackSlot())));
            List<String> problems = new ArrayList<>(tree.problems());
            return new HttpdCrashFacts(request, d == null ? null : d.node(),
                    d == null ? null : "cmd_parms.directive on the crashing thread's stack at the signal stop"
                            + (d.inCrashModule() ? ", owned by the module that faulted" : ""),
                    tree.roots(), problems);
        } catch (IOException | RuntimeException e) {
            c.notes.add("httpd memory unreadable: " + e.getMessage());
            return null;
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
