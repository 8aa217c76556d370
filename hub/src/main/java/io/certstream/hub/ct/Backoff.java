package io.certstream.hub.ct;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, so that many watchers hitting the same failing operator do not retry in lockstep.
 * Delays run 1 s, 2 s, 4 s ... up to {@code maxMillis}, each drawn uniformly from [d/2, d]. A log's own
 * {@code Retry-After} is honoured even beyond {@code maxMillis} (asking sooner only earns another 429), up to
 * {@link #MAX_RETRY_AFTER_MILLIS} so that a broken header cannot park a watcher for days.
 */
public final class Backoff {
    /** The longest {@code Retry-After} honoured: one hour. */
    public static final long MAX_RETRY_AFTER_MILLIS = 3_600_000;
    private static final long BASE_MILLIS = 1000;
    private final long maxMillis;
    private int failures;

    public Backoff(long maxMillis) {
        this.maxMillis = maxMillis;
    }

    /**
     * Records one more failure and returns how long to wait before retrying: the backoff, or
     * {@code retryAfterMillis} (the log's {@code Retry-After}, 0 if none) when that is longer.
     */
    public long nextDelay(long retryAfterMillis) {
        long ceiling = Math.min(maxMillis, BASE_MILLIS << Math.min(failures, 20));
        failures++;
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Math.max(delay, Math.min(retryAfterMillis, MAX_RETRY_AFTER_MILLIS));
    }

    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
