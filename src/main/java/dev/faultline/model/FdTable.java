package dev.faultline.model;

import java.util.HashMap;
import java.util.Map;

/** A process's file descriptor table. Threads share one (CLONE_FILES); fork copies it. */
public final class FdTable {
    private final Map<Integer, OpenFile> fds = new HashMap<>();

    public OpenFile get(int fd) {
        return fds.get(fd);
    }

    public void put(int fd, OpenFile f) {
        fds.put(fd, f);
    }

    public OpenFile remove(int fd) {
        return fds.remove(fd);
    }

    public FdTable copy() {
        FdTable t = new FdTable();
        t.fds.putAll(fds);
        return t;
    }

    /** Adds the entries of another table that this one lacks (a thread seen before its clone returned). */
    public void absorb(FdTable other) {
        for (Map.Entry<Integer, OpenFile> e : other.fds.entrySet()) {
            fds.putIfAbsent(e.getKey(), e.getValue());
        }
    }

    /** Copies every entry of another table over this one's. */
    public void putAllFrom(FdTable other) {
        fds.putAll(other.fds);
    }

    public void closeRange(int first, int last) {
        fds.keySet().removeIf(fd -> fd >= first && fd <= last);
    }

    /** execve closes every O_CLOEXEC descriptor. */
    public void closeOnExec() {
        fds.values().removeIf(f -> f.cloexec);
    }

    public Map<Integer, OpenFile> view() {
        return java.util.Collections.unmodifiableMap(fds);
    }
}
