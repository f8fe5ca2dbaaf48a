package dev.faultline.httpd.memory;

import dev.faultline.capture.proc.Mapping;
import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcMemory;
import dev.faultline.core.CoreFile;
import dev.faultline.core.CoreThread;
import dev.faultline.core.ElfFormatException;
import dev.faultline.core.ElfImage;
import dev.faultline.core.MappedFile;
import dev.faultline.core.MappedModule;
import dev.faultline.core.Modules;
import dev.faultline.core.Registers;
import dev.faultline.core.SignalFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds httpd's exported variables in a core or a live process: the executable's .dynsym values of
 * {@code ap_conftree} and {@code ap_top_module}, moved by the executable's load bias. A process whose executable
 * does not export {@code ap_conftree} is not httpd, and gives null.
 */
public final class HttpdImage {
    public static final String CONFTREE = "ap_conftree";
    public static final String TOP_MODULE = "ap_top_module";
    /**
     * The variables' link-time addresses per executable file (device:inode of its mapping): read once, so a crash's
     * signal stop does not parse the executable again (and a warm-up at attach time can read it beforehand).
     */
    private static final Map<String, Optional<long[]>> SYMBOLS_BY_FILE = new ConcurrentHashMap<>();

    private HttpdImage() {
    }

    /** httpd's memory in a core, or null when the core's executable is not httpd (or not on disk). */
    public static HttpdMemory fromCore(CoreFile core) {
        String exe = core.executable();
        if (exe == null) {
            return null;
        }
        Modules modules = new Modules(core);
        MappedModule m = modules.byPath(exe);
        if (m == null || m.disk() == null) {
            return null;
        }
        Map<String, Long> syms = DynamicSymbols.find(m.disk(), Set.of(CONFTREE, TOP_MODULE));
        if (!syms.containsKey(CONFTREE) || !syms.containsKey(TOP_MODULE)) {
            return null;
        }
        long bias = m.loadBias();
        return new HttpdMemory(core.memory(), syms.get(CONFTREE) + bias, syms.get(TOP_MODULE) + bias, a -> {
            MappedModule at = modules.at(a);
            return at == null ? null : at.path();
        });
    }

    /**
     * The directive being run when the core's process crashed: the thread holding the kernel's signal frame of
     * the first fault (httpd re-raises the signal, so the dumping thread's pc is in kill()) and that frame's pc;
     * else the dumping thread and its own pc. Null when no directive node is on that stack.
     */
    public static HttpdMemory.StackDirective directiveAtCrash(CoreFile core, HttpdMemory httpd) {
        List<CoreThread> threads = core.threads();
        for (CoreThread t : threads) {
            SignalFrame frame = SignalFrame.find(core, t);
            if (frame != null) {
                // scan from below the handler's frames: the handler ran on this stack, under the fault's frames
                return httpd.directiveOnStack(t.registers().sp(), frame.rip());
            }
        }
        if (threads.isEmpty()) {
            return null;
        }
        Registers r = threads.get(0).registers();
        return httpd.directiveOnStack(r.sp(), r.pc());
    }

    /**
     * httpd's memory in live process {@code pid} (through {@code memory}, which the caller opened and closes), or
     * null when its executable is not httpd. IOException when /proc/PID is gone or unreadable.
     */
    public static HttpdMemory fromProcess(ProcFs proc, int pid, ProcMemory memory) throws IOException {
        List<Mapping> maps = proc.maps(pid);
        String exe = proc.exe(pid);
        Mapping exeMapping = null;
        for (Mapping m : maps) {
            if (m.path().equals(exe) && m.offset() == 0) {
                exeMapping = m;
                break;
            }
        }
        if (exeMapping == null) {
            return null;
        }
        String fileKey = exeMapping.dev() + ":" + exeMapping.inode();
        Optional<long[]> vars = SYMBOLS_BY_FILE.get(fileKey);
        if (vars == null) {
            vars = readVariables(proc.root().resolve(Integer.toString(pid)).resolve("exe"));
            SYMBOLS_BY_FILE.put(fileKey, vars);
        }
        if (vars.isEmpty()) {
            return null;
        }
        long[] v = vars.get();
        long bias = exeMapping.start() - v[2];
        return new HttpdMemory(memory, v[0] + bias, v[1] + bias, a -> {
            Mapping at = Mapping.containing(maps, a);
            return at == null || !at.isFile() ? null : at.path();
        });
    }

    /**
     * {ap_conftree, ap_top_module, link-time vaddr of file offset 0} of an executable, or empty when it is not
     * httpd. /proc/PID/exe still opens when the file on disk was replaced or deleted since the exec.
     */
    private static Optional<long[]> readVariables(Path exe) throws IOException {
        try (MappedFile f = new MappedFile(exe)) {
            ElfImage elf = new ElfImage(f);
            Map<String, Long> syms = DynamicSymbols.find(elf, Set.of(CONFTREE, TOP_MODULE));
            if (!syms.containsKey(CONFTREE) || !syms.containsKey(TOP_MODULE)) {
                return Optional.empty();
            }
            return Optional.of(new long[] {syms.get(CONFTREE), syms.get(TOP_MODULE), firstLoadVaddr(elf)});
        } catch (ElfFormatException e) {
            return Optional.empty();
        }
    }

    /** The link-time address of the PT_LOAD mapping file offset 0 (0 for a PIE). */
    private static long firstLoadVaddr(ElfImage elf) {
        for (ElfImage.Segment s : elf.segments()) {
            if (s.type() == ElfImage.PT_LOAD && s.offset() == 0) {
                return s.vaddr();
            }
        }
        return 0;
    }
}
