package dev.faultline.capture.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The kernel ABI layouts the tracer reads raw buffers with (sys/user.h, asm-generic/siginfo.h, linux/ptrace.h). */
class StructLayoutTest {
    @Test
    void userRegsIsTheX8664Layout() {
        assertEquals(216, UserRegs.SIZE);
        assertEquals(32, UserRegs.RBP);
        assertEquals(80, UserRegs.RAX);
        assertEquals(120, UserRegs.ORIG_RAX);
        assertEquals(128, UserRegs.RIP);
        assertEquals(152, UserRegs.RSP);
        assertEquals(112, UserRegs.RDI);
        assertEquals(104, UserRegs.RSI);
        assertEquals(96, UserRegs.RDX);
        assertEquals(56, UserRegs.R10);
    }

    @Test
    void sigInfoIs128BytesWithTheUnionAt16() {
        assertEquals(128, SigInfo.SIZE);
        assertEquals(0, SigInfo.SIGNO);
        assertEquals(4, SigInfo.ERRNO);
        assertEquals(8, SigInfo.CODE);
        assertEquals(16, SigInfo.UNION);
    }

    @Test
    void syscallInfoIs88BytesWithTheUnionAt24() {
        assertEquals(88, SyscallInfo.SIZE);
        assertEquals(0, SyscallInfo.OP);
        assertEquals(8, SyscallInfo.IP);
        assertEquals(16, SyscallInfo.SP);
        assertEquals(24, SyscallInfo.NR_OR_RVAL);
        assertEquals(32, SyscallInfo.ARGS);
    }
}
