package io.certstream.hub.publish;

import io.certstream.hub.ct.UpdateSink;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.certstream.model.CertificateUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import io.certstream.hub.wire.Cursor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Puts decoded certificates on the event bus: the object for in-JVM plugins, the serialized text per channel, and
 * for the web front a {@link Published} on {@link #PUBLISHED}. Publication is where each message gets its cursor
 * (written into its bytes once), is checked against the dedup window and is kept for replay; it runs under one
 * lock, so cursors, the replay buffer and the bus deliveries share one order.
 */
public final class UpdatePublisher implements UpdateSink {
    /** Local-only address of {@link Published} messages, read by the web verticles. Not part of the public API. */
    public static final String PUBLISHED = "certstream.internal.published";
    /**
     * Vert.x copies a {@code Buffer} body for every local consumer (its default codec assumes consumers may write to
     * it); the stream texts are never written after serialization, so every consumer gets the same bytes.
     */
    private static final String SHARED_BUFFER_CODEC = "certstream-shared-buffer";
    /**
     * Local only: in a cluster every node has its own web verticles and plugins, and the messages reach other nodes
     * once per node through {@code cluster.ClusterBus}, never per consumer. Costs nothing on a single hub.
     */
    private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(SHARED_BUFFER_CODEC).setLocalOnly(true);
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
    private final EventBus bus;
    private final HubMetrics metrics;
    /** Where each update goes next (the bridge channels), after the stream addresses; may be null. */
    private final UpdateSink next;
    /** Updates published so far; each web verticle compares it with what it has taken off the bus ({@link DeliveryLag}). */
    private final AtomicLong published = new AtomicLong();
    private final DedupWindow dedup;
    private final ReplayBuffer replay;
    private final Map<String, Integer> logIds = new HashMap<>();
    private long lastStamp;
    /** A cluster node: plugins get their own copy of the texts decoded here (see {@link #decodedHere}). */
    private final boolean clustered;
    /** A cluster node: where each published batch goes to reach the other nodes; null on a single hub. */
    private volatile Consumer<List<Published>> forward;

    /** Without replay, and dedup over 15 minutes (tests, benchmarks). */
    public UpdatePublisher(Vertx vertx, HubMetrics metrics) {
        this(vertx, metrics, null, new ReplayBuffer(0, 0), 15, 1_000_000);
    }

    /**
     * @param next   also gets every update, after it is on the stream addresses (the bridge channels); may be null
     * @param replay where published messages are kept for resuming clients
     */
    public UpdatePublisher(Vertx vertx, HubMetrics metrics, UpdateSink next, ReplayBuffer replay,
                           int dedupWindowMinutes, long dedupMaxEntries) {
        this.bus = vertx.eventBus();
        this.metrics = metrics;
        this.next = next;
        this.replay = replay;
        this.dedup = new DedupWindow(dedupWindowMinutes, dedupMaxEntries);
        this.clustered = vertx.isClustered();
    }

    /** A cluster node: hands every published batch to {@code forward} (the cluster bus), after the local bus. */
    public void forwardTo(Consumer<List<Published>> forward) {
        this.forward = forward;
    }

    public ReplayBuffer replay() {
        return replay;
    }

    /**
     * Lets the immutable update and the serialized texts travel the local bus by reference: no copy per consumer.
     * Idempotent per Vert.x.
     */
    public static void registerCodec(Vertx vertx) {
        try {
            vertx.eventBus().registerDefaultCodec(CertificateUpdate.class, new LocalCodec<>("certstream-update"));
        } catch (IllegalStateException alreadyRegistered) {
            // a hub restarted in the same Vert.x (tests, embedding applications): the codec is the same
        }
        try {
            vertx.eventBus().registerCodec(new LocalCodec<Buffer>(SHARED_BUFFER_CODEC));
        } catch (IllegalStateException alreadyRegistered) {
            // as above
        }
        try {
            vertx.eventBus().registerDefaultCodec(Published.class, new LocalCodec<>("certstream-published"));
        } catch (IllegalStateException alreadyRegistered) {
            // as above
        }
    }

    /** Called by every watcher, on its own context: the lock gives all of them one order. */
    @Override
    public synchronized void publish(List<EncodedUpdate> updates) {
        long now = System.currentTimeMillis();
        if (lastStamp == 0 && replay.newest() != null) {
            // Restored from the previous run: continue after its cursors even if the clock went back.
            lastStamp = replay.newest().stamp();
        }
        List<EncodedUpdate> stamped = new ArrayList<>(updates.size());
        Consumer<List<Published>> toCluster = forward;
        List<Published> forwarded = toCluster == null ? null : new ArrayList<>(updates.size());
        for (EncodedUpdate plain : updates) {
            // Strictly increasing even if the clock steps back or more than 65536 messages share a millisecond.
            lastStamp = Math.max(Cursor.stamp(now, 0), lastStamp + 1);
            Cursor cursor = new Cursor(lastStamp, logId(plain.update().source().url()), plain.update().certIndex());
            String text = cursor.toString();
            EncodedUpdate u = plain.withCursor(text);
            boolean duplicate = !dedup.firstSeen(u.update().leaf().sha256(), now);
            Published p = Published.of(cursor, text, duplicate, u);
            replay.append(p, now);
            stamped.add(u);
            // Counted before it is on the bus, so a consumer never sees a message the count does not include.
            published.incrementAndGet();
            bus.publish(BusAddresses.UPDATES, u.update(), LOCAL);
            bus.publish(BusAddresses.FULL, u.full(), SHARED);
            bus.publish(BusAddresses.LITE, u.lite(), SHARED);
            bus.publish(BusAddresses.DOMAINS_ONLY, u.domainsOnly(), SHARED);
            bus.publish(PUBLISHED, p, LOCAL);
            if (clustered) {
                bus.publish(decodedHere(BusAddresses.FULL), u.full(), SHARED);
                bus.publish(decodedHere(BusAddresses.LITE), u.lite(), SHARED);
                bus.publish(decodedHere(BusAddresses.DOMAINS_ONLY), u.domainsOnly(), SHARED);
            }
            if (forwarded != null) {
                forwarded.add(p);
            }
        }
        if (next != null) {
            next.publish(stamped);
        }
        if (forwarded != null) {
            toCluster.accept(forwarded);
        }
        metrics.published(updates.size());
    }

    /**
     * Certificates published on another cluster node (cursor, dedup verdict and bytes as that node made them): this
     * node's web front, replay buffer and bridges get them as their own. The decoded objects for plugins stay on the
     * node that decoded them (its plugins handle them, once per cluster).
     */
    public synchronized void publishForwarded(List<Published> batch) {
        long now = System.currentTimeMillis();
        for (Published p : batch) {
            replay.append(p, now);
            published.incrementAndGet();
            bus.publish(BusAddresses.FULL, p.full(), SHARED);
            bus.publish(BusAddresses.LITE, p.lite(), SHARED);
            bus.publish(BusAddresses.DOMAINS_ONLY, p.domainsOnly(), SHARED);
            bus.publish(PUBLISHED, p, LOCAL);
        }
        metrics.published(batch.size());
    }

    /**
     * Where a cluster node's plugins take a stream from: the stream addresses also carry the certificates other nodes
     * decoded (for this node's clients), but each plugin instance handles only those decoded on its own node, so
     * that the cluster as a whole delivers each certificate once per plugin instance (docs/cluster.md). Other
     * addresses are unchanged ({@code certstream.updates} only ever carries certificates decoded here).
     */
    public static String decodedHere(String address) {
        return switch (address) {
            case BusAddresses.FULL, BusAddresses.LITE, BusAddresses.DOMAINS_ONLY -> address + ".decoded-here";
            default -> address;
        };
    }

    private int logId(String url) {
        return logIds.computeIfAbsent(url, Cursor::logId);
    }

    /** How many updates were published (each on every stream address) since this publisher was made. */
    public long published() {
        return published.get();
    }
}
