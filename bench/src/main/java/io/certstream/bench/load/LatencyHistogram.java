package io.certstream.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Delivery latencies in milliseconds, recorded from many event-loop threads without locks: 1 ms buckets up to
 * 1 s, 10 ms up to 10 s, 100 ms up to 100 s. Percentiles are the bucket's upper bound, so they never flatter.
 */
final class LatencyHistogram {
    private static final int BUCKETS = 1000 + 900 + 900 + 1;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long millis) {
        counts.incrementAndGet(bucket(millis));
    }

    private static int bucket(long ms) {
        if (ms < 1000) {
            return (int) Math.max(0, ms);
        }
        if (ms < 10_000) {
            return 1000 + (int) ((ms - 1000) / 10);
        }
        if (ms < 100_000) {
            return 1900 + (int) ((ms - 10_000) / 100);
        }
        return BUCKETS - 1;
    }

    private static long upperBound(int bucket) {
        if (bucket < 1000) {
            return bucket;
        }
        if (bucket < 1900) {
            return 1000 + (bucket - 1000 + 1) * 10L;
        }
        if (bucket < 2800) {
            return 10_000 + (bucket - 1900 + 1) * 100L;
        }
        return Long.MAX_VALUE;
    }

    /** Copies the counts and, when {@code reset}, starts over (for per-second windows). */
    Snapshot snapshot(boolean reset) {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = reset ? counts.getAndSet(i, 0) : counts.get(i);
        }
        return new Snapshot(copy);
    }

    record Snapshot(long[] counts) {
        long total() {
            long sum = 0;
            for (long c : counts) {
                sum += c;
            }
            return sum;
        }

        /** The latency that {@code p} (0..1) of the samples do not exceed, or -1 without samples. */
        long percentile(double p) {
            long total = total();
            if (total == 0) {
                return -1;
            }
            long rank = (long) Math.ceil(p * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= Math.max(1, rank)) {
                    return upperBound(i);
                }
            }
            return upperBound(counts.length - 1);
        }

        long max() {
            for (int i = counts.length - 1; i >= 0; i--) {
                if (counts[i] > 0) {
                    return upperBound(i);
                }
            }
            return -1;
        }
    }
}
