package io.certstream.hub.it;

import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RawWebSocket;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One websocket client that reads nothing and one that reads everything, on the full stream during a fast
 * catch-up: the fast one gets every certificate, the hub's heap does not grow with what the stalled one missed,
 * and the stalled one is closed with code 1013 and a reason.
 */
@Tag("own-jvm") // measures the heap of its JVM: run alone (hub/pom.xml)
class SlowClientsTest {
    /** Per log; the hub watches the same simulated log under two URLs, so it streams twice this many. */
    private static final int ENTRIES = Integer.getInteger("slowclients.entries", 3000);
    private Vertx vertx;
    private RawWebSocket stalled;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (stalled != null) {
            stalled.close();
        }
        await(vertx.close());
    }

    @Test
    void stalledClientIsDroppedAndClosedWhileTheFastOneGetsEverythingInBoundedHeap() throws Exception {
        long t0 = System.nanoTime();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0).withBatchCap(256)));
        System.out.printf("slow clients: %d entries issued in %d ms%n", ENTRIES, (System.nanoTime() - t0) / 1_000_000);
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0)); // hold the stream until both clients listen
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                // The default 4 MB queue holds a burst of two batches of 128 full-stream messages (about 8 KB each).
                // slowClientSeconds: the stalled client must still be connected, its queue full, when the heap is
                // measured. A client is found too slow when a message for it finds its queue full: heartbeats keep
                // messages coming after the catch-up. No replay buffer: it keeps what was published on purpose
                // (server.replayMaxMegabytes), and this test measures that nothing else is kept.
                .put("server", new JsonObject().put("instances", 1).put("slowClientSeconds", 20).put("heartbeatSeconds", 1)
                        .put("replayMinutes", 0))
                // Two URLs of the same log: twice the traffic for the same minting time.
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0))
                        .add(new JsonObject().put("url", log.url().replace("127.0.0.1", "localhost")).put("start", 0)))
                .put("watcher", new JsonObject().put("batchSize", 128).put("maxBackoffSeconds", 1))));

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long baseline = heapAfterGc(memory);

        // Completes the handshake, then never reads: with a 4 KB receive buffer its TCP window closes at once.
        stalled = RawWebSocket.connect(hub.port(), "/full-stream", 4096);
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicLong bytes = new AtomicLong();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(16 << 20));
        WebSocket fast = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
                .setURI("/full-stream")));
        fast.textMessageHandler(text -> {
            bytes.addAndGet(text.length());
            JsonObject m = new JsonObject(text);
            if ("certificate_update".equals(m.getString("message_type"))) {
                JsonObject data = m.getJsonObject("data");
                received.add(data.getJsonObject("source").getString("url") + "#" + data.getLong("cert_index"));
            }
        });
        // Release the stream, paced: every reply 250 ms late, so each log delivers at most two batches of 128 (the
        // one asked for and the one fetched ahead) per 250 ms. Unpaced, the hub (decoding on all cores) publishes
        // faster than this test's client parses JSON, which rightly drops messages to it too, and deliveries wait on
        // the web verticle's event loop (bounded by server.maxPendingMessages, but that bound is far above the
        // 4 MB client queue this test is about). Paced, the fast client keeps up with ease while the stalled one
        // still falls 40+ MB behind.
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SLOW, 1.0).withSlowMillis(250));

        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (received.size() < 2 * ENTRIES) {
            assertTrue(System.nanoTime() < deadline, "the fast client got only " + received.size() + " of " + 2 * ENTRIES);
            Thread.sleep(100);
        }
        // Measured once everything is delivered: in flight, a loaded machine holds deliveries on the event loop
        // (bounded by server.maxPendingMessages), which says nothing about the stalled client. Now only its queue
        // is left, and it is still connected.
        Thread.sleep(500);
        long settled = heapAfterGc(memory);
        JsonObject endpoint = hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("full-stream");
        System.out.printf("slow clients: fast client got %d messages, %d MB; heap after GC %d MB at start, %d MB after; %s%n",
                received.size(), bytes.get() >> 20, baseline >> 20, settled >> 20, endpoint);
        assertEquals(2, endpoint.getLong("clients"), "the stalled client is still connected: " + endpoint);

        assertEquals(2 * ENTRIES, received.size(), "the fast client got every certificate of both logs");
        assertTrue(endpoint.getLong("dropped_messages") > 0, "messages to the stalled client were dropped: " + endpoint);
        long growth = settled - baseline;
        assertTrue(bytes.get() > 40 << 20, "enough traffic to tell a bounded queue from an unbounded one: " + bytes.get());
        // A bounded queue holds at most server.clientQueueBytes (4 MB) for the stalled client. An unbounded queue
        // would keep most of the 40+ MB streamed.
        assertTrue(growth < 24 << 20, "the heap grew by " + (growth >> 20) + " MB while " + (bytes.get() >> 20)
                + " MB were streamed: what the stalled client missed must not pile up");

        deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("full-stream").getLong("disconnected_slow") < 1) {
            assertTrue(System.nanoTime() < deadline, "the stalled client was not disconnected");
            Thread.sleep(50);
        }
        RawWebSocket.Frame close = stalled.readUntilClose();
        assertTrue(close != null, "the stalled client got a close frame once it read again");
        assertEquals(1013, close.closeCode(), "close code 1013 (try again later)");
        assertTrue(close.closeReason().contains("too slow"), close.closeReason());
        assertEquals(1, hub.metrics().clients("full-stream"), "only the fast client is left");
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

}
