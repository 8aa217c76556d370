package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code replayMillis} of published certificates, in publication order, for clients resuming with
 * {@code ?since=CURSOR} (or SSE's {@code Last-Event-ID}). Bounded twice: by age, and by {@code maxBytes} of what
 * the entries hold (their three messages and the decoded leaf, see {@link Published#retainedBytes}); whichever
 * bound is hit first drops the oldest. Appended by the publisher under its lock; read by web verticles, which copy
 * a page of entries at a time under the same monitor and write them outside it.
 */
public final class ReplayBuffer {
    private final long replayMillis;
    private final long maxBytes;
    private Published[] ring = new Published[1024];
    private int head;
    private int size;
    private long bytes;
    /** The cursor of the newest dropped entry: a resume from before it has lost something. */
    private Cursor newestDropped;

    public ReplayBuffer(long replayMillis, long maxBytes) {
        this.replayMillis = replayMillis;
        this.maxBytes = maxBytes;
        // What was published before this hub started is not kept: a cursor from then resumes with a gap notice.
        this.newestDropped = new Cursor(Cursor.stamp(System.currentTimeMillis(), 0), 0, 0);
    }

    /** What a resume from a cursor finds: the entries after it (at most a page), and whether some were lost. */
    public record Page(List<Published> entries, Gap gap, boolean more) {
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

    synchronized void append(Published p, long nowMillis) {
        if (replayMillis <= 0) {
            return;
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) % ring.length] = p;
        size++;
        bytes += p.retainedBytes();
        while (size > 0 && (bytes > maxBytes || at(0).cursor().millis() < nowMillis - replayMillis)) {
            Published dropped = at(0);
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            bytes -= dropped.retainedBytes();
            newestDropped = dropped.cursor();
        }
    }

    /**
     * Up to {@code max} entries published after {@code since}, oldest first. A gap is reported on the first page
     * when entries after {@code since} were already dropped (or the buffer never had them: a cursor from before
     * this hub started and kept nothing that old).
     */
    public synchronized Page after(Cursor since, int max) {
        int from = firstAfter(since);
        Gap gap = null;
        if (from == 0 && newestDropped != null && since.compareTo(newestDropped) < 0) {
            gap = new Gap(since, size > 0 ? at(0).cursor() : null, newestDropped);
        }
        int n = Math.min(max, size - from);
        List<Published> out = new ArrayList<>(Math.max(n, 0));
        for (int i = 0; i < n; i++) {
            out.add(at(from + i));
        }
        return new Page(out, gap, from + n < size);
    }

    /** Everything kept, oldest first, and the newest cursor dropped before it (for {@link ReplayFile}). */
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

    /** The newest entry's cursor, or null when empty. */
    public synchronized Cursor newest() {
        return size == 0 ? null : at(size - 1).cursor();
    }

    public synchronized int size() {
        return size;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Index of the first entry whose cursor is after {@code since} (entries are in cursor order). */
    private int firstAfter(Cursor since) {
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
        return lo;
    }

    private Published at(int i) {
        return ring[(head + i) % ring.length];
    }

    private void grow() {
        Published[] bigger = new Published[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = at(i);
        }
        ring = bigger;
        head = 0;
    }
}
