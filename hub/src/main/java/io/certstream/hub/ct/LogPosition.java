package io.certstream.hub.ct;

import io.certstream.hub.metrics.LogMetrics;

/**
 * Where a watcher stands in its log: the next index to publish. This is the one place that decides where a
 * watcher starts (a saved or configured index, or the tree head when the log is first seen) and that records
 * progress, in the metrics and in the {@link PositionStore}, so every kind of log resumes after a restart.
 */
public final class LogPosition {
    private final String url;
    private final LogMetrics metrics;
    private final PositionStore positions;
    private long next;

    /** @param start {@link PositionStore#startIndex}: the saved or configured start index, or -1 for the tree head */
    public LogPosition(String url, long start, LogMetrics metrics, PositionStore positions) {
        this.url = url;
        this.metrics = metrics;
        this.positions = positions;
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
        positions.advance(url, index);
    }

    /** Jumps ahead to {@code index}, leaving out the entries before it on purpose (the backlog cap). */
    public void skipTo(long index) {
        long from = next;
        next = index;
        metrics.skippedTo(index, index - from);
        positions.advance(url, index);
    }

    public String describe() {
        return next >= 0 ? "index " + next : "the tree head";
    }
}
