package dev.faultline.capture.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The variadic ptrace declared with four fixed longs, waitpid, GETREGS, GETSIGINFO, GET_SYSCALL_INFO and
 * process_vm_readv, against a real child started by the stopper. The test thread is the tracer throughout.
 */
class PtraceBindingTest {
    private static final int SIGSTOP = 19;
    private static final int SIGCONT = 18;
    private static final int SIGKILL = 9;

    @Test
    void seizeInterruptReadAndDetachARealChild() throws Exception {
        Ptrace pt = new Ptrace();
        int pid = Ptrace.spawnStopped(List.of("sleep", "30"), Map.of("PATH", "/usr/bin:/bin"));
        try {
            assertEquals(pid, pt.waitpid(pid, 2 | Ptrace.WALL), "the stopper stopped itself");
            assertEquals(SIGSTOP, (pt.lastStatus() >> 8) & 0xff);

            pt.seize(pid, Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACEEXEC);
            assertEquals(tracerPidOf(pid) > 0, true, "TracerPid is set after SEIZE");
            Ptrace.kill(pid, SIGCONT);
            // resume through stops until the exec event: the shell became sleep
            boolean exec = false;
            for (int i = 0; i < 50 && !exec; i++) {
                assertEquals(pid, pt.waitpid(pid, Ptrace.WALL));
                int s = pt.lastStatus();
                int event = (s >>> 16) & 0xff;
                int sig = (s >> 8) & 0xff;
                if (event == Ptrace.EVENT_EXEC) {
                    exec = true;
                    break;
                }
                if (event == Ptrace.EVENT_STOP && sig == SIGSTOP) {
                    pt.listen(pid); // group-stop: wait for the SIGCONT
                } else {
                    pt.cont(pid, event == 0 ? sig : 0);
                }
            }
            assertTrue(exec, "PTRACE_EVENT_EXEC reached");

            NativeBuffer regs = new NativeBuffer(UserRegs.SIZE);
            pt.registers(pid, regs);
            long rip = regs.getLong(UserRegs.RIP);
            long rsp = regs.getLong(UserRegs.RSP);
            assertTrue(rip != 0 && rsp != 0, "registers read");
            String maps = Files.readString(Path.of("/proc/" + pid + "/maps"));
            assertTrue(maps.contains("ld-linux") || maps.contains("/sleep"), "the pc is in the new image");

            NativeBuffer word = new NativeBuffer(8);
            assertEquals(8, pt.readMemory(pid, rsp, word, 8), "process_vm_readv at the stack pointer");
            assertTrue(word.getLong(0) >= 1 && word.getLong(0) < 64, "argc of sleep 30 is on top of the stack: " + word.getLong(0));

            NativeBuffer info = new NativeBuffer(SyscallInfo.SIZE);
            int op = pt.syscallInfo(pid, info);
            assertTrue(op >= 0 && op <= 3, "GET_SYSCALL_INFO answered with op " + op);

            pt.detach(pid, 0);
            assertEquals(0, tracerPidOf(pid), "untraced after DETACH");
        } finally {
            Ptrace.kill(pid, SIGKILL);
            pt.waitpid(pid, Ptrace.WALL);
        }
    }

    @Test
    void errorsNameTheOperationAndThePid() {
        Ptrace pt = new Ptrace();
        try {
            pt.interrupt(2147483646);
            throw new AssertionError("expected ESRCH");
        } catch (NativeCallException e) {
            assertEquals(NativeCallException.ESRCH, e.errno());
            assertTrue(e.getMessage().startsWith("PTRACE_INTERRUPT(2147483646): no such process"), e.getMessage());
        }
    }

    private static int tracerPidOf(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("TracerPid:")) {
                return Integer.parseInt(line.substring(10).trim());
            }
        }
        return -1;
    }
}
