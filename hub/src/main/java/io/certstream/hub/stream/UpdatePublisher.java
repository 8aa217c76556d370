package io.certstream.hub.stream;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.certstream.model.CertificateUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Puts decoded certificates on the event bus: the object for in-JVM plugins, the serialized text per channel. */
public final class UpdatePublisher {
    /**
     * Vert.x copies a {@code Buffer} body for every local consumer (its default codec assumes consumers may write to
     * it); the stream texts are never written after serialization, so every consumer gets the same bytes.
     */
    private static final String SHARED_BUFFER_CODEC = "certstream-shared-buffer";
    private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(SHARED_BUFFER_CODEC);
    private final EventBus bus;
    private final HubMetrics metrics;
    private final BridgeChannels bridgeChannels;
    /** Updates published so far; each web verticle compares it with what it has taken off the bus ({@link Backlog}). */
    private final AtomicLong published = new AtomicLong();

    public UpdatePublisher(Vertx vertx, HubMetrics metrics) {
        this(vertx, metrics, null);
    }

    /** @param bridgeChannels also publishes on the bridge channel addresses that bridge clients follow; may be null */
    public UpdatePublisher(Vertx vertx, HubMetrics metrics, BridgeChannels bridgeChannels) {
        this.bus = vertx.eventBus();
        this.metrics = metrics;
        this.bridgeChannels = bridgeChannels;
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

    public void publish(List<EncodedUpdate> updates) {
        for (EncodedUpdate u : updates) {
            // Counted before it is on the bus, so a consumer never sees a message the count does not include.
            published.incrementAndGet();
            bus.publish(BusAddresses.UPDATES, u.update());
            bus.publish(BusAddresses.FULL, u.full(), SHARED);
            bus.publish(BusAddresses.LITE, u.lite(), SHARED);
            bus.publish(BusAddresses.DOMAINS_ONLY, u.domainsOnly(), SHARED);
            if (bridgeChannels != null) {
                bridgeChannels.publish(u);
            }
        }
        metrics.published(updates.size());
    }

    /** How many updates were published (each on every stream address) since this publisher was made. */
    public long published() {
        return published.get();
    }

    /** A codec for immutable objects that never leave the JVM. */
    static final class LocalCodec<T> implements MessageCodec<T, T> {
        private final String name;

        LocalCodec(String name) {
            this.name = name;
        }

        @Override
        public void encodeToWire(io.vertx.core.buffer.Buffer buffer, T t) {
            throw new UnsupportedOperationException(name + " messages are local to the hub's JVM");
        }

        @Override
        public T decodeFromWire(int pos, io.vertx.core.buffer.Buffer buffer) {
            throw new UnsupportedOperationException(name + " messages are local to the hub's JVM");
        }

        @Override
        public T transform(T t) {
            return t;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
