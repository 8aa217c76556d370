package io.certstream.hub.cluster;

import io.certstream.hub.publish.Forwarded;
import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.UpdatePublisher;
import io.certstream.hub.wire.Cursor;
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
 * node, not once per client; the consumer hands it to the node's publisher, which delivers it to its websocket
 * verticles, replay buffer and bridges in cursor order with its own certificates (publish.ClusterOrder). The owner
 * skips its own copy (it has the batch already). Order is kept: one TCP connection per pair of nodes.
 *
 * <p>Batch layout: {@code int count}, then per certificate the cursor ({@code long stamp, int log, long index}) and
 * its text, the dedup key ({@code long}: the first 64 bits of the certificate's SHA-256; each node judges duplicates
 * itself), {@code byte type} (0 X509LogEntry, 1 PrecertLogEntry), the log's name and URL, {@code int domains}, each
 * domain, then full, lite and domains-only texts; strings and texts as {@code int length} + bytes (UTF-8).
 */
public final class ClusterBus {
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

    /** Sends a batch this node published to every other node, once per node. */
    public void publish(List<Forwarded> batch) {
        if (batch.isEmpty()) {
            return;
        }
        bus.publish(ADDRESS, encode(batch), options);
        forwarded.addAndGet(batch.size());
    }

    /** Registers this node's consumer of other nodes' batches; they go to {@code local}, this node's publisher. */
    public Future<Void> receive(ClusterNode node, UpdatePublisher local) {
        String self = node.processId();
        MessageConsumer<Buffer> consumer = bus.consumer(ADDRESS, (Message<Buffer> m) -> {
            if (self.equals(m.headers().get(FROM))) {
                return;
            }
            try {
                List<Forwarded> batch = decode(m.body());
                local.publishForwarded(batch);
                received.addAndGet(batch.size());
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

    static Buffer encode(List<Forwarded> batch) {
        Buffer out = Buffer.buffer(4096 * batch.size());
        out.appendInt(batch.size());
        for (Forwarded f : batch) {
            Published p = f.published();
            out.appendLong(p.cursor().stamp()).appendInt(p.cursor().log()).appendLong(p.cursor().index());
            appendString(out, p.cursorText());
            out.appendLong(f.dedupKey());
            out.appendByte((byte) (p.facts().type() == UpdateType.PrecertLogEntry ? 1 : 0));
            appendString(out, p.facts().logName());
            appendString(out, p.facts().logUrl());
            out.appendInt(p.facts().domains().size());
            for (String d : p.facts().domains()) {
                appendString(out, d);
            }
            out.appendInt(p.full().length()).appendBuffer(p.full());
            out.appendInt(p.lite().length()).appendBuffer(p.lite());
            out.appendInt(p.domainsOnly().length()).appendBuffer(p.domainsOnly());
        }
        return out;
    }

    private static void appendString(Buffer out, String text) {
        byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        out.appendInt(bytes.length).appendBytes(bytes);
    }

    /** Reads a batch; its texts are slices of {@code in}: no copy per stream or per client. */
    static List<Forwarded> decode(Buffer in) {
        int[] pos = {0};
        int count = in.getInt(0);
        pos[0] = 4;
        List<Forwarded> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Cursor cursor = new Cursor(in.getLong(pos[0]), in.getInt(pos[0] + 8), in.getLong(pos[0] + 12));
            pos[0] += 20;
            String cursorText = readString(in, pos);
            long dedupKey = in.getLong(pos[0]);
            UpdateType type = in.getByte(pos[0] + 8) == 1 ? UpdateType.PrecertLogEntry : UpdateType.X509LogEntry;
            pos[0] += 9;
            String logName = readString(in, pos);
            String logUrl = readString(in, pos);
            int domainCount = in.getInt(pos[0]);
            pos[0] += 4;
            List<String> domains = new ArrayList<>(domainCount);
            for (int d = 0; d < domainCount; d++) {
                domains.add(readString(in, pos));
            }
            Buffer[] texts = new Buffer[3];
            for (int t = 0; t < 3; t++) {
                int length = in.getInt(pos[0]);
                texts[t] = in.slice(pos[0] + 4, pos[0] + 4 + length);
                pos[0] += 4 + length;
            }
            batch.add(new Forwarded(new Published(cursor, cursorText, false,
                    new Published.Facts(domains, type, logName, logUrl), texts[0], texts[1], texts[2]), dedupKey));
        }
        return batch;
    }

    private static String readString(Buffer in, int[] pos) {
        int length = in.getInt(pos[0]);
        String text = in.getString(pos[0] + 4, pos[0] + 4 + length, "UTF-8");
        pos[0] += 4 + length;
        return text;
    }
}
