package dev.faultline.trace;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The events of one or more trace files as one stream. Files named {@code P.<pid>} (strace -ff) take their pid
 * from the name. When every file carries timestamps the streams are merged by time (a k-way merge holding one
 * event per file); otherwise they are read one after another.
 */
public final class TraceSet implements Closeable {
    private static final Pattern FF_SUFFIX = Pattern.compile(".*\\.(\\d{1,7})(\\.gz)?$");

    private final List<StraceParser> parsers = new ArrayList<>();
    private final PriorityQueue<Head> heads = new PriorityQueue<>(
            Comparator.comparingLong((Head h) -> h.event.timeNs).thenComparingInt(h -> h.order));
    private boolean merging;
    private int current;
    private boolean started;

    private static final class Head {
        final TraceEvent event;
        final int order;

        Head(TraceEvent event, int order) {
            this.event = event;
            this.order = order;
        }
    }

    public TraceSet(List<String> names) throws TraceInputException {
        try {
            for (String name : names) {
                int pid = 0;
                if (!"-".equals(name)) {
                    Matcher m = FF_SUFFIX.matcher(Path.of(name).getFileName().toString());
                    if (m.matches()) {
                        pid = Integer.parseInt(m.group(1));
                    }
                }
                parsers.add(new StraceParser(LineSource.open(name), name, pid));
            }
        } catch (TraceInputException e) {
            closeQuietly();
            throw e;
        }
        // strace -ff file sets are merged in pid order when they have no timestamps
        parsers.sort(Comparator.comparingInt(StraceParser::fixedPidForOrder));
    }

    private void start() throws IOException {
        started = true;
        if (parsers.size() < 2) {
            return;
        }
        firstEvents = new TraceEvent[parsers.size()];
        boolean allTimed = true;
        for (int i = 0; i < parsers.size(); i++) {
            TraceEvent e = parsers.get(i).next();
            firstEvents[i] = e;
            if (e != null) {
                allTimed &= e.timeNs != TraceEvent.NO_TIME;
            }
        }
        merging = allTimed;
        if (merging) {
            for (int i = 0; i < firstEvents.length; i++) {
                if (firstEvents[i] != null) {
                    heads.add(new Head(firstEvents[i], i));
                }
            }
            firstEvents = null;
        }
    }

    /** In sequential mode, the first event of each file, read ahead to decide whether to merge. */
    private TraceEvent[] firstEvents;

    /**
     * The next event in trace order, or null at the end. With two CPUs or more, the files are read and parsed on a
     * thread of their own, a batch ahead of the caller, so that parsing and modelling run side by side.
     */
    public TraceEvent next() throws IOException {
        if (reader == null) {
            if (Runtime.getRuntime().availableProcessors() < 2) {
                return read();
            }
            reader = new Reader();
            reader.start();
        }
        return reader.next();
    }

    /** Events handed from the parsing thread to the caller: batches, so that each hand-off is paid for many. */
    private static final int BATCH = 512;
    /** Batches parsed ahead of the caller, at most: bounds the memory of the read-ahead. */
    private static final int BATCHES_AHEAD = 8;
    /**
     * A batch also ends at this many characters of line text: 512 events of `-s 65536` reads would be 32 MiB a
     * batch (and 8 batches ahead, a quarter of a GiB), where this keeps the read-ahead near 2.5 MiB.
     */
    private static final int BATCH_CHARS = 256 * 1024;
    private Reader reader;

    /** The parsing thread and its side of the hand-off. */
    private final class Reader extends Thread {
        private final java.util.concurrent.ArrayBlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(BATCHES_AHEAD);
        private TraceEvent[] batch;
        private int at;
        private boolean ended;

        Reader() {
            super("faultline-trace-reader");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    TraceEvent[] b = new TraceEvent[BATCH];
                    int n = 0;
                    long chars = 0;
                    TraceEvent e = null;
                    while (n < BATCH && chars < BATCH_CHARS && (e = read()) != null) {
                        b[n++] = e;
                        chars += e.heldChars();
                    }
                    if (n > 0) {
                        queue.put(b);
                    }
                    if (e == null) {
                        queue.put(END);
                        return;
                    }
                }
            } catch (InterruptedException stop) {
                // the caller closed the set before the end
            } catch (IOException | RuntimeException | Error failure) {
                try {
                    queue.put(failure);
                } catch (InterruptedException stop) {
                    // closed meanwhile: nobody is waiting for the failure
                }
            }
        }

        TraceEvent next() throws IOException {
            while (true) {
                if (batch != null && at < batch.length && batch[at] != null) {
                    return batch[at++];
                }
                if (ended) {
                    return null;
                }
                Object got;
                try {
                    got = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while reading the trace");
                }
                if (got == END) {
                    ended = true;
                    batch = null;
                } else if (got instanceof TraceEvent[]) {
                    batch = (TraceEvent[]) got;
                    at = 0;
                } else {
                    ended = true;
                    batch = null;
                    if (got instanceof IOException) {
                        throw (IOException) got;
                    }
                    if (got instanceof Error) {
                        throw (Error) got;
                    }
                    throw (RuntimeException) got;
                }
            }
        }
    }

    private static final Object END = new Object();

    /** The next event, read on the calling thread. */
    private TraceEvent read() throws IOException {
        if (!started) {
            start();
        }
        if (parsers.size() == 1) {
            return parsers.get(0).next();
        }
        if (merging) {
            Head h = heads.poll();
            if (h == null) {
                return null;
            }
            TraceEvent following = parsers.get(h.order).next();
            if (following != null) {
                heads.add(new Head(following, h.order));
            }
            return h.event;
        }
        while (current < parsers.size()) {
            TraceEvent e = firstEvents[current];
            if (e != null) {
                firstEvents[current] = null;
                return e;
            }
            e = parsers.get(current).next();
            if (e != null) {
                return e;
            }
            current++;
        }
        return null;
    }

    /** Parse statistics summed over every file. */
    public ParseStats stats() {
        ParseStats total = new ParseStats();
        for (StraceParser p : parsers) {
            total.add(p.stats());
        }
        return total;
    }

    public List<String> sourceNames() {
        List<String> names = new ArrayList<>();
        for (StraceParser p : parsers) {
            names.add(p.sourceName());
        }
        return names;
    }

    private void closeQuietly() {
        for (StraceParser p : parsers) {
            try {
                p.close();
            } catch (IOException ignored) {
                // closing a read-only input cannot lose data
            }
        }
    }

    @Override
    public void close() {
        if (reader != null && reader.isAlive()) {
            // closed before the end (an error): stop the read-ahead; whatever it fails with now is not wanted
            reader.interrupt();
        }
        closeQuietly();
    }
}
