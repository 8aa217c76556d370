package io.certstream.hub.publish;

import io.certstream.hub.metrics.HubMetrics;

import java.util.Map;
import java.util.logging.Logger;

/**
 * Says when the hub sheds messages because it fell behind ({@link DeliveryLag}): how many, why and what to do, at most
 * once per {@link #INTERVAL_MILLIS} so that a hub that stays overloaded writes one line a minute, not one per drop.
 */
public final class OverloadWarning {
    static final long INTERVAL_MILLIS = 60_000;
    private static final Logger LOG = Logger.getLogger(OverloadWarning.class.getName());

    private final HubMetrics metrics;
    private final int maxPending;
    private long reported;
    private long warnedMillis = Long.MIN_VALUE;

    public OverloadWarning(HubMetrics metrics, int maxPending) {
        this.metrics = metrics;
        this.maxPending = maxPending;
    }

    /** Called every second or so; logs when messages were shed since the last warning and it is time again. */
    public void check(long nowMillis) {
        if (warnedMillis != Long.MIN_VALUE && nowMillis - warnedMillis < INTERVAL_MILLIS) {
            return;
        }
        Map<String, Long> byEndpoint = metrics.droppedOverload();
        long total = byEndpoint.values().stream().mapToLong(Long::longValue).sum();
        if (total == reported) {
            return;
        }
        LOG.warning(() -> String.format("hub overloaded: %,d messages to clients were dropped %s because the web "
                        + "event loops fell more than server.maxPendingMessages=%,d updates behind the certificate "
                        + "stream (dropped_overload so far per endpoint: %s). Clients get fresh messages with gaps "
                        + "rather than ever later ones. Give the hub more cores, serve fewer clients from it (or move "
                        + "them to /domains-only), or raise server.maxPendingMessages to trade latency for completeness.",
                total - reported, warnedMillis == Long.MIN_VALUE ? "since start" : "in the last minute or so",
                maxPending, byEndpoint));
        reported = total;
        warnedMillis = nowMillis;
    }
}
