package dev.faultline.httpd.memory;

import static dev.faultline.httpd.HttpdStructs.*;

import dev.faultline.linux.Memory;
import dev.faultline.httpd.config.ConfigNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * httpd's own view of its configuration, read from its memory (a core or a live process): the parsed tree at
 * {@code ap_conftree}, the loaded modules from {@code ap_top_module} with their command tables, and the
 * {@code ap_directive_t} that a crashing directive handler was running, found on the thread's stack.
 *
 * <p>Every pointer is checked before use and every walk is bounded; damaged memory gives what could be read
 * plus a problem string, never an exception.
 */
public final class HttpdMemory {
    public static final int MAX_NODES = dev.faultline.Limits.MEMORY_CONFIG_NODES;
    public static final int MAX_MODULES = dev.faultline.Limits.MEMORY_MODULES;
    public static final int MAX_COMMANDS_PER_MODULE = dev.faultline.Limits.MEMORY_COMMANDS_PER_MODULE;
    public static final int MAX_DIRECTIVE_NAME = dev.faultline.Limits.MEMORY_DIRECTIVE_NAME;
    public static final int MAX_ARGS = dev.faultline.Limits.MEMORY_DIRECTIVE_ARGS;
    public static final int MAX_PATH = dev.faultline.Limits.MEMORY_PATH;
    public static final int MAX_LINE = dev.faultline.Limits.MEMORY_LINE_NUMBER;
    /** How far above the stack pointer the scan for the running directive looks. */
    public static final int STACK_SCAN_BYTES = 512 * 1024;
    /** Parent sections followed from a node found on the stack. */
    private static final int MAX_DEPTH = 64;
    private static final int STACK_CHUNK = 4096;

    /** A module of {@code ap_top_module}'s list. */
    public record LoadedModule(String name, long address, List<Command> commands) {
    }

    /** One {@code command_rec}: its directive, handler address (absolute, in this process), and where it may appear. */
    public record Command(String directive, long func, int reqOverride, int argsHow) {
    }

    /** The tree read from {@code ap_conftree}: top-level nodes, how many were read, and what went wrong. */
    public record ConfigTree(List<ConfigNode> roots, int nodeCount, List<String> problems) {
        public boolean complete() {
            return problems.isEmpty();
        }
    }

    /**
     * The {@code ap_directive_t} a crashing handler was running.
     *
     * @param node        the directive with file, line, args (and its enclosing sections when readable)
     * @param nodeAddress the node's address in the process
     * @param stackSlot   the stack address holding the pointer to it
     * @param module      the module owning the directive ({@code mod_crashconf.c}), or null for a section name
     *                    no module table lists
     * @param inCrashModule true when that module's handler lives in the file holding the crash pc
     */
    public record StackDirective(ConfigNode node, long nodeAddress, long stackSlot, String module, boolean inCrashModule) {
    }

    private final RawMemory mem;
    private final long conftreeVar;
    private final long topModuleVar;
    private final LongFunction<String> fileAt;
    private List<LoadedModule> modules;
    private final List<String> moduleProblems = new ArrayList<>();

    /**
     * @param memory       the process's memory
     * @param conftreeVar  runtime address of the variable {@code ap_conftree} (symbol value + load bias), or 0
     * @param topModuleVar runtime address of the variable {@code ap_top_module}, or 0
     * @param fileAt       the path of the file mapped at an address, or null (anonymous, unmapped)
     */
    public HttpdMemory(Memory memory, long conftreeVar, long topModuleVar, LongFunction<String> fileAt) {
        this.mem = new RawMemory(memory);
        this.conftreeVar = conftreeVar;
        this.topModuleVar = topModuleVar;
        this.fileAt = fileAt;
    }

    // ---------------------------------------------------------------------------------------------- config tree

    public ConfigTree configTree() {
        List<String> problems = new ArrayList<>();
        Long root = mem.u64(conftreeVar);
        if (root == null) {
            problems.add("ap_conftree at " + hex(conftreeVar) + " is unreadable");
            return new ConfigTree(List.of(), 0, problems);
        }
        if (root == 0) {
            problems.add("ap_conftree is NULL: httpd has not parsed its configuration (or has freed it)");
            return new ConfigTree(List.of(), 0, problems);
        }
        List<ConfigNode> roots = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        // (address of a sibling chain's first node, the Java parent or null); walked iteratively: no recursion depth limit
        Deque<Object[]> chains = new ArrayDeque<>();
        chains.push(new Object[] {root, null});
        int count = 0;
        while (!chains.isEmpty()) {
            Object[] chain = chains.pop();
            long at = (Long) chain[0];
            ConfigNode parent = (ConfigNode) chain[1];
            while (at != 0) {
                if (count >= MAX_NODES) {
                    problems.add("stopped after " + MAX_NODES + " nodes");
                    return new ConfigTree(roots, count, problems);
                }
                if (!seen.add(at)) {
                    problems.add("cycle: node " + hex(at) + " is reached twice; that branch is cut");
                    break;
                }
                RawNode raw = readNode(at);
                if (raw.problem != null) {
                    problems.add(raw.problem);
                    break;
                }
                count++;
                if (parent == null) {
                    roots.add(raw.node);
                } else {
                    parent.add(raw.node);
                }
                if (raw.firstChild != 0) {
                    chains.push(new Object[] {raw.firstChild, raw.node});
                }
                at = raw.next;
            }
        }
        return new ConfigTree(roots, count, problems);
    }

    private record RawNode(ConfigNode node, long next, long firstChild, long parent, String problem) {
        static RawNode bad(String problem) {
            return new RawNode(null, 0, 0, 0, problem);
        }
    }

    /** One ap_directive_t, every field checked: the kind of node a real tree holds, or a problem. */
    private RawNode readNode(long at) {
        byte[] b = new byte[DIRECTIVE_SIZE];
        if (at % POINTER_SIZE != 0 || mem.memory().read(at, b, 0, b.length) != b.length) {
            return RawNode.bad("node " + hex(at) + " is unreadable");
        }
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // the line number first: it costs no further read and rejects most words that are not nodes
        int line = w.getInt(DIRECTIVE_LINE_NUM);
        if (line < 1 || line > MAX_LINE) {
            return RawNode.bad("node " + hex(at) + " has line " + line);
        }
        String directive = mem.cstring(w.getLong(DIRECTIVE_DIRECTIVE), MAX_DIRECTIVE_NAME);
        if (directive == null || directive.isEmpty() || directive.indexOf(' ') >= 0) {
            return RawNode.bad("node " + hex(at) + " has no readable directive name");
        }
        String file = mem.cstring(w.getLong(DIRECTIVE_FILENAME), MAX_PATH);
        if (file == null || file.isEmpty()) {
            return RawNode.bad("node " + hex(at) + " (" + directive + ") has no readable file name");
        }
        long argsPtr = w.getLong(DIRECTIVE_ARGS);
        String args = argsPtr == 0 ? "" : mem.cstring(argsPtr, MAX_ARGS);
        if (args == null) {
            return RawNode.bad("node " + hex(at) + " (" + directive + ") has unreadable args");
        }
        boolean section = directive.startsWith("<");
        String name = section ? directive.substring(1) : directive;
        // httpd keeps a section's closing '>' at the end of its args
        String cleanArgs = section && args.endsWith(">") ? args.substring(0, args.length() - 1).strip() : args;
        return new RawNode(new ConfigNode(name, cleanArgs, file, line, section), w.getLong(DIRECTIVE_NEXT),
                w.getLong(DIRECTIVE_FIRST_CHILD), w.getLong(DIRECTIVE_PARENT), null);
    }

    // ---------------------------------------------------------------------------------------------- modules

    /** The loaded modules, in list order ({@code ap_top_module} first). Read once. */
    public List<LoadedModule> modules() {
        if (modules != null) {
            return modules;
        }
        List<LoadedModule> out = new ArrayList<>();
        Long at = mem.u64(topModuleVar);
        if (at == null) {
            moduleProblems.add("ap_top_module at " + hex(topModuleVar) + " is unreadable");
        }
        Set<Long> seen = new HashSet<>();
        while (at != null && at != 0) {
            if (out.size() >= MAX_MODULES || !seen.add(at)) {
                moduleProblems.add("module list cut at " + hex(at) + (out.size() >= MAX_MODULES ? ": too long" : ": cycle"));
                break;
            }
            Long magic = mem.u64(at + MODULE_MAGIC);
            Long namePtr = mem.u64(at + MODULE_NAME);
            String name = namePtr == null ? null : mem.cstring(namePtr, MAX_DIRECTIVE_NAME);
            if (magic == null || magic != MODULE_MAGIC_COOKIE || name == null) {
                moduleProblems.add("no module struct at " + hex(at) + " (magic or name unreadable)");
                break;
            }
            Long cmds = mem.u64(at + MODULE_CMDS);
            out.add(new LoadedModule(name, at, cmds == null ? List.of() : commands(cmds, name)));
            at = mem.u64(at + MODULE_NEXT);
        }
        modules = List.copyOf(out);
        return modules;
    }

    /** Why the module list is incomplete (empty when it was read to its end). */
    public List<String> moduleProblems() {
        modules();
        return List.copyOf(moduleProblems);
    }

    private List<Command> commands(long table, String module) {
        List<Command> out = new ArrayList<>();
        byte[] rec = new byte[COMMAND_REC_SIZE];
        for (int i = 0; table != 0 && i < MAX_COMMANDS_PER_MODULE; i++) {
            // one read per command_rec: this also runs while a crashed process is held at its signal stop
            if (mem.memory().read(table + (long) i * COMMAND_REC_SIZE, rec, 0, COMMAND_REC_SIZE) != COMMAND_REC_SIZE) {
                moduleProblems.add(module + ": command table unreadable at entry " + i);
                break;
            }
            ByteBuffer w = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
            long namePtr = w.getLong(COMMAND_REC_NAME);
            if (namePtr == 0) {
                break; // the table's { NULL } end
            }
            String name = mem.cstring(namePtr, MAX_DIRECTIVE_NAME);
            if (name == null) {
                moduleProblems.add(module + ": command " + i + " has no readable name");
                break;
            }
            out.add(new Command(name, w.getLong(COMMAND_REC_FUNC), w.getInt(COMMAND_REC_REQ_OVERRIDE), w.getInt(COMMAND_REC_ARGS_HOW)));
        }
        return List.copyOf(out);
    }

    /**
     * The module whose struct lies in the file mapped at {@code pc} (a LoadModule .so), or null when none or when
     * several do (the static modules all live in the httpd executable).
     */
    public LoadedModule moduleHolding(long pc) {
        String file = fileAt.apply(pc);
        if (file == null) {
            return null;
        }
        LoadedModule found = null;
        for (LoadedModule m : modules()) {
            if (file.equals(fileAt.apply(m.address()))) {
                if (found != null) {
                    return null;
                }
                found = m;
            }
        }
        return found;
    }

    // ---------------------------------------------------------------------------------------------- the stack

    /**
     * The directive a crashing handler was running: scans the stack from {@code sp} up (at most
     * {@link #STACK_SCAN_BYTES}, stopping where the stack stops being readable) for pointers to valid
     * ap_directive_t nodes. Prefers a directive whose module's handler is in the file holding {@code pc}, then the
     * innermost (lowest) stack slot, which is the newest cmd_parms. Null when none is found.
     */
    public StackDirective directiveOnStack(long sp, long pc) {
        Map<String, OwnedCommand> commands = commandsByName();
        String crashFile = pc == 0 ? null : fileAt.apply(pc);
        StackDirective best = null;
        Map<Long, RawNode> checked = new HashMap<>();
        byte[] chunk = new byte[STACK_CHUNK];
        long start = sp & ~(POINTER_SIZE - 1L);
        for (long base = start; base - start < STACK_SCAN_BYTES; base += STACK_CHUNK) {
            int n = mem.memory().read(base, chunk, 0, STACK_CHUNK);
            ByteBuffer w = ByteBuffer.wrap(chunk, 0, n).order(ByteOrder.LITTLE_ENDIAN);
            for (int o = 0; o + POINTER_SIZE <= n; o += POINTER_SIZE) {
                long p = w.getLong(o);
                // nodes live in pools (heap or anonymous mmaps), never in a mapped file: this skips return addresses
                if (p == 0 || p % POINTER_SIZE != 0 || fileAt.apply(p) != null) {
                    continue;
                }
                RawNode raw = checked.computeIfAbsent(p, this::readNode);
                if (raw.problem != null) {
                    continue;
                }
                String key = raw.node.isSection() ? "<" + raw.node.key() : raw.node.key();
                OwnedCommand cmd = commands.get(key);
                if (cmd == null && !raw.node.isSection()) {
                    continue; // a directive no loaded module runs: not a node httpd would walk
                }
                String owner = cmd == null ? null : cmd.module().name();
                boolean inCrash = cmd != null && crashFile != null && crashFile.equals(fileAt.apply(cmd.command().func()));
                if (best == null || (inCrash && !best.inCrashModule())) {
                    best = new StackDirective(withParents(raw), p, base + o, owner, inCrash);
                }
                if (best.inCrashModule()) {
                    return best; // the innermost node of the crash module's own directive: nothing above beats it
                }
            }
            if (n < STACK_CHUNK) {
                break; // the top of the stack mapping
            }
        }
        return best;
    }

    /** A command with the module that registered it. */
    private record OwnedCommand(Command command, LoadedModule module) {
    }

    /**
     * Every loaded command by lower-case name; the first module wins, as in httpd's lookup. (No record equals
     * here: its first call bootstraps ObjectMethods, which cost ~10 ms while the crashed thread was held.)
     */
    private Map<String, OwnedCommand> commandsByName() {
        Map<String, OwnedCommand> out = new HashMap<>();
        for (LoadedModule m : modules()) {
            for (Command c : m.commands()) {
                out.putIfAbsent(c.directive().toLowerCase(Locale.ROOT), new OwnedCommand(c, m));
            }
        }
        return out;
    }

    /** The node with its enclosing sections attached above it, as far as they read. */
    private ConfigNode withParents(RawNode raw) {
        ConfigNode child = raw.node;
        long up = raw.parent;
        Set<Long> seen = new HashSet<>();
        for (int depth = 0; up != 0 && depth < MAX_DEPTH && seen.add(up); depth++) {
            RawNode section = readNode(up);
            if (section.problem != null) {
                break;
            }
            section.node.add(child);
            child = section.node;
            up = section.parent;
        }
        return raw.node;
    }

    static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }
}
