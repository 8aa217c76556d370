package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.logging.Logger;

/**
 * Cluster mode only: holds every certificate (this node's and those forwarded by other nodes) for a short delay and
 * lets them out in cursor order, so every node delivers the same total order to its clients, replay buffer and
 * bridges, and a cursor from one node resumes on any other (docs/cluster.md, "One order on every node").
 *
 * <p>A message is due at {@code min(stamp millis, arrival millis) + delay}: the bus must deliver within the delay.
 * Taking the earlier of the two means a node whose clock runs ahead cannot hold messages longer than the delay, and
 * one whose clock runs behind gets its messages out as soon as they arrive (possibly late, see below). Due messages
 * leave smallest cursor first; a message that arrives after a greater cursor has already left is <em>late</em>: it
 * leaves at once (never dropped), out of order, and is counted. What is held is about {@code delay} worth of the
 * cluster's messages; if the release timer cannot keep up (a stalled event loop) it is still capped at
 * {@code maxHeld}, beyond which the smallest cursors leave early. Used under the publisher's lock.
 */
final class ClusterOrder {
    private static final Logger LOG = Logger.getLogger(ClusterOrder.class.getName());
    private static final long LOG_EVERY_MILLIS = 60_000;

    /** One held message: its dedup key (the certificate's, to judge {@code duplicate} when it leaves). */
    record Held(Published published, long dedupKey, long dueMillis) {
    }

    private final PriorityQueue<Held> held = new PriorityQueue<>((x, y) -> x.published().cursor().compareTo(y.published().cursor()));
    private final long delayMillis;
    private final int maxHeld;
    private Cursor lastReleased;
    private long late;
    private long lastLateLog = -LOG_EVERY_MILLIS;
    private long lateSinceLog;

    ClusterOrder(long delayMillis, int maxHeld) {
        this.delayMillis = delayMillis;
        this.maxHeld = maxHeld;
    }

    /**
     * Holds {@code p}, or returns it to be released at once when it is late (a greater cursor already left); null
     * when it is held.
     */
    Held add(Published p, long dedupKey, long nowMillis) {
        Held h = new Held(p, dedupKey, Math.min(p.cursor().millis(), nowMillis) + delayMillis);
        if (lastReleased != null && p.cursor().compareTo(lastReleased) < 0) {
            late++;
            lateSinceLog++;
            if (nowMillis - lastLateLog >= LOG_EVERY_MILLIS) {
                long n = lateSinceLog;
                lateSinceLog = 0;
                lastLateLog = nowMillis;
                LOG.warning(() -> "Cluster: " + n + " message(s) arrived after a later cursor was delivered (e.g. "
                        + p.cursorText() + " from " + p.facts().logUrl() + "); delivered out of order. The cluster bus"
                        + " took longer than cluster.orderDelayMillis (" + delayMillis + " ms), or a node's clock is"
                        + " behind: check NTP on every node, or raise cluster.orderDelayMillis");
            }
            return h;
        }
        held.add(h);
        return null;
    }

    /** The messages due at {@code nowMillis}, in cursor order (and the smallest beyond {@code maxHeld}). */
    List<Held> due(long nowMillis) {
        List<Held> out = new ArrayList<>();
        while (!held.isEmpty() && (held.peek().dueMillis() <= nowMillis || held.size() > maxHeld)) {
            out.add(release());
        }
        return out;
    }

    /** Everything held, in cursor order (at an orderly stop). */
    List<Held> drain() {
        List<Held> out = new ArrayList<>(held.size());
        while (!held.isEmpty()) {
            out.add(release());
        }
        return out;
    }

    private Held release() {
        Held h = held.poll();
        lastReleased = h.published().cursor();
        return h;
    }

    /** Messages delivered out of order because they arrived after a greater cursor had been delivered. */
    long late() {
        return late;
    }

    int held() {
        return held.size();
    }
}
