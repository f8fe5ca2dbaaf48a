package dev.faultline.capture;

import dev.faultline.capture.jna.NativeBuffer;
import dev.faultline.capture.jna.NativeCallException;
import dev.faultline.capture.jna.Ptrace;
import dev.faultline.capture.jna.UserRegs;
import dev.faultline.linux.SyscallTable;

/**
 * Makes a stopped tracee install a seccomp filter itself, one architecture at a time: at a syscall-entry stop its
 * registers are pointed at seccomp(SECCOMP_SET_MODE_FILTER) (and, without CAP_SYS_ADMIN, prctl(PR_SET_NO_NEW_PRIVS)
 * first), with the program written below its stack pointer; then the original syscall is rewound and runs as if
 * nothing happened. Only ever for a command faultline launched: a filter cannot be removed, so an attached server
 * never gets one.
 */
abstract class SeccompInjector {
    /** Whether the tracee is not root (it then needs PR_SET_NO_NEW_PRIVS before seccomp). */
    interface Unprivileged {
        boolean test(int tid) throws java.io.IOException;
    }

    /** Waits for the injected call's syscall stop. */
    interface StopWaiter {
        void await(int tid) throws NativeCallException;
    }

    /** The injector of {@code table}'s architecture, or null when there is none yet (aarch64: the filter is skipped). */
    static SeccompInjector forArch(SyscallTable table) {
        return table.arch().equals("x86_64") ? new X86_64(table) : null;
    }

    /** Installs {@code program} in stopped {@code tid}; null when done, else why not (the tracee is left as it was). */
    abstract String install(Ptrace pt, int tid, byte[] program, Unprivileged unprivileged, StopWaiter stops);

    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;

    /** x86_64: arguments in rdi, rsi, rdx, r10, r8, r9; the number in orig_rax at entry; `syscall` is 2 bytes long. */
    static final class X86_64 extends SeccompInjector {
        private static final int[] ARG_REGS = {UserRegs.RDI, UserRegs.RSI, UserRegs.RDX, UserRegs.R10, UserRegs.R8, UserRegs.R9};
        private static final int SYSCALL_INSN = 2;
        private final int prctl;
        private final int seccomp;

        X86_64(SyscallTable table) {
            this.prctl = table.nr("prctl");
            this.seccomp = table.nr("seccomp");
        }

        @Override
        String install(Ptrace pt, int tid, byte[] prog, Unprivileged unprivileged, StopWaiter stops) {
            NativeBuffer saved = new NativeBuffer(UserRegs.SIZE);
            try {
                pt.registers(tid, saved);
                long rsp = saved.getLong(UserRegs.RSP);
                long progAddr = (rsp - 16384 - prog.length) & ~15L; // well below the red zone, in mapped stack
                long fprogAddr = progAddr - 16;
                NativeBuffer m = new NativeBuffer(prog.length + 16);
                m.setShort(0, (short) (prog.length / 8)); // struct sock_fprog: len, then the filter's address
                m.setLong(8, progAddr);
                m.write(16, prog, 0, prog.length);
                if (pt.writeMemory(tid, fprogAddr, m, prog.length + 16) != prog.length + 16) {
                    return "could not write the program";
                }
                boolean entry = true;
                if (unprivileged.test(tid)) {
                    long rc = inject(pt, stops, tid, saved, entry, prctl, PR_SET_NO_NEW_PRIVS, 1);
                    entry = false;
                    if (rc != 0) {
                        restore(pt, tid, saved);
                        return "PR_SET_NO_NEW_PRIVS failed: " + rc;
                    }
                }
                long rc = inject(pt, stops, tid, saved, entry, seccomp, SECCOMP_SET_MODE_FILTER, 0, fprogAddr);
                restore(pt, tid, saved);
                return rc == 0 ? null : "seccomp returned " + rc;
            } catch (NativeCallException | java.io.IOException | IllegalStateException e) {
                return e.getMessage();
            }
        }

        /** Runs one syscall in the stopped tracee and returns its result; leaves it at that call's exit stop. */
        private long inject(Ptrace pt, StopWaiter stops, int tid, NativeBuffer saved, boolean atEntry, long nr, long... args)
                throws NativeCallException {
            NativeBuffer r = new NativeBuffer(UserRegs.SIZE);
            r.copyFrom(saved, (int) r.size());
            for (int i = 0; i < ARG_REGS.length; i++) {
                r.setLong(ARG_REGS[i], i < args.length ? args[i] : 0);
            }
            if (atEntry) {
                r.setLong(UserRegs.ORIG_RAX, nr); // the kernel reads the number from orig_rax here
                pt.setRegisters(tid, r);
            } else {
                // at an exit stop: step back onto the syscall instruction and run it again with our number
                r.setLong(UserRegs.RIP, saved.getLong(UserRegs.RIP) - SYSCALL_INSN);
                r.setLong(UserRegs.RAX, nr);
                pt.setRegisters(tid, r);
                pt.syscall(tid, 0);
                stops.await(tid);
            }
            pt.syscall(tid, 0);
            stops.await(tid);
            pt.registers(tid, r);
            return r.getLong(UserRegs.RAX);
        }

        /** From an exit stop, rewinds onto the original syscall with its original number and arguments. */
        private void restore(Ptrace pt, int tid, NativeBuffer saved) throws NativeCallException {
            NativeBuffer r = new NativeBuffer(UserRegs.SIZE);
            r.copyFrom(saved, (int) r.size());
            r.setLong(UserRegs.RIP, saved.getLong(UserRegs.RIP) - SYSCALL_INSN);
            r.setLong(UserRegs.RAX, saved.getLong(UserRegs.ORIG_RAX));
            pt.setRegisters(tid, r);
        }
    }
}
