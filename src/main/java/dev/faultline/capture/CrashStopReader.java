package dev.faultline.capture;

import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcMemory;
import dev.faultline.model.CrashCapture;

/**
 * Reads a crashed process's own state at its signal-delivery-stop, while the tracer holds it: the layers above the
 * tracer (httpd) plug in here, so the tracer knows nothing of what they read. Must be quick and read-only; what it
 * returns is kept in {@link CrashCapture#extension}.
 */
public interface CrashStopReader {
    Object read(CrashCapture capture, ProcFs proc, ProcMemory memory);

    /**
     * Called once at attach, off the tracer thread: a read-only dry run on the attached process, so that the first
     * crash stop finds its caches filled and its classes loaded, and holds the thread for less time.
     */
    default void warmUp(ProcFs proc, int pid) {
    }
}
