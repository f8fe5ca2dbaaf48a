package dev.faultline.core;

import java.util.List;

/** What `faultline core` found in one core file; rendered as text or JSON (docs/json.md, "core"). */
public record CoreReport(
        String file,
        String compression,
        String arch,
        Process process,
        Signal signal,
        Fault fault,
        int crashingTid,
        String crashingThreadReason,
        List<ThreadSummary> threads,
        List<Frame> backtrace,
        Culprit culprit,
        /** The httpd stage on the stack ({@code htaccess}, {@code config-load}, ...), or null: set by the httpd layer. */
        String phase,
        List<ModuleSummary> modules,
        Signature signature,
        List<String> notes,
        List<String> warnings,
        Httpd httpd) {

    /**
     * What an httpd core's own memory says (null for other programs): the config directive its crashing thread
     * was running (name null when none was on the stack), the httpd module whose .so holds the fault pc, and how
     * many nodes of ap_conftree were read. Filled by the httpd reader (dev.faultline.httpd.memory), not here.
     */
    public record Httpd(String directive, String args, String file, int line, String directiveModule, String crashModule,
                        int configNodes, List<String> problems) {
        /** The arguments as every core output quotes them: a secret (AuthLDAPBindPassword x, SetEnv DB_PASSWORD x) masked. */
        public Httpd {
            if (directive != null && args != null && !args.isEmpty()) {
                String masked = dev.faultline.trace.Redactor.redact(directive + " " + args);
                args = masked.startsWith(directive + " ") ? masked.substring(directive.length() + 1) : dev.faultline.trace.Redactor.redact(args);
            }
        }
    }

    /** This report with the httpd findings added. */
    public CoreReport withHttpd(Httpd found) {
        return new CoreReport(file, compression, arch, process, signal, fault, crashingTid, crashingThreadReason, threads,
                backtrace, culprit, phase, modules, signature, notes, warnings, found);
    }

    /** The same report with the phase set: the phase is Apache knowledge, decided outside this package. */
    public CoreReport withPhase(String newPhase) {
        return new CoreReport(file, compression, arch, process, signal, fault, crashingTid, crashingThreadReason, threads,
                backtrace, culprit, newPhase, modules, signature, notes, warnings, httpd);
    }

    public record Process(int pid, int ppid, long uid, String name, String args, String executable, String execFn) {
        /** The command line (NT_PRPSINFO's psargs) with its secrets masked (mysql -pX, --password=X, http://u:X@). */
        public Process {
            args = args == null ? null : dev.faultline.trace.Redactor.redact(args);
        }
    }

    /** The signal as NT_SIGINFO has it; {@code sender} is set for a signal sent by a process (SI_USER, SI_TKILL). */
    public record Signal(int number, String name, int code, String codeName, Long address, Integer senderPid, Long senderUid) {
    }

    /**
     * The real fault: from NT_SIGINFO for a kernel fault, or from the stale rt_sigframe for a re-raised one.
     * {@code source} is "siginfo", "sigframe" or "none".
     */
    public record Fault(String kind, String description, Long address, String access, long pc, String source,
            Long sigframeAddress, int signal) {
    }

    public record ThreadSummary(int index, int tid, boolean crashing, String state, long pc, String where) {
    }

    public record Culprit(String module, String function, String path) {
    }

    public record ModuleSummary(String path, long base, long end, String buildId, String diskBuildId, String diskState,
            String symbols) {
    }

    /** A stable hash of {@code text}: signal class, culprit module and the top non-scan frames as module+offset. */
    public record Signature(String hash, String text) {
    }
}
