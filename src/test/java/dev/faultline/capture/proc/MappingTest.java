package dev.faultline.capture.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MappingTest {
    private final List<Mapping> maps = ProcFs.parseMaps(ProcSamples.text("sleep.maps"));

    @Test
    void containsIsHalfOpen() {
        Mapping m = maps.get(0);
        assertTrue(m.contains(0x55661cc43000L));
        assertTrue(m.contains(0x55661cc44fffL));
        assertFalse(m.contains(0x55661cc45000L));
        assertFalse(m.contains(0x55661cc42fffL));
    }

    @Test
    void containingFindsTheMappingByBinarySearch() {
        for (Mapping m : maps) {
            assertSame(m, Mapping.containing(maps, m.start()));
            assertSame(m, Mapping.containing(maps, m.end() - 1));
        }
        assertEquals("/usr/lib/x86_64-linux-gnu/libc.so.6", Mapping.containing(maps, 0x7f2e11cc4123L).path());
    }

    @Test
    void containingComparesAddressesUnsigned() {
        // the vsyscall page sits above Long.MAX_VALUE: signed comparison would put it first
        assertEquals("[vsyscall]", Mapping.containing(maps, 0xffffffffff600010L).path());
        assertNull(Mapping.containing(maps, 0xffffffffff601000L));
    }

    @Test
    void containingIsNullInGapsAndOnEmptyLists() {
        assertNull(Mapping.containing(maps, 0x1000L));
        // between the sleep binary and the heap
        assertNull(Mapping.containing(maps, 0x55661cc4e000L));
        assertNull(Mapping.containing(List.of(), 0x1000L));
    }
}
