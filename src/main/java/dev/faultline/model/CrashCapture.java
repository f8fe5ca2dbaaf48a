package dev.faultline.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What faultline saw of a process at the moment of a fault: the signal, the registers, where the pc was, and every
 * open fd with its read position. A core has none of the fds; only a live capture (the signal-delivery-stop, with
 * /proc/PID/fdinfo) knows which file was being read when the thread faulted.
 */
public final class CrashCapture {
    /** One open fd: its target and the read/write position from fdinfo (-1 if unknown). */
    public record Fd(int fd, String path, long pos, long size) {
        public boolean isFile() {
            return path.startsWith("/") && !path.endsWith(" (deleted)");
        }
    }

    /**
     * The httpd config directive a handler was running at the fault, read from the process's own memory
     * (the ap_directive_t that ap_walk_config left on the crashing thread's stack).
     *
     * @param module the httpd module owning the directive ({@code mod_crashconf.c}), or null
     */
    public record ConfigDirective(String name, String args, String file, int line, String module) {
        public String text() {
            return args.isEmpty() ? name : name + " " + args;
        }

        public String location() {
            return file + ":" + line;
        }
    }

    public int pid;
    public int tid;
    public String signal;
    public String siCode;
    /** si_addr: the fault address, for kernel-generated faults. */
    public long faultAddress;
    public boolean kernelGenerated;
    public final Map<String, Long> registers = new LinkedHashMap<>();
    /** The mapping that holds the pc: module path (or [anon], [vdso]) and the offset into the file. */
    public String pcModule;
    public long pcModuleOffset;
    public final List<Integer> threads = new ArrayList<>();
    public final List<String> cmdline = new ArrayList<>();
    public String cwd;
    public String exe;
    public final List<Fd> fds = new ArrayList<>();
    /** httpd only: the directive being run at the fault, or null (not httpd, or no directive on the stack). */
    public ConfigDirective configDirective;
    /** httpd only: the module ({@code mod_rewrite.c}) whose .so holds the pc, or null. */
    public String crashModule;
    public final List<String> notes = new ArrayList<>();
    public long timeNs;
    /** What a layer above read from the process's memory at the stop (Tracer.Options#atCrashStop), or null. */
    public Object extension;

    public Long register(String name) {
        return registers.get(name);
    }
}
