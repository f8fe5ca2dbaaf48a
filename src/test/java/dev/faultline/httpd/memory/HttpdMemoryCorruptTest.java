package dev.faultline.httpd.memory;

import static dev.faultline.httpd.HttpdStructs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.linux.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Damaged memory: cycles, wild pointers, unterminated strings and bad line numbers give what could be read and a
 * problem, never an exception or an endless walk. The only test with a hand-made memory (a byte array).
 */
class HttpdMemoryCorruptTest {
    private static final long BASE = 0x10000;
    private static final long CONFTREE_VAR = BASE;
    private static final long TOP_MODULE_VAR = BASE + 8;
    private static final long STACK = BASE + 0x8000;

    /** A 64 KiB address space at BASE; everything else is unmapped. */
    private static final class ArrayMemory implements Memory {
        final ByteBuffer bytes = ByteBuffer.allocate(0x10000).order(ByteOrder.LITTLE_ENDIAN);
        private long nextString = BASE + 0x4000;

        @Override
        public int read(long vaddr, byte[] dst, int off, int len) {
            long from = vaddr - BASE;
            if (from < 0 || from >= bytes.capacity()) {
                return 0;
            }
            int n = (int) Math.min(len, bytes.capacity() - from);
            bytes.get((int) from, dst, off, n);
            return n;
        }

        void u64(long at, long v) {
            bytes.putLong((int) (at - BASE), v);
        }

        void s32(long at, int v) {
            bytes.putInt((int) (at - BASE), v);
        }

        long string(String s) {
            long at = nextString;
            byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_8);
            bytes.put((int) (at - BASE), b);
            nextString += b.length + 7 & ~7;
            return at;
        }

        void node(long at, String directive, String args, String file, int line, long next, long child, long parent) {
            u64(at + DIRECTIVE_DIRECTIVE, string(directive));
            u64(at + DIRECTIVE_ARGS, string(args));
            u64(at + DIRECTIVE_FILENAME, string(file));
            s32(at + DIRECTIVE_LINE_NUM, line);
            u64(at + DIRECTIVE_NEXT, next);
            u64(at + DIRECTIVE_FIRST_CHILD, child);
            u64(at + DIRECTIVE_PARENT, parent);
        }

        void module(long at, String name, long next, String... commands) {
            u64(at + MODULE_MAGIC, MODULE_MAGIC_COOKIE);
            u64(at + MODULE_NAME, string(name));
            u64(at + MODULE_NEXT, next);
            long table = at + 0x100;
            u64(at + MODULE_CMDS, table);
            for (int i = 0; i < commands.length; i++) {
                u64(table + (long) i * COMMAND_REC_SIZE + COMMAND_REC_NAME, string(commands[i]));
                u64(table + (long) i * COMMAND_REC_SIZE + COMMAND_REC_FUNC, 0x7000_0000L + i);
            }
        }
    }

    private static HttpdMemory httpd(ArrayMemory m) {
        return new HttpdMemory(m, CONFTREE_VAR, TOP_MODULE_VAR, a -> a >= 0x7000_0000L ? "/x/mod_a.so" : null);
    }

    @Test
    void aCycleInTheSiblingsIsCutAndReported() {
        ArrayMemory m = new ArrayMemory();
        long a = BASE + 0x1000;
        long b = BASE + 0x1100;
        long sec = BASE + 0x1200;
        long inner = BASE + 0x1300;
        m.u64(CONFTREE_VAR, a);
        m.node(a, "ServerRoot", "/srv", "/c/httpd.conf", 1, b, 0, 0);
        m.node(b, "<Location", "/x>", "/c/httpd.conf", 2, sec, 0, 0);
        m.node(sec, "Listen", "80", "/c/httpd.conf", 5, a, inner, 0); // next points back at the first node
        m.node(inner, "Require", "all granted", "/c/httpd.conf", 6, inner, 0, sec); // a node that is its own sibling
        HttpdMemory.ConfigTree t = httpd(m).configTree();
        assertEquals(4, t.nodeCount());
        assertEquals(3, t.roots().size());
        assertEquals("Location", t.roots().get(1).name());
        assertEquals("/x", t.roots().get(1).args(), "a section's closing '>' is not part of its args");
        assertTrue(t.roots().get(1).isSection());
        assertEquals("/c/httpd.conf:6", t.roots().get(2).children().get(0).location());
        assertEquals(2, t.problems().size(), t.problems().toString());
        assertTrue(t.problems().get(0).startsWith("cycle"), t.problems().toString());
    }

    @Test
    void wildPointersAndBadFieldsEndTheirBranchWithAProblem() {
        ArrayMemory m = new ArrayMemory();
        long a = BASE + 0x1000;
        long b = BASE + 0x1100;
        long c = BASE + 0x1200;
        m.u64(CONFTREE_VAR, a);
        m.node(a, "ServerRoot", "/srv", "/c/httpd.conf", 1, b, 0xdead_beef_0000L, 0); // wild child
        m.node(b, "Listen", "80", "/c/httpd.conf", 0, c, 0, 0); // line 0: not a real node
        HttpdMemory.ConfigTree t = httpd(m).configTree();
        assertEquals(1, t.nodeCount());
        assertFalse(t.complete());
        assertEquals(2, t.problems().size(), t.problems().toString());

        m.s32(b + DIRECTIVE_LINE_NUM, 2);
        m.s32(c + DIRECTIVE_LINE_NUM, 3);
        m.u64(c + DIRECTIVE_DIRECTIVE, BASE + 0xfffc); // a name running off the end of memory, unterminated
        m.bytes.put(0xfffc, new byte[] {'A', 'B', 'C', 'D'});
        t = httpd(m).configTree();
        assertEquals(2, t.nodeCount());
        assertTrue(t.problems().stream().anyMatch(p -> p.contains("no readable directive name")), t.problems().toString());

        m.u64(CONFTREE_VAR, 0);
        assertTrue(httpd(m).configTree().problems().get(0).contains("NULL"));
        assertTrue(new HttpdMemory(m, 0x99, 0x99, x -> null).configTree().problems().get(0).contains("unreadable"));
    }

    @Test
    void aModuleListWithACycleOrAWildStructEnds() {
        ArrayMemory m = new ArrayMemory();
        long mod1 = BASE + 0x2000;
        long mod2 = BASE + 0x2400;
        m.u64(TOP_MODULE_VAR, mod1);
        m.module(mod1, "mod_a.c", mod2, "ADirective", "<ASection");
        m.module(mod2, "mod_b.c", mod1, "BDirective");
        HttpdMemory h = httpd(m);
        assertEquals(2, h.modules().size());
        assertEquals(2, h.modules().get(0).commands().size());
        assertEquals(0x7000_0000L, h.modules().get(0).commands().get(0).func());
        assertTrue(h.moduleProblems().get(0).contains("cycle"), h.moduleProblems().toString());

        m.u64(mod2 + MODULE_NEXT, 0x1234_5678_0000L);
        h = httpd(m);
        assertEquals(2, h.modules().size());
        assertTrue(h.moduleProblems().get(0).contains("no module struct"), h.moduleProblems().toString());
    }

    @Test
    void theStackScanPrefersTheCrashModulesDirectiveAndIgnoresLookAlikes() {
        ArrayMemory m = new ArrayMemory();
        long mod1 = BASE + 0x2000;
        long mod2 = BASE + 0x2400;
        m.u64(TOP_MODULE_VAR, mod1);
        m.module(mod1, "mod_a.c", mod2, "ADirective");
        m.module(mod2, "mod_core.c", 0, "Listen");
        // mod_core's functions are in the executable, not in mod_a.so
        m.u64(mod2 + 0x100 + COMMAND_REC_FUNC, 0x1000);
        long section = BASE + 0x1000;
        long listen = BASE + 0x1100;
        long mine = BASE + 0x1200;
        long unknown = BASE + 0x1300;
        m.node(section, "<Directory", "/srv>", "/c/httpd.conf", 4, 0, mine, 0);
        m.node(listen, "Listen", "80", "/c/httpd.conf", 2, 0, 0, 0);
        m.node(mine, "ADirective", "bogus", "/srv/.htaccess", 3, 0, 0, section);
        m.node(unknown, "NoSuchDirective", "x", "/c/httpd.conf", 9, 0, 0, 0);
        m.u64(STACK + 8, unknown); // innermost, but no module runs it
        m.u64(STACK + 16, listen); // a valid node, but not of the crash module
        m.u64(STACK + 64, mine);
        m.u64(STACK + 72, 0xdead_beef_0000L); // wild

        HttpdMemory.StackDirective d = httpd(m).directiveOnStack(STACK, 0x7000_0010L);
        assertEquals(mine, d.nodeAddress());
        assertEquals(STACK + 64, d.stackSlot());
        assertEquals("mod_a.c", d.module());
        assertTrue(d.inCrashModule());
        assertEquals("/srv/.htaccess:3 ADirective bogus", d.node().toString());
        assertEquals("Directory", d.node().scopes().get(0).name(), "the enclosing section is attached");

        // with the pc in no module, the innermost valid node wins
        d = httpd(m).directiveOnStack(STACK, 0);
        assertEquals(listen, d.nodeAddress());
        assertFalse(d.inCrashModule());
        assertNull(httpd(m).directiveOnStack(BASE + 0xff00, 0), "nothing valid in the last 256 bytes");
        assertNull(httpd(m).directiveOnStack(0x5000_0000L, 0), "an unreadable stack");
    }
}
