package io.certstream.hub.cluster;

import io.certstream.hub.bridge.BridgeChannels;
import io.certstream.hub.ct.UpdateSink;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.publish.UpdatePublisher;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.model.UpdateType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Carries the certificates one node decodes to every other node's clients, over the Vert.x clustered event bus.
 *
 * <p>The owning node publishes each batch once, as one {@code Buffer} holding every certificate's three stream texts
 * (serialized once, on the owner), its update type and domains (for the bridge channels), on
 * {@value #ADDRESS}. Each node has one clustered consumer of that address, so the batch crosses the network once per
 * node, not once per client; the consumer republishes the texts on the node's local stream addresses, where its
 * websocket verticles and bridges take them exactly as on a single hub. The owner skips its own copy (its clients got
 * the batch locally already). Order is kept: one TCP connection per pair of nodes.
 *
 * <p>Batch layout: {@code int count}, then per certificate {@code byte type} (0 X509LogEntry, 1 PrecertLogEntry),
 * {@code int domains}, each domain as {@code int length} + UTF-8, then full, lite and domains-only texts, each as
 * {@code int length} + bytes.
 */
public final class ClusterBus implements UpdateSink {
    /** Internal address between cluster nodes (documented in README.md, not for clients). */
    public static final String ADDRESS = "certstream.cluster.updates";
    private static final Logger LOG = Logger.getLogger(ClusterBus.class.getName());
    private static final String FROM = "from";

    private final EventBus bus;
    private final DeliveryOptions options;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    public ClusterBus(Vertx vertx, ClusterNode node) {
        this.bus = vertx.eventBus();
        this.options = new DeliveryOptions().addHeader(FROM, node.processId());
    }

    @Override
    public void publish(List<EncodedUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        bus.publish(ADDRESS, encode(updates), options);
        forwarded.addAndGet(updates.size());
    }

    /**
     * Registers this node's consumer of other nodes' batches; they go to {@code local} (websockets) and
     * {@code bridge} (bridge channels) of this node.
     */
    public Future<Void> receive(ClusterNode node, UpdatePublisher local, BridgeChannels bridge, HubMetrics metrics) {
        String self = node.processId();
        MessageConsumer<Buffer> consumer = bus.consumer(ADDRESS, (Message<Buffer> m) -> {
            if (self.equals(m.headers().get(FROM))) {
                return;
            }
            try {
                int count = decode(m.body(), local, bridge);
                local.countForwarded(count);
                received.addAndGet(count);
            } catch (RuntimeException e) {
                // A node of another version: say so, keep serving what this node decodes.
                LOG.warning(() -> "Cluster: dropped a batch from another node that cannot be read (" + e
                        + "); do all nodes run the same hub version?");
            }
        });
        return consumer.completion();
    }

    /** Certificates this node sent to the other nodes (each batch once, whatever the number of nodes). */
    public long forwarded() {
        return forwarded.get();
    }

    /** Certificates this node received from the other nodes. */
    public long received() {
        return received.get();
    }

    static Buffer encode(List<EncodedUpdate> updates) {
        int size = 4;
        for (EncodedUpdate u : updates) {
            size += 1 + 4 + 12 + u.full().length() + u.lite().length() + u.domainsOnly().length();
            for (String d : u.update().leaf().allDomains()) {
                size += 4 + d.length() * 3;
            }
        }
        Buffer out = Buffer.buffer(size);
        out.appendInt(updates.size());
        for (EncodedUpdate u : updates) {
            out.appendByte((byte) (u.update().updateType() == UpdateType.PrecertLogEntry ? 1 : 0));
            List<String> domains = u.update().leaf().allDomains();
            out.appendInt(domains.size());
            for (String d : domains) {
                byte[] bytes = d.getBytes(StandardCharsets.UTF_8);
                out.appendInt(bytes.length).appendBytes(bytes);
            }
            out.appendInt(u.full().length()).appendBuffer(u.full());
            out.appendInt(u.lite().length()).appendBuffer(u.lite());
            out.appendInt(u.domainsOnly().length()).appendBuffer(u.domainsOnly());
        }
        return out;
    }

    static int decode(Buffer in, UpdatePublisher local, BridgeChannels bridge) {
        int count = in.getInt(0);
        int pos = 4;
        for (int i = 0; i < count; i++) {
            UpdateType type = in.getByte(pos) == 1 ? UpdateType.PrecertLogEntry : UpdateType.X509LogEntry;
            pos += 1;
            int domainCount = in.getInt(pos);
            pos += 4;
            List<String> domains = new ArrayList<>(domainCount);
            for (int d = 0; d < domainCount; d++) {
                int length = in.getInt(pos);
                domains.add(in.getString(pos + 4, pos + 4 + length, "UTF-8"));
                pos += 4 + length;
            }
            Buffer[] texts = new Buffer[3];
            for (int t = 0; t < 3; t++) {
                int length = in.getInt(pos);
                // A slice shares the received bytes: no copy per stream or per client.
                texts[t] = in.slice(pos + 4, pos + 4 + length);
                pos += 4 + length;
            }
            local.publishForwarded(texts[0], texts[1], texts[2]);
            bridge.publishForwarded(new EncodedUpdate(null, texts[0], texts[1], texts[2]), type, domains);
        }
        return count;
    }
}
