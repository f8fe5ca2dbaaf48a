package dev.faultline.core;

import dev.faultline.core.unwind.CfiFormatException;
import dev.faultline.core.unwind.CfiUnwinder;
import dev.faultline.core.unwind.EhFrame;
import dev.faultline.core.unwind.Regs;

/** One DWARF CFI step for {@link Backtrace}, through the .eh_frame of the module holding the pc. */
final class Cfi {
    private Cfi() {
    }

    static Backtrace.State step(CoreFile core, Modules modules, Backtrace.State s, boolean first) {
        Arch arch = core.arch;
        MappedModule m = modules.at(s.exact ? s.pc : s.pc - 1);
        if (m == null) {
            return null;
        }
        EhFrame cfi = m.ehFrame(arch);
        if (cfi == null) {
            return null;
        }
        int pcCol = Regs.pcColumn(arch);
        long[] values = s.regs.clone();
        boolean[] known = s.known.clone();
        values[pcCol] = s.pc;
        known[pcCol] = true;
        Regs current = Regs.of(arch, values, known).withPcIsReturnAddress(!s.exact);
        Regs next;
        try {
            next = CfiUnwinder.step(arch, cfi, m.loadBias(), current, core.memory(), s.exact);
        } catch (CfiFormatException e) {
            return null;
        }
        if (next == null || !next.hasPc() || !next.hasSp()) {
            return null;
        }
        long[] r = new long[arch.dwarfRegisterCount()];
        boolean[] k = new boolean[r.length];
        for (int i = 0; i < r.length; i++) {
            k[i] = next.isKnown(i);
            r[i] = k[i] ? next.get(i) : 0;
        }
        return new Backtrace.State(next.pc(), r, k, !next.pcIsReturnAddress());
    }
}
