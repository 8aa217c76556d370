package io.certstream.hub.stream;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.certstream.model.CertificateUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Puts decoded certificates on the event bus: the object for in-JVM plugins, the serialized text per channel. */
public final class UpdatePublisher {
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

    /** Lets the immutable update travel the local bus by reference: no copy per consumer. Idempotent per Vert.x. */
    public static void registerCodec(Vertx vertx) {
        try {
            vertx.eventBus().registerDefaultCodec(CertificateUpdate.class, new LocalCodec<>("certstream-update"));
        } catch (IllegalStateException alreadyRegistered) {
            // a hub restarted in the same Vert.x (tests, embedding applications): the codec is the same
        }
    }

    public void publish(List<EncodedUpdate> updates) {
        for (EncodedUpdate u : updates) {
            // Counted before it is on the bus, so a consumer never sees a message the count does not include.
            published.incrementAndGet();
            bus.publish(BusAddresses.UPDATES, u.update());
            bus.publish(BusAddresses.FULL, u.full());
            bus.publish(BusAddresses.LITE, u.lite());
            bus.publish(BusAddresses.DOMAINS_ONLY, u.domainsOnly());
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
