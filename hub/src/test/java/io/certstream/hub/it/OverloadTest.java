package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.bridge.SockJsBridge;
import io.certstream.hub.wire.WireFormat;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hub whose web verticle cannot keep up: the test blocks that verticle's event loop (the deterministic stand-in
 * for too many clients on too few cores) while the watcher publishes, then lets it go. Beyond
 * {@code server.maxPendingMessages} the oldest updates are shed unwritten and counted as {@code dropped_overload}, on
 * the websockets and the SockJS bridge alike, while heartbeats still go out; within it, nothing is lost.
 */
class OverloadTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int INITIAL = 1;
    /** A whole stream as the SockJS bridge offers it: the public address and the channel address. */
    private static final List<String> BRIDGE_ADDRESSES = List.of(BusAddresses.LITE, "certstream.lite.all");
    /** The timestamp of the heartbeat the test publishes amid shed updates. */
    private static final long MARK = 42;

    private Vertx vertx;
    private SimulatedCtLog log;
    private RunningHub hub;
    private final List<Context> webLoops = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions()
                // Contexts take event loops in turn: with this many, the watcher and the simulated log never share
                // the loop the test blocks.
                .setEventLoopPoolSize(32)
                // The loop is blocked on purpose for a few seconds; no blocked-thread warnings for that.
                .setMaxEventLoopExecuteTime(2).setMaxEventLoopExecuteTimeUnit(TimeUnit.MINUTES));
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(INITIAL).withEntriesPerSecond(0).withBatchCap(256).withSeed(11)));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        await(vertx.close());
    }

    @Test
    void aWebLoopFarBehindShedsTheOldestUpdatesCountsThemAndRecovers() throws Exception {
        int bound = 100;
        int half = 200;
        int published = 2 * half;
        startHub(new JsonObject().put("maxPendingMessages", bound));
        StreamRecorder client = connectLite();
        BridgeRecorder bridge = await(BridgeRecorder.connect(vertx, hub.port()));
        for (String address : BRIDGE_ADDRESSES) {
            await(bridge.register(address));
        }
        await(bridge.register(BusAddresses.HEARTBEAT));
        bridge.sync(WAIT);

        blockTheWebLoop();
        publish(half);
        // Amid updates that will be shed: a heartbeat must still reach every client.
        vertx.eventBus().publish(BusAddresses.HEARTBEAT, WireFormat.heartbeat(MARK));
        publish(half);
        release.countDown();

        long dropped = awaitAccounted(client, published);
        List<Long> indexes = certIndexes(client);
        assertTrue(dropped > 0, "updates beyond the bound were shed and counted");
        assertEquals(published, indexes.size() + dropped, "each update was either received or counted as dropped");
        assertTrue(indexes.size() <= bound + 1, "at most the bound (and the update at hand) was delivered late: "
                + indexes.size());
        assertIncreasing(indexes);
        assertEquals(INITIAL + published - 1, indexes.get(indexes.size() - 1), "the newest update got through");
        assertTrue(client.messages("heartbeat").stream().anyMatch(m -> m.getLong("timestamp") == MARK),
                "the heartbeat published amid shed updates reached the websocket client");
        JsonObject lite = hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("lite");
        assertEquals(0, lite.getLong("dropped_messages"), "the client itself kept up: " + lite);
        assertEquals(dropped, lite.getLong("dropped_overload"), "/stats shows the overload drops: " + lite);
        String metrics = await(WebClient.create(vertx).get(hub.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
        assertEquals(dropped, MetricsAndHealthTest.value(metrics,
                "certstream_endpoint_dropped_overload_total\\{endpoint=\"lite\"}"), "Prometheus counts them too");

        // The SockJS bridge's deliveries wait on the same loop and are shed with the verticle's own.
        bridge.await(b -> bridgeReceived(b) + hub.metrics().droppedOverload(SockJsBridge.STATS_LABEL)
                >= (long) BRIDGE_ADDRESSES.size() * published, WAIT);
        long bridgeDropped = hub.metrics().droppedOverload(SockJsBridge.STATS_LABEL);
        assertTrue(bridgeDropped > 0, "bridge deliveries were shed too");
        assertEquals((long) BRIDGE_ADDRESSES.size() * published, bridgeReceived(bridge) + bridgeDropped,
                "each bridge delivery was either received or counted as dropped");
        for (String address : BRIDGE_ADDRESSES) {
            List<Long> bridged = bridge.bodies(address).stream()
                    .map(b -> ((JsonObject) b).getJsonObject("data").getLong("cert_index")).toList();
            assertIncreasing(bridged);
            assertEquals(INITIAL + published - 1, bridged.get(bridged.size() - 1), "newest update on " + address);
        }
        assertTrue(bridge.bodies(BusAddresses.HEARTBEAT).stream()
                        .anyMatch(b -> ((JsonObject) b).getLong("timestamp") == MARK),
                "the heartbeat reached the bridge client");
        assertEquals(0, hub.metrics().dropped(SockJsBridge.STATS_LABEL), "the bridge client itself kept up");

        // Once caught up the hub is healthy again: what follows arrives whole.
        await(log.append(20));
        long total = published + 20;
        awaitAccounted(client, total);
        assertEquals(total, certIndexes(client).size() + hub.metrics().droppedOverload("lite"));
        assertEquals(dropped, hub.metrics().droppedOverload("lite"), "nothing more was shed once caught up");
        assertIncreasing(certIndexes(client));
    }

    @Test
    void aBacklogWithinTheDefaultBoundIsDeliveredWhole() throws Exception {
        int published = 300;
        startHub(new JsonObject());
        assertTrue(published < hub.config().server().maxPendingMessages(), "the default bound is above a burst");
        StreamRecorder client = connectLite();

        blockTheWebLoop();
        publish(published);
        release.countDown();

        client.await(m -> certIndexes(client).size() >= published, WAIT);
        List<Long> indexes = certIndexes(client);
        assertEquals(published, indexes.size());
        assertIncreasing(indexes);
        assertEquals(0, hub.metrics().droppedOverload("lite"), "nothing was shed");
        assertEquals(0, hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("lite")
                .getLong("dropped_overload"));
    }

    private void startHub(JsonObject server) throws Exception {
        hub = await(RunningHub.start(vertx, new JsonObject()
                        .put("server", server.copy().put("instances", 1))
                        .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head")))
                        .put("watcher", new JsonObject().put("batchSize", 256)),
                router -> webLoops.add(Vertx.currentContext())));
        assertEquals(1, webLoops.size(), "one web verticle");
        Async.waitFor(WAIT, "the watcher to reach the log's head",
                () -> !hub.metrics().logs().isEmpty() && hub.metrics().logs().values().iterator().next().nextIndex() == INITIAL);
    }

    private StreamRecorder connectLite() throws Exception {
        StreamRecorder client = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        Async.waitFor(WAIT, "the hub to register the client", () -> hub.metrics().clients("lite") >= 1);
        return client;
    }

    /** Blocks the web verticle's event loop until {@link #release}: its deliveries queue up behind the test's task. */
    private void blockTheWebLoop() throws InterruptedException {
        CountDownLatch blocked = new CountDownLatch(1);
        webLoops.get(0).runOnContext(v -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the web loop ran the blocking task");
    }

    /** Has the log issue {@code count} entries and waits until the watcher published them all. */
    private void publish(int count) throws Exception {
        long before = hub.metrics().published();
        await(log.append(count));
        Async.waitFor(WAIT, () -> "only " + (hub.metrics().published() - before) + " of " + count
                + " updates were published while the web loop was blocked", () -> hub.metrics().published() >= before + count);
    }

    private static long bridgeReceived(BridgeRecorder bridge) {
        return BRIDGE_ADDRESSES.stream().mapToLong(a -> bridge.bodies(a).size()).sum();
    }

    /** Waits until every update published so far was received or counted as dropped; returns the drops. */
    private long awaitAccounted(StreamRecorder client, long total) throws InterruptedException {
        client.await(m -> certIndexes(client).size() + hub.metrics().droppedOverload("lite") >= total, WAIT);
        return hub.metrics().droppedOverload("lite");
    }

    private static List<Long> certIndexes(StreamRecorder client) {
        return client.messages("certificate_update").stream()
                .map(m -> m.getJsonObject("data").getLong("cert_index")).toList();
    }

    private static void assertIncreasing(List<Long> indexes) {
        for (int i = 1; i < indexes.size(); i++) {
            assertTrue(indexes.get(i) > indexes.get(i - 1), "cert_index " + indexes.get(i) + " after "
                    + indexes.get(i - 1) + " at position " + i);
        }
    }
}
