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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Puts decoded certificates on the event bus: the object for in-JVM plugins, the serialized text per channel, and
 * for the web front a {@link Published} on {@link #PUBLISHED}. Publication is where each message gets its cursor
 * (written into its bytes once), is checked against the dedup window and is kept for replay; it runs under one
 * lock, so cursors, the replay buffer and the bus deliveries share one order.
 *
 * <p>On a cluster node ({@link #clusterMode}) each batch goes to the other nodes and to the plugins at once, but the
 * web front, the replay buffer and the bridges get this node's and the other nodes' certificates through one
 * {@link ClusterOrder}: in cursor order, a short delay later, each judged against the dedup window as it leaves, so
 * every node delivers the same order and the same {@code duplicate} verdicts.
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
    private long lastStamp;
    /** A cluster node: plugins get their own copy of the texts decoded here (see {@link #decodedHere}). */
    private final boolean clustered;
    /** A cluster node: where each published batch goes to reach the other nodes; null on a single hub. */
    private Consumer<List<Forwarded>> forward;
    /** A cluster node: what waits to be delivered in cursor order; null on a single hub. */
    private ClusterOrder order;
    /** A cluster node: where each certificate goes after the web front (the bridge channels), in cursor order. */
    private Consumer<Published> released;

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

    /**
     * Makes this a cluster node's publisher, before anything is published: every batch published here goes to
     * {@code forward} (the cluster bus) at once, and what this node's clients, replay buffer and bridges get, from
     * here and from the other nodes ({@link #publishForwarded}), waits {@code delayMillis} and leaves in cursor
     * order ({@link ClusterOrder}), checked every {@code delayMillis / 5}; {@code released} (the bridge channels)
     * then gets each after the web front, instead of the {@code next} sink.
     */
    public synchronized void clusterMode(Vertx vertx, long delayMillis, Consumer<List<Forwarded>> forward,
                                         Consumer<Published> released) {
        this.forward = forward;
        this.released = released;
        // Room for 4,000 certificates/s (CT's full rate is below 1,000; about 11 KB each); beyond it the
        // smallest cursors leave early rather than the heap grow (a stalled timer).
        this.order = new ClusterOrder(delayMillis, (int) Math.max(1024, Math.min(delayMillis * 4, 1 << 20)));
        vertx.setPeriodic(Math.max(10, delayMillis / 5), t -> releaseDue());
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
        if (order != null) {
            publishClustered(updates, now);
            return;
        }
        List<EncodedUpdate> stamped = new ArrayList<>(updates.size());
        for (EncodedUpdate u : updates) {
            Cursor cursor = u.stamp(nextStamp(now));
            String text = cursor.toString();
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
                publishDecodedHere(u);
            }
        }
        if (next != null) {
            next.publish(stamped);
        }
        metrics.published(updates.size());
    }

    /**
     * A cluster node: the plugins get the batch and the other nodes are sent it at once; this node's clients, replay
     * buffer and bridges get it from the {@link ClusterOrder}.
     */
    private void publishClustered(List<EncodedUpdate> updates, long now) {
        List<Forwarded> batch = new ArrayList<>(updates.size());
        for (EncodedUpdate u : updates) {
            Cursor cursor = u.stamp(nextStamp(now));
            String text = cursor.toString();
            // duplicate is judged when it leaves the order stage, in cursor order, as on every other node.
            Forwarded f = new Forwarded(Published.of(cursor, text, false, u), DedupWindow.key(u.update().leaf().sha256()));
            batch.add(f);
            bus.publish(BusAddresses.UPDATES, u.update(), LOCAL);
            publishDecodedHere(u);
        }
        forward.accept(batch);
        hold(batch, now);
    }

    /**
     * Certificates published on another cluster node (cursor and bytes as that node made them): this node's web
     * front, replay buffer and bridges get them as their own, in cursor order with this node's. The decoded objects
     * for plugins stay on the node that decoded them (its plugins handle them, once per cluster).
     */
    public synchronized void publishForwarded(List<Forwarded> batch) {
        hold(batch, System.currentTimeMillis());
    }

    private void hold(List<Forwarded> batch, long now) {
        int late = 0;
        for (Forwarded f : batch) {
            ClusterOrder.Held h = order.add(f.published(), f.dedupKey(), now);
            if (h != null) {
                // Late: out of cursor order, and kept in the replay buffer all the same: a resume continues by
                // position after the cursor it finds, so a client away when this came still gets it, once.
                release(h, now);
                late++;
            }
        }
        if (late > 0) {
            metrics.published(late);
        }
    }

    /** Delivers what the order stage lets out now (the periodic timer of {@link #clusterMode}). */
    synchronized void releaseDue() {
        long now = System.currentTimeMillis();
        List<ClusterOrder.Held> due = order.due(now);
        for (ClusterOrder.Held h : due) {
            release(h, now);
        }
        if (!due.isEmpty()) {
            metrics.published(due.size());
        }
    }

    /** At an orderly stop: delivers what the order stage still holds, so the replay buffer saved has it. */
    public synchronized void flush() {
        if (order != null) {
            long now = System.currentTimeMillis();
            order.drain().forEach(h -> release(h, now));
        }
    }

    /** Messages a cluster node delivered out of cursor order (they came after a later cursor left); 0 on a single hub. */
    public synchronized long lateMessages() {
        return order == null ? 0 : order.late();
    }

    /** One certificate out of the order stage: judged against the dedup window, kept for replay, delivered. */
    private void release(ClusterOrder.Held h, long now) {
        Published p = h.published().withDuplicate(!dedup.firstSeen(h.dedupKey(), now));
        replay.append(p, now);
        published.incrementAndGet();
        bus.publish(BusAddresses.FULL, p.full(), SHARED);
        bus.publish(BusAddresses.LITE, p.lite(), SHARED);
        bus.publish(BusAddresses.DOMAINS_ONLY, p.domainsOnly(), SHARED);
        bus.publish(PUBLISHED, p, LOCAL);
        released.accept(p);
    }

    private void publishDecodedHere(EncodedUpdate u) {
        bus.publish(decodedHere(BusAddresses.FULL), u.full(), SHARED);
        bus.publish(decodedHere(BusAddresses.LITE), u.lite(), SHARED);
        bus.publish(decodedHere(BusAddresses.DOMAINS_ONLY), u.domainsOnly(), SHARED);
    }

    /** The next cursor's stamp (its log and index are in the update's messages already: {@link EncodedUpdate#stamp}). */
    private long nextStamp(long now) {
        // Strictly increasing even if the clock steps back or more than 65536 messages share a millisecond.
        lastStamp = Math.max(Cursor.stamp(now, 0), lastStamp + 1);
        return lastStamp;
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

    /** How many updates were published (each on every stream address) since this publisher was made. */
    public long published() {
        return published.get();
    }
}
