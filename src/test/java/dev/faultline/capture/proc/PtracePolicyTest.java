package dev.faultline.capture.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reason an attach was refused, from a host's files: this process's real /proc/self/status with its CapEff set
 * or cleared, and the Yama and SELinux files as those kernels write them (a number and a newline; a boolean is
 * "current pending").
 */
class PtracePolicyTest {
    @TempDir
    Path tmp;
    private Path proc;
    private Path selinux;
    private String status;

    @BeforeEach
    void copyThisProcessStatus() throws IOException {
        proc = Files.createDirectories(tmp.resolve("proc"));
        selinux = tmp.resolve("selinux");
        Files.createDirectories(proc.resolve("self"));
        status = Files.readString(Path.of("/proc/self/status"));
    }

    private PtracePolicy host(int yama, boolean capSysPtrace, String enforce, String denyPtrace) throws IOException {
        Files.writeString(proc.resolve("self/status"), status.replaceAll("(?m)^CapEff:.*$",
                "CapEff:\t" + (capSysPtrace ? "000001fffeffffff" : "0000000000000000")));
        if (yama >= 0) {
            Files.createDirectories(proc.resolve("sys/kernel/yama"));
            Files.writeString(proc.resolve("sys/kernel/yama/ptrace_scope"), yama + "\n");
        }
        if (enforce != null) {
            Files.createDirectories(selinux.resolve("booleans"));
            Files.writeString(selinux.resolve("enforce"), enforce);
            Files.writeString(selinux.resolve("booleans/deny_ptrace"), denyPtrace);
        }
        return new PtracePolicy(proc, selinux);
    }

    @Test
    void eachRefusalNamesItsCauseAndFix() throws IOException {
        assertTrue(host(-1, false, null, null).whyDenied(42, 1000, 33).contains("runs as uid 33 and faultline as uid 1000"));
        assertTrue(host(1, false, null, null).whyDenied(42, 1000, 1000).contains("ptrace_scope is 1"));
        assertTrue(host(1, false, null, null).whyDenied(42, 1000, 1000).contains("sudo faultline attach 42"));
        assertTrue(host(2, false, null, null).whyDenied(42, 1000, 1000).contains("ptrace_scope is 2"));
        String three = host(3, true, null, null).whyDenied(42, 0, 33);
        assertTrue(three.contains("ptrace_scope is 3") && three.contains("faultline run"), three);
        assertFalse(three.contains("sudo"), "sudo cannot help under scope 3: " + three);
        String container = host(1, false, null, null).whyDenied(42, 0, 33);
        assertTrue(container.contains("no CAP_SYS_PTRACE") && container.contains("--cap-add SYS_PTRACE"), container);
        String deny = host(0, true, "1", "1 1").whyDenied(42, 0, 33);
        assertTrue(deny.contains("deny_ptrace") && deny.contains("setsebool deny_ptrace off"), deny);
        String policy = host(0, true, "1", "0 0").whyDenied(42, 0, 33);
        assertTrue(policy.contains("SELinux is enforcing") && policy.contains("ausearch"), policy);
        assertTrue(host(0, true, "0", "1 1").whyDenied(42, 0, 33).contains("AppArmor"), "permissive SELinux is not the cause");
    }

    @Test
    void readsTheHostAsItIs() {
        PtracePolicy system = PtracePolicy.system();
        int scope = system.yamaScope();
        assertEquals(Files.exists(Path.of("/proc/sys/kernel/yama/ptrace_scope")), scope >= 0, "scope " + scope);
        // the test JVM runs as root with every capability in CI, or as a user without CAP_SYS_PTRACE
        assertEquals(status.lines().filter(l -> l.startsWith("CapEff:")).anyMatch(l -> {
            long caps = Long.parseUnsignedLong(l.substring(7).strip(), 16);
            return (caps >>> 19 & 1) == 1;
        }), system.hasCapSysPtrace());
    }
}
