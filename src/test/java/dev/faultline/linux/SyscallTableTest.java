package dev.faultline.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    @Test
    void x86_64KnownNumbers() {
        SyscallTable t = SyscallTable.x86_64();
        assertEquals("read", t.name(0));
        assertEquals("openat", t.name(257));
        assertEquals("clone3", t.name(435));
        assertEquals("exit_group", t.name(231));
        assertEquals("execve", t.name(59));
        assertEquals(257, t.nr("openat"));
        assertEquals(0, t.nr("read"));
        assertEquals(231, t.nr("exit_group"));
    }

    @Test
    void aarch64KnownNumbers() {
        SyscallTable t = SyscallTable.aarch64();
        assertEquals("openat", t.name(56));
        assertEquals("read", t.name(63));
        assertEquals("exit_group", t.name(94));
        assertEquals("clone", t.name(220));
        assertEquals("execve", t.name(221));
        assertEquals("clone3", t.name(435));
        // resolved through the generic table's __NR3264_ aliases
        assertEquals("fcntl", t.name(25));
        assertEquals("newfstatat", t.name(79));
        assertEquals("mmap", t.name(222));
        // aarch64 never had open(2)
        assertEquals(-1, t.nr("open"));
    }

    @Test
    void unknownNumbersReadAsStracePrintsThem() {
        assertEquals("syscall_0x1f4", SyscallTable.x86_64().name(500));
        // x86_64 leaves 335..423 unassigned
        assertEquals("syscall_0x150", SyscallTable.x86_64().name(336));
        assertEquals("syscall_0xffffffff", SyscallTable.x86_64().name(-1));
        assertEquals(-1, SyscallTable.x86_64().nr("no_such_call"));
    }

    @Test
    void hostTableMatchesTheJvmArchitecture() {
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64")) {
            assertEquals("x86_64", SyscallTable.host().arch());
        } else if (arch.equals("aarch64")) {
            assertEquals("aarch64", SyscallTable.host().arch());
        }
    }

    @Test
    void parseSkipsCommentsAndBadLines() throws IOException {
        SyscallTable t = SyscallTable.parse("test",
                new BufferedReader(new StringReader("# header\n0 read\nx bad\n3 close extra\n\n2 open\n")));
        assertEquals("read", t.name(0));
        assertEquals("syscall_0x1", t.name(1));
        assertEquals("open", t.name(2));
        assertEquals(-1, t.nr("close"));
    }
}
