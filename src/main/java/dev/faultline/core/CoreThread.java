package dev.faultline.core;

/** One NT_PRSTATUS: a thread of the dumped process. {@code cursig} is copied into every thread by the kernel. */
public record CoreThread(int index, int tid, int ppid, int cursig, Registers registers) {
}
