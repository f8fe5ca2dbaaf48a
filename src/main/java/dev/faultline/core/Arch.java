package dev.faultline.core;

/** The machine a core (or a module) was built for; e_machine in the ELF header. */
public enum Arch {
    X86_64(62, "x86_64", 16, 7, 6),
    AARCH64(183, "aarch64", 30, 31, 29);

    /** ELF e_machine value. */
    public final int elfMachine;
    public final String label;
    /** DWARF number of the return-address column (x86_64: 16 = rip; aarch64: 30 = x30/lr). */
    public final int dwarfReturnAddress;
    /** DWARF number of the stack pointer (x86_64: 7 = rsp; aarch64: 31 = sp). */
    public final int dwarfSp;
    /** DWARF number of the frame pointer (x86_64: 6 = rbp; aarch64: 29 = x29). */
    public final int dwarfFp;

    Arch(int elfMachine, String label, int dwarfReturnAddress, int dwarfSp, int dwarfFp) {
        this.elfMachine = elfMachine;
        this.label = label;
        this.dwarfReturnAddress = dwarfReturnAddress;
        this.dwarfSp = dwarfSp;
        this.dwarfFp = dwarfFp;
    }

    /** Number of DWARF register columns the unwinder tracks (x86_64: 0..16; aarch64: 0..32). */
    public int dwarfRegisterCount() {
        return this == X86_64 ? 17 : 33;
    }

    public static Arch ofElfMachine(int machine) {
        for (Arch a : values()) {
            if (a.elfMachine == machine) {
                return a;
            }
        }
        return null;
    }
}
