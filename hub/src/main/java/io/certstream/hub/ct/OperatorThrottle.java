package io.certstream.hub.ct;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * Paces the requests to one operator's logs, all its logs together, to {@code watcher.operatorRequestsPerSecond}:
 * real operators throttle at around 10 requests/s and answer 429 past it, so a hub catching up on six Google logs at
 * once must not send sixty. A burst of one second's worth is allowed, then requests are spaced out; a 429 from any of
 * the operator's logs holds all of them back for its Retry-After. Shared by the watchers of one Vert.x instance
 * (they run on different event loops), hence synchronized; each call is a few arithmetic operations.
 */
public final class OperatorThrottle implements Shareable {
    private final String operator;
    private final long intervalNanos;
    private final long burstNanos;
    /** When the next request would go if requests were spaced evenly (GCRA's TAT). */
    private long theoreticalArrival = Long.MIN_VALUE;
    private long waits;

    OperatorThrottle(String operator, double perSecond) {
        this.operator = operator;
        this.intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
        this.burstNanos = Math.round(Math.max(1, perSecond) * intervalNanos);
    }

    /**
     * The throttle of {@code log}'s operator, or null when {@code perSecond} is 0 (no limit) or the log names no
     * operator (a log configured by hand under {@code logs} without one: its user knows what it allows).
     */
    public static OperatorThrottle of(Vertx vertx, CtLog log, double perSecond) {
        if (perSecond <= 0 || log.operator() == null || log.operator().isBlank()) {
            return null;
        }
        String operator = log.operator();
        LocalMap<String, OperatorThrottle> throttles = vertx.sharedData().getLocalMap("certstream.operator-throttles");
        return throttles.computeIfAbsent(operator + "@" + perSecond, k -> new OperatorThrottle(operator, perSecond));
    }

    /** Books the next request: how long it must wait (0: go now). A generic cell rate algorithm with a burst. */
    public synchronized long reserveMillis() {
        long now = System.nanoTime();
        long tat = theoreticalArrival == Long.MIN_VALUE ? now : Math.max(theoreticalArrival, now);
        long allowedAt = tat - (burstNanos - intervalNanos);
        theoreticalArrival = tat + intervalNanos;
        if (allowedAt <= now) {
            return 0;
        }
        waits++;
        return Math.max(1, (allowedAt - now + 999_999) / 1_000_000);
    }

    /** The operator said 429: nobody sends to it before {@code millis} from now, then requests are spaced again. */
    public synchronized void holdOff(long millis) {
        long until = System.nanoTime() + millis * 1_000_000 + (burstNanos - intervalNanos);
        if (theoreticalArrival == Long.MIN_VALUE || theoreticalArrival < until) {
            theoreticalArrival = until;
        }
    }

    public String operator() {
        return operator;
    }

    /** Requests that had to wait their turn. */
    public synchronized long waits() {
        return waits;
    }
}
