package dev.faultline.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The syscall spec against the kernel's own tables (SyscallTable, generated from the headers). */
class SyscallSpecTest {
    /** Legacy calls x86_64 has and aarch64 never had (glibc uses the *at forms there). */
    private static final List<String> X86_ONLY = List.of("open", "creat", "stat", "lstat", "access", "readlink", "rename", "unlink",
            "mkdir", "rmdir", "chmod", "chown", "lchown", "pipe", "fork", "vfork", "dup2", "pause", "alarm", "arch_prctl", "poll",
            "epoll_wait", "select");

    @Test
    void everyCallIsARealSyscallOfBothArchitectures() {
        for (SyscallSpec.Syscall s : SyscallSpec.all()) {
            assertTrue(SyscallTable.x86_64().nr(s.name()) >= 0, s.name() + " is an x86_64 syscall");
            if (!X86_ONLY.contains(s.name())) {
                assertTrue(SyscallTable.aarch64().nr(s.name()) >= 0, s.name() + " is an aarch64 syscall");
            }
        }
    }

    @Test
    void aLengthFollowsEveryBufferThatNeedsOne() {
        for (SyscallSpec.Syscall s : SyscallSpec.all()) {
            List<SyscallSpec.Arg> args = s.args();
            assertTrue(args.size() <= 6, s.name() + ": at most six arguments");
            for (int i = 0; i < args.size(); i++) {
                SyscallSpec.Arg a = args.get(i);
                if (a == SyscallSpec.Arg.BUF_IN || a == SyscallSpec.Arg.IOV_IN || a == SyscallSpec.Arg.IOV_OUT || a == SyscallSpec.Arg.SOCKADDR) {
                    assertTrue(i + 1 < args.size() && args.get(i + 1) == SyscallSpec.Arg.VALUE, s.name() + ": its length argument");
                }
            }
        }
    }

    @Test
    void theAnalysisReadsWhatTheLogOnlyCallsDoNot() {
        List<String> engine = SyscallSpec.engineNames();
        assertTrue(engine.containsAll(List.of("openat", "read", "writev", "sendmsg", "connect", "accept4", "execve", "wait4")), engine.toString());
        assertTrue(!engine.contains("chmod") && SyscallSpec.of("chmod") != null, "chmod is decoded for -o logs only");
        assertEquals(3, SyscallSpec.of("openat2").args().indexOf(SyscallSpec.Arg.OPEN_HOW) + 1, "openat2's how is its third argument");
    }
}
