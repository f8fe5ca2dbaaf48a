package dev.faultline.core;

import dev.faultline.linux.LinuxNames;
import dev.faultline.linux.SyscallTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Turns a {@link CoreFile} into a {@link CoreReport}: the crashing thread, the real fault, the stack, the culprit. */
public final class CoreAnalysis {
    /** Below mmap_min_addr (64 KiB) nothing can be mapped: a pointer this small is NULL plus an offset. */
    private static final long NULL_PAGE_LIMIT = 0x10000;
    private static final int SIGNATURE_FRAMES = 5;
    private CoreAnalysis() {
    }

    /** @param roles the frames never blamed (the C runtime's, and the server's: {@code httpd.HttpdFrames}) */
    public static CoreReport analyze(CoreFile core, String fileLabel, String compression, FrameRoles roles) {
        Modules modules = new Modules(core);
        List<String> warnings = new ArrayList<>();
        List<CoreThread> threads = core.threads();
        if (threads.isEmpty()) {
            throw new ElfFormatException("the core has no NT_PRSTATUS note, so no thread to report");
        }
        SignalInfo sig = core.signal();
        CoreThread first = threads.get(0);
        int signo = sig != null ? sig.signo() : first.cursig();

        CoreThread crashing = first;
        String reason = "the dumping thread (first NT_PRSTATUS)";
        SignalFrame frame = null;
        Long faultAddress = null;
        String faultSource = "none";
        int faultSignal = signo;
        if (sig != null && !sig.userSent()) {
            faultAddress = sig.addr();
            faultSource = "siginfo";
            reason += "; NT_SIGINFO is a kernel-raised " + LinuxNames.siCode(sig.signo(), sig.code());
        } else if (signo != 0) {
            for (CoreThread t : byKillFirst(core, threads)) {
                frame = SignalFrame.find(core, t);
                if (frame != null) {
                    crashing = t;
                    break;
                }
            }
            if (frame != null) {
                faultAddress = frame.faultAddress();
                faultSource = "sigframe";
                faultSignal = frame.signal() != 0 ? frame.signal() : signo;
                reason = (crashing == first ? "the dumping thread" : "thread " + crashing.tid() + ", not the dumping thread "
                        + first.tid() + ",") + " holds the signal frame of the first fault at " + hex(frame.address())
                        + " (the signal was re-raised" + (sig != null ? " with " + LinuxNames.siCode(signo, sig.code()) : "") + ")";
            } else if (sig != null) {
                warnings.add("the signal was sent by pid " + sig.senderPid() + " (" + LinuxNames.siCode(signo, sig.code())
                        + ") and no kernel signal frame was found on any stack: the real fault address is unknown");
            } else {
                warnings.add("the core has no NT_SIGINFO: the fault address is unknown");
            }
        } else {
            warnings.add("no signal: this core is a snapshot (gcore or similar), not a crash");
        }
        if (!core.notesSeen().contains("NT_FILE")) {
            warnings.add("the core has no NT_FILE note: modules and symbols are unknown");
        }

        Backtrace unwinder = new Backtrace(core, modules);
        List<Frame> frames;
        if (frame != null) {
            long[] regs = frame.dwarfRegisters();
            frames = unwinder.unwind(frame.rip(), regs);
        } else {
            long[] regs = crashing.registers().dwarf();
            frames = unwinder.unwind(crashing.registers().pc(), regs);
        }
        long faultPc = frames.get(0).pc();
        long faultSp = frames.get(0).sp();

        FaultKind kind = classify(core, faultSignal, sig, frame, faultAddress, faultSp, frames);
        String access = frame != null ? frame.access() : "unknown";
        CoreReport.Fault fault = new CoreReport.Fault(kind.label, describe(kind, faultSignal, faultAddress, access, core, modules),
                faultAddress, access, faultPc, faultSource, frame == null ? null : frame.address(), faultSignal);

        CoreReport.Culprit culprit = culprit(frames, modules, roles);
        CoreReport.Signature signature = signature(kind, culprit, frames, roles);

        List<CoreReport.ThreadSummary> summaries = new ArrayList<>();
        SyscallTable table = core.arch == Arch.X86_64 ? SyscallTable.x86_64() : SyscallTable.aarch64();
        for (CoreThread t : threads) {
            long nr = t.registers().syscall();
            String state = nr == -1 ? "user code" : nr == -2 ? "unknown" : "in syscall " + table.name((int) nr);
            long pc = t.registers().pc();
            summaries.add(new CoreReport.ThreadSummary(t.index(), t.tid(), t == crashing, state, pc, where(modules, pc)));
        }

        List<CoreReport.ModuleSummary> mods = new ArrayList<>();
        for (MappedModule m : modules.all()) {
            String coreId = m.coreBuildId();
            MappedModule.DiskState state = m.diskState();
            if (state == MappedModule.DiskState.MISMATCH) {
                warnings.add(m.path() + " changed since the crash: build-id " + m.diskBuildId() + " on disk, "
                        + coreId + " in the core; its symbols may be wrong");
            }
            mods.add(new CoreReport.ModuleSummary(m.path(), m.base(), m.end(), coreId, m.diskBuildId(),
                    state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), m.symbolSource()));
        }
        if (core.missingBytes() > 0) {
            warnings.add("the core is truncated: " + core.missingBytes() + " bytes of memory are missing");
        }

        ProcessInfo pi = core.process();
        CoreReport.Process process = new CoreReport.Process(pi != null ? pi.pid() : first.tid(), pi != null ? pi.ppid() : first.ppid(),
                pi != null ? pi.uid() : -1, pi != null ? pi.fname() : null, pi != null ? pi.psargs() : null,
                core.executable(), core.execFn());
        CoreReport.Signal signal = new CoreReport.Signal(signo, signo == 0 ? null : LinuxNames.signal(signo),
                sig != null ? sig.code() : 0, sig != null ? LinuxNames.siCode(signo, sig.code()) : null,
                sig != null && !sig.userSent() ? sig.addr() : null, sig != null && sig.userSent() ? sig.senderPid() : null,
                sig != null && sig.userSent() ? sig.senderUid() : null);
        return new CoreReport(fileLabel, compression, core.arch.label, process, signal, fault, crashing.tid(), reason,
                summaries, frames, culprit, null, mods, signature, core.notesSeen(), warnings, null);
    }

    /** Threads blocked in kill/tkill/tgkill first (httpd's re-raise), then the dumping thread, then the rest. */
    private static List<CoreThread> byKillFirst(CoreFile core, List<CoreThread> threads) {
        Set<Long> kills = core.arch == Arch.X86_64 ? Set.of(62L, 200L, 234L) : Set.of(129L, 130L, 131L);
        List<CoreThread> out = new ArrayList<>();
        for (CoreThread t : threads) {
            if (kills.contains(t.registers().syscall())) {
                out.add(t);
            }
        }
        for (CoreThread t : threads) {
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    static FaultKind classify(CoreFile core, int signo, SignalInfo sig, SignalFrame frame, Long addr, long sp, List<Frame> frames) {
        switch (signo) {
            case 0: return FaultKind.NO_SIGNAL;
            case LinuxNames.SIGABRT:
                for (Frame f : frames) {
                    if (f.function() != null && f.function().startsWith("__assert_fail")) {
                        return FaultKind.ASSERT;
                    }
                }
                return FaultKind.ABORT;
            case LinuxNames.SIGBUS: return FaultKind.BUS_ERROR;
            case LinuxNames.SIGILL: return FaultKind.ILLEGAL_INSTRUCTION;
            case LinuxNames.SIGFPE: return FaultKind.ARITHMETIC;
            case LinuxNames.SIGSEGV: break;
            default: return FaultKind.OTHER_SIGNAL;
        }
        boolean generalProtection = frame != null ? frame.trapno() == 13
                : sig != null && sig.code() == SignalInfo.SI_KERNEL;
        if (looksLikeStackOverflow(core, addr, sp, frames, generalProtection)) {
            return FaultKind.STACK_OVERFLOW;
        }
        if (generalProtection) {
            return FaultKind.NON_CANONICAL;
        }
        if (addr == null) {
            return FaultKind.OTHER_SIGNAL;
        }
        if (Long.compareUnsigned(addr, NULL_PAGE_LIMIT) < 0) {
            return FaultKind.NULL_POINTER;
        }
        if (Long.compareUnsigned(addr, 0x0000800000000000L) >= 0 && Long.compareUnsigned(addr, 0xffff800000000000L) < 0) {
            return FaultKind.NON_CANONICAL;
        }
        if (core.loadAt(addr) != null || core.mappingAt(addr) != null) {
            return FaultKind.PROTECTION;
        }
        return FaultKind.WILD_POINTER;
    }

    /**
     * A fault within 64 KiB of sp in unmapped memory (the guard gap below the stack), or a general protection
     * fault deep in a recursion: many repeats of one function.
     */
    private static boolean looksLikeStackOverflow(CoreFile core, Long addr, long sp, List<Frame> frames, boolean gp) {
        boolean nearSp = addr != null && Math.abs(addr - sp) <= (64 << 10) && core.loadAt(addr) == null;
        int repeats = 0;
        String top = frames.get(0).function();
        for (Frame f : frames) {
            if (top != null && top.equals(f.function())) {
                repeats++;
            }
        }
        boolean spOutsideStack = core.loadAt(sp) == null;
        return nearSp && Long.compareUnsigned(addr, NULL_PAGE_LIMIT) >= 0 || gp && repeats >= 32 || spOutsideStack && repeats >= 32;
    }

    private static String describe(FaultKind kind, int signo, Long addr, String access, CoreFile core, Modules modules) {
        String verb = "unknown".equals(access) ? "access" : access;
        switch (kind) {
            case NULL_POINTER:
                return addr == 0 ? "NULL pointer " + verb
                        : String.format("NULL pointer %s at offset 0x%x (a member of a struct reached through NULL)", verb, addr);
            case WILD_POINTER:
                return String.format("%s of unmapped address 0x%x (a wild or freed pointer)", verb, addr);
            case NON_CANONICAL:
                return addr != null && addr != 0 ? String.format("%s of non-canonical address 0x%x (a corrupt pointer)", verb, addr)
                        : "general protection fault: a non-canonical (corrupt) pointer; the kernel does not report its value";
            case PROTECTION: {
                MappedModule m = modules.at(addr);
                return String.format("%s of 0x%x, which is mapped but not %s%s", verb, addr,
                        "write".equals(access) ? "writable" : "accessible", m != null ? " (in " + m.name() + ")" : "");
            }
            case STACK_OVERFLOW:
                return addr != null ? String.format("stack overflow: fault at 0x%x, next to the stack pointer", addr) : "stack overflow";
            case ASSERT: return "assertion failed (abort from __assert_fail)";
            case ABORT: return "abort() (SIGABRT)";
            case BUS_ERROR: return addr != null ? String.format("bus error at 0x%x (a truncated mmapped file?)", addr) : "bus error";
            case ILLEGAL_INSTRUCTION: return "illegal instruction" + (addr != null ? String.format(" at 0x%x", addr) : "");
            case ARITHMETIC: return "arithmetic fault (division by zero or overflow)";
            case NO_SIGNAL: return "no signal (a snapshot, not a crash)";
            default: return LinuxNames.signal(signo) + (addr != null ? String.format(" at 0x%x", addr) : "");
        }
    }

    static CoreReport.Culprit culprit(List<Frame> frames, Modules modules, FrameRoles roles) {
        for (boolean allowScan : new boolean[] {false, true}) {
            for (Frame f : frames) {
                if (f.module() == null || (!allowScan && f.trust() == Frame.Trust.SCAN)) {
                    continue;
                }
                if (roles.infrastructure(f.module())) {
                    continue;
                }
                if (roles.death(f.function())) {
                    continue;
                }
                MappedModule m = modules.byName(f.module());
                return new CoreReport.Culprit(f.module(), f.function(), m == null ? null : m.path());
            }
        }
        Frame top = frames.get(0);
        MappedModule m = top.module() == null ? null : modules.byName(top.module());
        return new CoreReport.Culprit(top.module(), top.function(), m == null ? null : m.path());
    }

    static CoreReport.Signature signature(FaultKind kind, CoreReport.Culprit culprit, List<Frame> frames, FrameRoles roles) {
        StringBuilder text = new StringBuilder(kind.label).append('|').append(culprit.module() == null ? "?" : culprit.module());
        int n = 0;
        for (Frame f : frames) {
            if (n == SIGNATURE_FRAMES) {
                break;
            }
            if (f.trust() == Frame.Trust.SCAN || f.module() == null
                    || roles.death(f.function())) {
                continue;
            }
            text.append('|').append(f.moduleOffsetText());
            n++;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return new CoreReport.Signature(HexFormat.of().formatHex(h, 0, 8), text.toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String where(Modules modules, long pc) {
        MappedModule m = modules.at(pc);
        if (m == null) {
            return hex(pc);
        }
        SymbolTable.Hit hit = m.symbolAt(pc);
        return m.name() + (hit != null ? "!" + hit.name() + (hit.offset() != 0 ? "+0x" + Long.toHexString(hit.offset()) : "")
                : "+0x" + Long.toHexString(pc - m.base()));
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
