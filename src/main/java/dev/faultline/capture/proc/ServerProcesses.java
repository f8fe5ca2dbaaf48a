package dev.faultline.capture.proc;

import dev.faultline.capture.proc.ProcFs.NoSuchProcessException;
import dev.faultline.capture.proc.ProcFs.ProcAccessException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole server found from any one of its processes: climb to the topmost ancestor running the same executable
 * (the httpd parent, from one of its children), then take that process and all its descendants, whatever they run
 * (CGI scripts, piped loggers), each with its threads.
 */
public final class ServerProcesses {
    private final int topPid;
    private final Map<Integer, List<Integer>> threadsByPid;

    private ServerProcesses(int topPid, Map<Integer, List<Integer>> threadsByPid) {
        this.topPid = topPid;
        this.threadsByPid = Collections.unmodifiableMap(threadsByPid);
    }

    /**
     * Throws {@link NoSuchProcessException} when {@code anyPid} is gone and {@link ProcAccessException} when its
     * executable may not be read; descendants that exit during the walk are left out.
     */
    public static ServerProcesses find(ProcFs fs, int anyPid) throws IOException {
        int top = topOf(fs, anyPid);
        Map<Integer, List<Integer>> threads = new LinkedHashMap<>();
        threads.put(top, fs.tasks(top));
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(top));
        while (!queue.isEmpty()) {
            int pid = queue.poll();
            List<Integer> children;
            try {
                children = fs.children(pid);
            } catch (NoSuchProcessException e) {
                continue;
            }
            for (int child : children) {
                if (threads.containsKey(child)) {
                    continue;
                }
                try {
                    threads.put(child, fs.tasks(child));
                    queue.add(child);
                } catch (NoSuchProcessException e) {
                    // exited since its parent listed it
                }
            }
        }
        return new ServerProcesses(top, threads);
    }

    /** The topmost process of the server: walks up while the parent runs the same executable, never to pid 1. */
    static int topOf(ProcFs fs, int anyPid) throws IOException {
        ProcStatus status = fs.status(anyPid);
        int current = status.tgid() > 0 ? status.tgid() : anyPid; // a thread id stands for its process
        String exe = fs.exe(current);
        if (exe == null) {
            return current;
        }
        while (true) {
            int parent = status.ppid();
            if (parent <= 1 || !exe.equals(exeOrNull(fs, parent))) {
                return current;
            }
            try {
                status = fs.status(parent);
            } catch (NoSuchProcessException e) {
                return current; // the parent exited mid-walk
            }
            current = parent;
        }
    }

    private static String exeOrNull(ProcFs fs, int pid) throws IOException {
        try {
            return fs.exe(pid);
        } catch (NoSuchProcessException | ProcAccessException e) {
            return null;
        }
    }

    public int topPid() {
        return topPid;
    }

    /** The top process first, then its descendants breadth first (each one's children in pid order). */
    public List<Integer> pids() {
        return List.copyOf(threadsByPid.keySet());
    }

    /** Every process's thread ids, sorted, in the order of {@link #pids()}. */
    public Map<Integer, List<Integer>> threadsByPid() {
        return threadsByPid;
    }
}
