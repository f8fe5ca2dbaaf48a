package dev.faultline.model;

/**
 * Tells when live data nears the JVM's heap limit, so the trace model can drop detail before an OutOfMemoryError
 * ends the analysis. A look costs two reads of {@link Runtime} every {@link dev.faultline.Limits#HEAP_CHECK_EVENTS}
 * events; garbage counts as used until a collection, so when the heap looks full one collection tells live data
 * from garbage (and then none for a while, whatever it said).
 */
public final class HeapWatch {
    private final Runtime runtime = Runtime.getRuntime();
    private final long limit = (long) (runtime.maxMemory() * dev.faultline.Limits.HEAP_LEAN_SHARE);
    private long events;
    private long quietUntil;

    /** Counts one event; true when the heap's live data is past {@link dev.faultline.Limits#HEAP_LEAN_SHARE}. */
    public boolean near() {
        if (++events % dev.faultline.Limits.HEAP_CHECK_EVENTS != 0 || events < quietUntil || used() < limit) {
            return false;
        }
        System.gc();
        quietUntil = events + 4L * dev.faultline.Limits.HEAP_CHECK_EVENTS;
        return used() >= limit;
    }

    /** Heap in use now, in MiB. */
    public long usedMiB() {
        return used() >> 20;
    }

    /** The heap's maximum, in MiB. */
    public long maxMiB() {
        return runtime.maxMemory() >> 20;
    }

    private long used() {
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
