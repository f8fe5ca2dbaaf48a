package dev.faultline.capture;

import dev.faultline.capture.proc.ProcFs;
import dev.faultline.capture.proc.ProcMemory;
import dev.faultline.model.CrashCapture;

/**
 * Reads a crashed process's own state at its signal-delivery-stop, while the tracer holds it: the layers above the
 * tracer (httpd) plug in here, so the tracer knows nothing of what they read. Must be quick and read-only; what it
 * returns is kept in {@link CrashCapture#extension}.
 */
@FunctionalInterface
public interface CrashStopReader {
    Object read(CrashCapture capture, ProcFs proc, ProcMemory memory);
}
