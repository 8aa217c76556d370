package io.certstream.hub.cluster;

import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.publish.Forwarded;
import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.ReplayBuffer;
import io.certstream.hub.publish.UpdatePublisher;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.model.LogSource;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two cluster nodes' publishers, each in its own Vert.x, exchanging batches through the cluster bus's real encoding
 * with a delay on the way (as a loaded network would): node x publishes log A, node y publishes log B, which carries
 * the same certificates (from a simulated log) in another order. Each node gets its own batches at once and the
 * other's 40 ms later, so the arrival orders differ; both must deliver one order, the cursor order, and agree on
 * which copy of each certificate is the duplicate.
 */
class ClusterOrderAcrossNodesTest {
    private static final LogSource LOG_A = new LogSource("A", "https://a.ct.example", null, LogSource.RFC6962);
    private static final LogSource LOG_B = new LogSource("B", "https://b.ct.example", null, LogSource.RFC6962);
    private static final int DELAY_MILLIS = 150;
    private static final int BUS_MILLIS = 40;
    private final List<Vertx> vertxes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Vertx v : vertxes) {
            v.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void twoNodesDeliverTheSameOrderAndTheSameDuplicates() throws Exception {
        Vertx simVertx = Vertx.vertx();
        vertxes.add(simVertx);
        SimulatedCtLog sim = SimulatedCtLog.start(simVertx, SimulatedLogOptions.defaults().withSeed(5).withInitialSize(30)
                .withEntriesPerSecond(0)).toCompletionStage().toCompletableFuture().get();
        List<RawEntry> raw = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            raw.add(sim.entry(i).raw());
        }
        LogEntryDecoder decoder = new LogEntryDecoder();
        List<EncodedUpdate> onA = new ArrayList<>();
        List<EncodedUpdate> onB = new ArrayList<>();
        for (RawEntry e : raw) {
            onA.add(EncodedUpdate.of(decoder.decode(e, LOG_A, "link", System.currentTimeMillis())));
        }
        List<RawEntry> shuffled = new ArrayList<>(raw);
        Collections.reverse(shuffled);
        for (int i = 0; i < shuffled.size(); i++) {
            RawEntry e = shuffled.get(i);
            onB.add(EncodedUpdate.of(decoder.decode(new RawEntry(i, e.leafInput(), e.extraData()), LOG_B, "link",
                    System.currentTimeMillis())));
        }

        Node x = new Node(BUS_MILLIS);
        Node y = new Node(BUS_MILLIS);
        x.connect(y);
        y.connect(x);
        // Interleaved publications, a few milliseconds apart: each node sees its own first.
        for (int i = 0; i < 30; i += 3) {
            x.publisher.publish(onA.subList(i, i + 3));
            Thread.sleep(5);
            y.publisher.publish(onB.subList(i, i + 3));
            Thread.sleep(5);
        }
        for (Node n : List.of(x, y)) {
            Async.waitFor(Duration.ofSeconds(10), "60 certificates delivered", () -> n.delivered.size() >= 60);
        }
        Thread.sleep(DELAY_MILLIS + 100);
        assertEquals(60, x.delivered.size());
        List<String> orderX = x.delivered.stream().map(p -> p.cursorText() + (p.duplicate() ? " duplicate" : "")).toList();
        List<String> orderY = y.delivered.stream().map(p -> p.cursorText() + (p.duplicate() ? " duplicate" : "")).toList();
        assertEquals(orderX, orderY, "both nodes deliver the same order and the same verdicts");
        for (int i = 1; i < x.delivered.size(); i++) {
            Cursor before = x.delivered.get(i - 1).cursor();
            assertTrue(before.compareTo(x.delivered.get(i).cursor()) < 0, "cursor order at " + i);
        }
        assertEquals(30, x.delivered.stream().filter(p -> !p.duplicate()).count(), "each certificate once without duplicates");
        // Same order in the replay buffer: a cursor of one node resumes on the other.
        Cursor from = x.delivered.get(19).cursor();
        assertEquals(y.delivered.subList(20, 60).stream().map(Published::cursorText).toList(),
                x.publisher.replay().after(from, 100).entries().stream().map(Published::cursorText).toList());
        assertEquals(0, x.publisher.lateMessages() + y.publisher.lateMessages(), "nothing late");
    }

    @Test
    void aLateArrivalIsDeliveredAndKeptForResumes() throws Exception {
        Vertx simVertx = Vertx.vertx();
        vertxes.add(simVertx);
        SimulatedCtLog sim = SimulatedCtLog.start(simVertx, SimulatedLogOptions.defaults().withSeed(6).withInitialSize(10)
                .withEntriesPerSecond(0)).toCompletionStage().toCompletableFuture().get();
        LogEntryDecoder decoder = new LogEntryDecoder();
        List<EncodedUpdate> onA = new ArrayList<>();
        List<EncodedUpdate> onB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            onA.add(EncodedUpdate.of(decoder.decode(sim.entry(i).raw(), LOG_A, "link", System.currentTimeMillis())));
            onB.add(EncodedUpdate.of(decoder.decode(sim.entry(5 + i).raw(), LOG_B, "link", System.currentTimeMillis())));
        }
        // A bus slower than the order delay: y's certificates, stamped first, reach x after x's own have left.
        Node x = new Node(DELAY_MILLIS + 350);
        Node y = new Node(DELAY_MILLIS + 350);
        x.connect(y);
        y.connect(x);
        y.publisher.publish(onB);
        Thread.sleep(20);
        x.publisher.publish(onA);
        Async.waitFor(Duration.ofSeconds(10), "10 certificates delivered on x", () -> x.delivered.size() >= 10);
        assertEquals(5, x.publisher.lateMessages(), "y's five arrived late on x");
        List<String> deliveredX = x.delivered.stream().map(Published::cursorText).toList();
        assertTrue(x.delivered.get(9).cursor().compareTo(x.delivered.get(0).cursor()) < 0, "out of cursor order: " + deliveredX);

        // A client that saw only x's first certificate and resumes there gets all the rest, the late ones included, once.
        assertEquals(deliveredX.subList(1, 10), x.publisher.replay().after(x.delivered.get(0).cursor(), 100).entries()
                .stream().map(Published::cursorText).toList());
    }

    /** One node: its publisher in cluster mode, what reached its web front, and the way to the other node. */
    private final class Node {
        final Vertx vertx = Vertx.vertx();
        final UpdatePublisher publisher;
        final List<Published> delivered = new CopyOnWriteArrayList<>();
        Node other;

        /** @param busMillis how long a batch takes to reach the other node */
        Node(int busMillis) {
            vertxes.add(vertx);
            UpdatePublisher.registerCodec(vertx);
            publisher = new UpdatePublisher(vertx, new HubMetrics(), null, new ReplayBuffer(600_000, 1L << 30), 15, 100_000);
            vertx.eventBus().<Published>localConsumer(UpdatePublisher.PUBLISHED, m -> delivered.add(m.body()));
            Consumer<List<Forwarded>> toOther = batch -> {
                Buffer wire = ClusterBus.encode(batch);
                // Asynchronously, as the bus does, and late enough that the other node has published meanwhile.
                other.vertx.setTimer(busMillis, t -> other.publisher.publishForwarded(ClusterBus.decode(wire)));
            };
            publisher.clusterMode(vertx, DELAY_MILLIS, toOther, p -> { });
        }

        void connect(Node to) {
            other = to;
        }
    }
}
