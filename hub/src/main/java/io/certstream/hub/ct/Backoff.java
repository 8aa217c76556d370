package io.certstream.hub.ct;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, so that many watchers hitting the same failing operator do not retry in lockstep.
 * Delays run 1 s, 2 s, 4 s ... up to {@code maxMillis}, each drawn uniformly from [d/2, d].
 */
public final class Backoff {
    private static final long BASE_MILLIS = 1000;
    private final long maxMillis;
    private int failures;

    public Backoff(long maxMillis) {
        this.maxMillis = maxMillis;
    }

    /** Records one more failure and returns how long to wait before retrying, at least {@code minimumMillis}. */
    public long nextDelay(long minimumMillis) {
        long ceiling = Math.min(maxMillis, BASE_MILLIS << Math.min(failures, 20));
        failures++;
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Math.max(delay, Math.min(minimumMillis, maxMillis));
    }

    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
