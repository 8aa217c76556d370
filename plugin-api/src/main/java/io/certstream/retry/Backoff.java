package io.certstream.retry;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retry number {@code attempt}: {@code initialMillis × 2^(attempt-1)}, capped at
 * {@code maxMillis} (which wins over {@code initialMillis} if smaller), then jittered so that many watchers, hubs or clients recovering from one outage do not retry in
 * lock step. The one backoff of the project: the hub's log watchers, the webhook and Slack plugins and the client's
 * reconnects each pick their bounds and {@link Jitter} here.
 */
public record Backoff(long initialMillis, long maxMillis, Jitter jitter) {
    /** How a delay is spread. */
    public enum Jitter {
        /** The delay itself (a fixed schedule). */
        NONE,
        /** "Equal jitter": half fixed, half random, uniform in {@code [d/2, d]}; never above the cap. */
        EQUAL,
        /** Uniform in {@code [0.8 d, 1.2 d]}: ±20 % around the delay, at least 1 ms. */
        PLUS_MINUS_20_PERCENT
    }

    public Backoff {
        if (initialMillis <= 0 || maxMillis <= 0) {
            throw new IllegalArgumentException("initialMillis and maxMillis must be positive, got " + initialMillis + ", " + maxMillis);
        }
        if (jitter == null) {
            throw new IllegalArgumentException("jitter is required (Jitter.NONE for none)");
        }
    }

    /** The delay before retry number {@code attempt} (1 for the first retry; 0 or less count as 1). */
    public long delayMillis(int attempt) {
        long exp = initialMillis << Math.min(Math.max(attempt, 1) - 1, 30);
        long capped = exp <= 0 || exp > maxMillis ? maxMillis : exp;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (jitter) {
            case NONE -> capped;
            case EQUAL -> capped / 2 + random.nextLong(capped / 2 + 1);
            case PLUS_MINUS_20_PERCENT -> Math.max(1, Math.round(capped * (0.8 + 0.4 * random.nextDouble())));
        };
    }

    /**
     * The delay before retry number {@code attempt} when the server asked for {@code retryAfterMillis} (see
     * {@link RetryAfter#millis}; negative: it did not ask): the longer of the two, so a server's {@code Retry-After}
     * is honoured even above {@code maxMillis} (asking sooner only earns another refusal), up to
     * {@link RetryAfter#MAX_MILLIS}, and a short one never shortens the backoff.
     */
    public long delayMillis(int attempt, long retryAfterMillis) {
        return Math.max(delayMillis(attempt), Math.min(retryAfterMillis, RetryAfter.MAX_MILLIS));
    }
}
