package dev.faultline.capture.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a small /proc-shaped tree in a temporary directory. */
final class FakeProc {
    final Path root;

    FakeProc(Path root) {
        this.root = root;
    }

    FakeProc file(String path, String text) {
        return file(path, text.getBytes(StandardCharsets.UTF_8));
    }

    FakeProc file(String path, byte[] data) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            Files.write(p, data);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeProc dir(String path) {
        try {
            Files.createDirectories(root.resolve(path));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A symbolic link whose target is any text, as /proc's magic links show it ("socket:[5]"). */
    FakeProc link(String path, String target) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process: status with this ppid, exe link (none when null), one task dir per tid, children per tid. */
    FakeProc process(int pid, int ppid, String exe, int[] tids, String... childrenPerTid) {
        file(pid + "/status", "Name:\tfake\nState:\tS (sleeping)\nTgid:\t" + pid + "\nPid:\t" + pid + "\nPPid:\t" + ppid
                + "\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nThreads:\t" + tids.length + "\n");
        if (exe != null) {
            link(pid + "/exe", exe);
        }
        for (int i = 0; i < tids.length; i++) {
            dir(pid + "/task/" + tids[i]);
            if (i < childrenPerTid.length) {
                file(pid + "/task/" + tids[i] + "/children", childrenPerTid[i]);
            }
        }
        return this;
    }

    ProcFs fs() {
        return new ProcFs(root);
    }
}
