package io.certstream.hub.publish;

import io.certstream.hub.metrics.ReplayStats;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.StreamType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code replayMillis} of published certificates, in publication order, for clients resuming with
 * {@code ?since=CURSOR} (or SSE's {@code Last-Event-ID}). A memory tail bounded by age and by {@code maxBytes}
 * (see {@link Published#retainedBytes}) serves short disconnects without touching the disk; with
 * {@link ReplaySegments} attached every message is also written to disk, which keeps the whole {@code replayMillis}
 * within its own bound. Each message gets a sequence number here: a replay continues by position, never by searching
 * its cursor again, so a message that arrived slightly out of cursor order is neither skipped nor sent twice.
 * Appended by the publisher under its lock; the memory tail is read under the same monitor, the disk outside it.
 */
public final class ReplayBuffer implements ReplayStats {
    /** How far around a cursor's place a resume looks for that exact cursor among out-of-order arrivals. */
    private static final int REORDER_WINDOW = 1024;
    /** Most bytes of messages a page read from disk holds (the memory tail's pages share what is already kept). */
    static final long DISK_PAGE_BYTES = 512 << 10;
    private final long replayMillis;
    private final long maxBytes;
    private ReplaySegments disk;
    private Published[] ring = new Published[1024];
    /** {@link Published#retainedBytes} of each ring slot, computed once at append (it walks the domain names). */
    private long[] sizes = new long[1024];
    private int head;
    private int size;
    private long bytes;
    /** The sequence number the next appended message gets; the memory tail holds {@code nextSeq - size} onwards. */
    private long nextSeq;
    /** The cursor of the newest entry dropped from memory: a resume from before it has lost something. */
    private Cursor newestDropped;

    public ReplayBuffer(long replayMillis, long maxBytes) {
        this.replayMillis = replayMillis;
        this.maxBytes = maxBytes;
        // What was published before this hub started is not kept: a cursor from then resumes with a gap notice.
        this.newestDropped = new Cursor(Cursor.stamp(System.currentTimeMillis(), 0), 0, 0);
    }

    /**
     * What a resume finds: up to a page of entries after its cursor or position, preceded by a gap when messages
     * before them are no longer kept; {@code next} is where the following page starts, {@code more} whether there may
     * be one.
     */
    public record Page(List<Published> entries, Gap gap, boolean more, long next) {
    }

    /**
     * Messages after {@code since} that are no longer kept; {@code oldest} is the first that is, or null when
     * nothing is kept yet (then {@code lostUpTo}, the newest message dropped or the hub's start, ends the gap).
     */
    public record Gap(Cursor since, Cursor oldest, Cursor lostUpTo) {
        public double missingSeconds() {
            return Math.max(0, (oldest != null ? oldest : lostUpTo).millis() - since.millis()) / 1000.0;
        }
    }

    /** Also keeps everything on {@code segments}; before the first publication. */
    public synchronized void attach(ReplaySegments segments) {
        if (size > 0) {
            throw new IllegalStateException("attach the disk before the first publication");
        }
        disk = segments;
        nextSeq = segments.firstSeqOfRun();
        segments.onWritten(() -> trim(System.currentTimeMillis()));
    }

    /** The disk part, or null when the buffer is in memory only. */
    public synchronized ReplaySegments disk() {
        return disk;
    }

    /** Called by the publisher under its lock: never waits for the disk. */
    synchronized void append(Published p, long nowMillis) {
        if (replayMillis <= 0) {
            return;
        }
        if (size == ring.length) {
            grow();
        }
        int slot = (head + size) % ring.length;
        long retained = p.retainedBytes();
        ring[slot] = p;
        sizes[slot] = retained;
        size++;
        bytes += retained;
        if (disk != null) {
            disk.offer(nextSeq, p, retained);
        }
        nextSeq++;
        trim(nowMillis);
    }

    /** Drops the oldest from memory beyond the bounds, but not before the disk has them. */
    private synchronized void trim(long nowMillis) {
        while (size > 0 && (bytes > maxBytes || at(0).cursor().millis() < nowMillis - replayMillis)) {
            if (disk != null && nextSeq - size >= disk.handledBefore()
                    && bytes <= maxBytes + ReplaySegments.QUEUE_BYTES) {
                // Not on disk yet (the writer's queue holds it): kept here until it is, so no reader finds it nowhere.
                break;
            }
            Published dropped = at(0);
            ring[head] = null;
            bytes -= sizes[head];
            head = (head + 1) % ring.length;
            size--;
            newestDropped = dropped.cursor();
        }
    }

    /** Up to {@code max} entries published after {@code since}, oldest first, with their three messages. */
    public Page after(Cursor since, int max) {
        return after(since, max, null);
    }

    /**
     * Up to {@code max} entries published after {@code since}, oldest first. A gap comes first when entries after
     * {@code since} were already dropped (or the hub never had them: a cursor from before it started). Reads the
     * disk when {@link #readsDisk(Cursor)}: then call it on a worker.
     *
     * @param only the stream the reader wants: entries read from disk carry only its bytes; null: all three
     */
    public Page after(Cursor since, int max, StreamType only) {
        return after(since, max, only, true);
    }

    /**
     * {@link #after(Cursor, int)} when the memory tail answers it, without ever reading the disk (for an event loop);
     * null when the page is on disk.
     */
    public Page afterInMemory(Cursor since, int max) {
        return after(since, max, null, false);
    }

    private Page after(Cursor since, int max, StreamType only, boolean mayReadDisk) {
        ReplaySegments segments;
        synchronized (this) {
            segments = disk;
            if (size > 0 && since.compareTo(at(0).cursor()) >= 0) {
                return memoryPage(memoryPosition(since), max, false, since);
            }
            if (segments == null || !segments.hasSegments()) {
                return memoryPage(0, max, since.compareTo(newestDropped) < 0, since);
            }
            if (!mayReadDisk) {
                return null;
            }
        }
        long position;
        try {
            position = segments.locate(since);
        } catch (IOException e) {
            position = -1;
        }
        if (position >= 0) {
            return from(position, since, max, only);
        }
        // Older than the oldest message on disk: from there, after a gap unless nothing was ever dropped.
        Page page = from(segments.firstSeq(), since, max, only);
        if (page.gap() != null || since.compareTo(segments.newestDropped()) >= 0) {
            return page;
        }
        return new Page(page.entries(), gap(since, page.entries(), segments.newestDropped()), page.more(), page.next());
    }

    /**
     * The page at sequence number {@code position} (a previous page's {@code next}); {@code last} is the cursor the
     * reader saw last, where a gap found here starts. Reads the disk when {@link #readsDisk(long)}.
     */
    public Page from(long position, Cursor last, int max, StreamType only) {
        return from(position, last, max, only, true);
    }

    /** {@link #from} when the memory tail holds {@code position}, never reading the disk; null when it does not. */
    public Page fromMemory(long position, Cursor last, int max) {
        return from(position, last, max, null, false);
    }

    private Page from(long position, Cursor last, int max, StreamType only, boolean mayReadDisk) {
        boolean lost = false;
        while (true) {
            ReplaySegments segments;
            synchronized (this) {
                segments = disk;
                long memFirst = nextSeq - size;
                if (position >= memFirst) {
                    return memoryPage((int) Math.min(position - memFirst, size), max, lost, last);
                }
                if (segments == null) {
                    // Memory only, and the tail moved past this reader: what lay between is gone.
                    return memoryPage(0, max, true, last);
                }
                if (!mayReadDisk) {
                    return null;
                }
            }
            ReplaySegments.Chunk chunk = segments.read(position, max, DISK_PAGE_BYTES, only);
            if (!chunk.lost()) {
                return new Page(chunk.entries(), lost ? gap(last, chunk.entries(), segments.newestDropped()) : null,
                        true, chunk.next());
            }
            lost = true;
            synchronized (this) {
                // Nothing on disk after it: the memory tail holds what is kept (what it dropped meanwhile reads as lost).
                position = Math.min(chunk.next(), nextSeq - size);
            }
        }
    }

    /** Whether {@link #after(Cursor, int, StreamType)} would read the disk (then it belongs on a worker). */
    public synchronized boolean readsDisk(Cursor since) {
        return disk != null && (size == 0 || since.compareTo(at(0).cursor()) < 0) && disk.hasSegments();
    }

    /** Whether {@link #from} would read the disk at {@code position}. */
    public synchronized boolean readsDisk(long position) {
        return disk != null && position < nextSeq - size;
    }

    /** Guarded by this: a page of the memory tail from index {@code from}, after a gap when {@code lost}. */
    private Page memoryPage(int from, int max, boolean lost, Cursor since) {
        int n = Math.max(0, Math.min(max, size - from));
        List<Published> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(at(from + i));
        }
        return new Page(out, lost ? gap(since, out, newestDropped) : null, from + n < size, nextSeq - size + from + n);
    }

    private static Gap gap(Cursor since, List<Published> following, Cursor lostUpTo) {
        return new Gap(since, following.isEmpty() ? null : following.get(0).cursor(), lostUpTo);
    }

    /** Everything kept in memory, oldest first, and the newest cursor dropped before it (for {@link ReplayFile}). */
    synchronized List<Published> snapshot() {
        List<Published> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(at(i));
        }
        return out;
    }

    synchronized Cursor newestDropped() {
        return newestDropped;
    }

    /**
     * Puts back what a previous run saved at its orderly stop, before anything is published: the buffer then covers
     * the time the hub was down too (nothing was published meanwhile), and {@code newestDropped} is the saved run's.
     */
    synchronized void restore(List<Published> entries, Cursor droppedBefore, long nowMillis) {
        if (size > 0) {
            throw new IllegalStateException("restore before the first publication");
        }
        newestDropped = droppedBefore;
        for (Published p : entries) {
            append(p, nowMillis);
        }
    }

    /** The newest entry's cursor (in memory, else on disk: the previous run's), or null when nothing is kept. */
    public synchronized Cursor newest() {
        if (size > 0) {
            return at(size - 1).cursor();
        }
        return disk == null ? null : disk.newest();
    }

    /** Messages in the memory tail. */
    public synchronized int size() {
        return size;
    }

    /** Bytes of the memory tail. */
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public long memoryMessages() {
        return size();
    }

    @Override
    public long memoryBytes() {
        return bytes();
    }

    @Override
    public long diskMessages() {
        ReplaySegments d = disk();
        return d == null ? 0 : d.diskMessages();
    }

    @Override
    public long diskBytes() {
        ReplaySegments d = disk();
        return d == null ? 0 : d.diskBytes();
    }

    @Override
    public long diskDropped() {
        ReplaySegments d = disk();
        return d == null ? 0 : d.drops();
    }

    /**
     * Guarded by this: the index after the entry with cursor {@code since}, or else of the first entry with a larger
     * one. Entries are in cursor order but for rare late arrivals, so a binary search finds the place and a look
     * around it finds the exact cursor.
     */
    private int memoryPosition(Cursor since) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid).cursor().compareTo(since) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = Math.max(0, lo - REORDER_WINDOW); i < Math.min(size, lo + REORDER_WINDOW); i++) {
            if (at(i).cursor().equals(since)) {
                return i + 1;
            }
        }
        int first = lo;
        for (int i = lo - 1; i >= Math.max(0, lo - REORDER_WINDOW); i--) {
            if (at(i).cursor().compareTo(since) > 0) {
                first = i;
            }
        }
        return first;
    }

    private Published at(int i) {
        return ring[(head + i) % ring.length];
    }

    private void grow() {
        Published[] bigger = new Published[ring.length * 2];
        long[] biggerSizes = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = at(i);
            biggerSizes[i] = sizes[(head + i) % ring.length];
        }
        ring = bigger;
        sizes = biggerSizes;
        head = 0;
    }
}
