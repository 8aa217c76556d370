package io.certstream.hub.ct;

import io.certstream.hub.metrics.LogMetrics;

/**
 * Where a watcher stands in its log: the next index to publish. This is the one place that decides where a
 * watcher starts (a configured index, or the tree head when the log is first seen) and that records progress,
 * so that a durable position store can be plugged in here for every kind of log.
 */
public final class LogPosition {
    private final LogMetrics metrics;
    private long next;

    /** @param start the configured start index, or -1 to start at the tree head */
    public LogPosition(long start, LogMetrics metrics) {
        this.metrics = metrics;
        this.next = start;
        if (start >= 0) {
            metrics.nextIndex(start);
        }
    }

    /** The next index to publish, or -1 before the first tree head when starting at the head. */
    public long next() {
        return next;
    }

    public boolean known() {
        return next >= 0;
    }

    /** Called with each verified tree size; fixes the start at that size when starting at the head. */
    public boolean startAtHeadIfUnknown(long treeSize) {
        if (next >= 0) {
            return false;
        }
        advanceTo(treeSize);
        return true;
    }

    /** Everything before {@code index} has been published. */
    public void advanceTo(long index) {
        next = index;
        metrics.nextIndex(index);
    }

    public String describe() {
        return next >= 0 ? "index " + next : "the tree head";
    }
}
