package io.certstream.hub.sim;

/**
 * A real CT operator's request throttle: at most {@code perSecond} requests a second (a burst of that many allowed),
 * beyond which requests are answered 429 with {@code Retry-After: 1}. One instance may be shared by several simulated
 * logs, as one operator's front end limits all its logs together. Thread-safe.
 */
public final class RequestRateLimit {
    private final double perSecond;
    private double tokens;
    private long lastNanos = System.nanoTime();
    private long allowed;
    private long refused;

    public RequestRateLimit(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("perSecond must be > 0, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.tokens = perSecond;
    }

    /** Takes one request's place; false when it is past the rate. */
    public synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(perSecond, tokens + (now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            allowed++;
            return true;
        }
        refused++;
        return false;
    }

    public synchronized long allowed() {
        return allowed;
    }

    /** Requests answered 429. */
    public synchronized long refused() {
        return refused;
    }
}
