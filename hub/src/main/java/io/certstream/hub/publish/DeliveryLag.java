package io.certstream.hub.publish;

import io.certstream.hub.wire.StreamType;
import java.util.Arrays;

/**
 * How far one web verticle's event loop is behind the publisher, and whether to shed what arrives too late.
 *
 * <p>The publisher hands updates to the web verticles over the local event bus, whose deliveries wait in the event
 * loop's task queue, which has no bound: a loop that cannot keep up would queue them there, ever later, before they
 * reach the per-client queues that drop and count. So the {@link UpdatePublisher} counts what it publishes and this
 * counts, per stream, what the verticle has taken off the bus; the difference is how many updates still wait behind
 * the one at hand. Beyond {@code maxPending} the one at hand is the oldest pending and is discarded unwritten, which
 * costs a counter increment, so a loop that fell behind drains its queue quickly and then delivers fresh messages
 * again (latency stays bounded by {@code maxPending} updates) instead of delivering everything late.
 *
 * <p>A count rather than a publish time: the bus bodies are the serialized Buffers that plugins read, with no room
 * for a time stamp, and a count bounds the queued work itself whatever the certificate rate. Anything else
 * published on the stream addresses only makes the backlog look smaller: it can delay shedding, never cause a wrong
 * drop.
 *
 * <p>Written only on its verticle's event loop. {@link #shedding()} is also read by the SockJS bridge's deliveries
 * on that loop: they are queued beside the verticle's own, so they are just as late.
 */
public final class DeliveryLag {
    private final UpdatePublisher publisher;
    private final long maxPending;
    private final long[] taken = new long[StreamType.values().length];
    private volatile boolean shedding;

    /** @param maxPending updates allowed to wait behind the one at hand; 0: no limit (deliver everything, late) */
    public DeliveryLag(UpdatePublisher publisher, int maxPending) {
        this.publisher = publisher;
        this.maxPending = maxPending;
    }

    /**
     * Call before subscribing: updates published earlier never reach this verticle. (Any published between this and
     * the subscription are counted as taken forever after: a backlog a few updates too large.)
     */
    public void start() {
        Arrays.fill(taken, publisher.published());
    }

    /** Takes one delivery of {@code channel} off the bus; true when it is too late and must be dropped unwritten. */
    public boolean shed(StreamType channel) {
        long waiting = publisher.published() - ++taken[channel.ordinal()];
        boolean late = maxPending > 0 && waiting > maxPending;
        if (late != shedding) {
            shedding = late;
        }
        return late;
    }

    /** Whether this event loop is shedding: its latest delivery was more than {@code maxPending} updates behind. */
    public boolean shedding() {
        return shedding;
    }
}
