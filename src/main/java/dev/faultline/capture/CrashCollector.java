package dev.faultline.capture;

import dev.faultline.linux.LinuxNames;
import dev.faultline.capture.jna.NativeBuffer;
import dev.faultline.capture.jna.NativeCallException;
import dev.faultline.capture.jna.Ptrace;
import dev.faultline.capture.jna.UserRegs;
import dev.faultline.capture.proc.Mapping;
import dev.faultline.capture.proc.ProcFs;
import dev.faultline.model.CrashCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Collects crash metadata at the fault's signal-delivery-stop, while the thread is held: registers, the module
 * holding the pc, threads, cmdline, cwd, and every fd with its position. The fd positions are what a core never has.
 */
final class CrashCollector {
    private static final String[] REGISTERS = {"rip", "rsp", "rbp", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8",
        "r9", "r10", "r11", "r12", "r13", "r14", "r15", "orig_rax", "eflags"};

    private static final int[] OFFSETS = new int[REGISTERS.length];

    static {
        for (int i = 0; i < REGISTERS.length; i++) {
            OFFSETS[i] = UserRegs.offsetOf(REGISTERS[i]);
        }
    }

    private CrashCollector() {
    }

    static CrashCapture collect(ProcFs proc, Ptrace pt, int tid, int tgid, int sig, int code, long siAddr,
            NativeBuffer regs, long timeNs) {
        CrashCapture c = new CrashCapture();
        c.pid = tgid;
        c.tid = tid;
        c.timeNs = timeNs;
        c.signal = LinuxNames.signal(sig);
        c.siCode = LinuxNames.siCode(sig, code);
        c.kernelGenerated = code > 0;
        c.faultAddress = code > 0 ? siAddr : 0;
        try {
            pt.registers(tid, regs);
            for (int i = 0; i < REGISTERS.length; i++) {
                c.registers.put(REGISTERS[i], regs.getLong(OFFSETS[i]));
            }
        } catch (NativeCallException e) {
            c.notes.add("registers unavailable: " + e.getMessage());
        }
        try {
            Long rip = c.register("rip");
            if (rip != null) {
                Mapping m = Mapping.containing(proc.maps(tgid), rip);
                if (m != null) {
                    c.pcModule = m.path().isEmpty() ? "[anon]" : m.path();
                    c.pcModuleOffset = rip - m.start() + m.offset();
                } else {
                    c.pcModule = "[unmapped]";
                    c.pcModuleOffset = rip;
                }
            }
            c.threads.addAll(proc.tasks(tgid));
            c.cmdline.addAll(proc.cmdline(tgid));
            c.cwd = proc.cwd(tgid);
            c.exe = proc.exe(tgid);
            for (Map.Entry<Integer, String> fd : proc.fds(tgid).entrySet()) {
                long pos = -1;
                try {
                    pos = proc.fdinfo(tgid, fd.getKey()).pos();
                } catch (Exception e) {
                    // closed meanwhile by another thread
                }
                long size = -1;
                String path = fd.getValue();
                if (path.startsWith("/")) {
                    try {
                        Path p = Path.of(path);
                        if (Files.isRegularFile(p)) {
                            size = Files.size(p);
                        }
                    } catch (Exception e) {
                        // unreadable or odd name: size unknown
                    }
                }
                c.fds.add(new CrashCapture.Fd(fd.getKey(), path, pos, size));
            }
        } catch (Exception e) {
            c.notes.add("part of /proc/" + tgid + " was unreadable: " + e.getMessage());
        }
        return c;
    }
}
