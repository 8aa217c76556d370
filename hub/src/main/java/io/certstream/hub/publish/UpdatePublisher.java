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

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Puts decoded certificates on the event bus: the object for in-JVM plugins, the serialized text per channel. */
public final class UpdatePublisher implements UpdateSink {
    /**
     * Vert.x copies a {@code Buffer} body for every local consumer (its default codec assumes consumers may write to
     * it); the stream texts are never written after serialization, so every consumer gets the same bytes.
     */
    private static final String SHARED_BUFFER_CODEC = "certstream-shared-buffer";
    /**
     * Local only: in a cluster every node has its own web verticles and plugins, and the texts reach other nodes once
     * per node through {@code cluster.ClusterBus}, never per consumer. Costs nothing on a single hub.
     */
    private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(SHARED_BUFFER_CODEC).setLocalOnly(true);
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
    private final EventBus bus;
    private final HubMetrics metrics;
    /** Where each update goes next (the bridge channels), after the stream addresses; may be null. */
    private final UpdateSink next;
    /** A cluster node: plugins get their own copy of the texts decoded here (see {@link #decodedHere}). */
    private final boolean clustered;
    /** Updates published so far; each web verticle compares it with what it has taken off the bus ({@link DeliveryLag}). */
    private final AtomicLong published = new AtomicLong();

    public UpdatePublisher(Vertx vertx, HubMetrics metrics) {
        this(vertx, metrics, null);
    }

    /** @param next also gets every update, after it is on the stream addresses (the bridge channels); may be null */
    public UpdatePublisher(Vertx vertx, HubMetrics metrics, UpdateSink next) {
        this.bus = vertx.eventBus();
        this.metrics = metrics;
        this.next = next;
        this.clustered = vertx.isClustered();
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
    }

    @Override
    public void publish(List<EncodedUpdate> updates) {
        for (EncodedUpdate u : updates) {
            // Counted before it is on the bus, so a consumer never sees a message the count does not include.
            published.incrementAndGet();
            bus.publish(BusAddresses.UPDATES, u.update(), LOCAL);
            bus.publish(BusAddresses.FULL, u.full(), SHARED);
            bus.publish(BusAddresses.LITE, u.lite(), SHARED);
            bus.publish(BusAddresses.DOMAINS_ONLY, u.domainsOnly(), SHARED);
            if (clustered) {
                bus.publish(decodedHere(BusAddresses.FULL), u.full(), SHARED);
                bus.publish(decodedHere(BusAddresses.LITE), u.lite(), SHARED);
                bus.publish(decodedHere(BusAddresses.DOMAINS_ONLY), u.domainsOnly(), SHARED);
            }
        }
        if (next != null) {
            next.publish(updates);
        }
        metrics.published(updates.size());
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

    /**
     * Certificates decoded on another cluster node: their texts go to this node's websocket clients. The objects for
     * plugins stay on the node that decoded them (its plugins handle them, once per cluster).
     */
    public void publishForwarded(Buffer full, Buffer lite, Buffer domainsOnly) {
        published.incrementAndGet();
        bus.publish(BusAddresses.FULL, full, SHARED);
        bus.publish(BusAddresses.LITE, lite, SHARED);
        bus.publish(BusAddresses.DOMAINS_ONLY, domainsOnly, SHARED);
    }

    /** Counts {@code count} certificates that arrived from another cluster node (certificates/s in /stats). */
    public void countForwarded(int count) {
        metrics.published(count);
    }

    /** How many updates were published (each on every stream address) since this publisher was made. */
    public long published() {
        return published.get();
    }
}
