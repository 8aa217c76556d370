package io.certstream.hub.metrics;

/** Events per second over the last few samples of a monotonic counter. Thread-safe enough for a stats page. */
final class RateMeter {
    private final long[] counts;
    private final long[] times;
    private int samples;

    RateMeter(int window) {
        counts = new long[window];
        times = new long[window];
    }

    synchronized void sample(long count, long nanos) {
        int slot = samples % counts.length;
        counts[slot] = count;
        times[slot] = nanos;
        samples++;
    }

    synchronized double perSecond() {
        if (samples < 2) {
            return 0;
        }
        int newest = (samples - 1) % counts.length;
        int oldest = samples >= counts.length ? samples % counts.length : 0;
        long dt = times[newest] - times[oldest];
        return dt <= 0 ? 0 : (counts[newest] - counts[oldest]) * 1e9 / dt;
    }
}
