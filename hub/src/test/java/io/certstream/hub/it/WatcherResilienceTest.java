package io.certstream.hub.it;

import io.certstream.hub.ct.rfc6962.Rfc6962Watcher;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logs that cap batches, serve stale tree heads or cannot be reached: every entry still arrives, once, in order. */
class WatcherResilienceTest {
    private Vertx vertx;
    /** Indexes received on the bus, per log URL, in arrival order. */
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // Listening before the hub starts: not a single published entry can be missed by the test.
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received
                .computeIfAbsent(m.body().source().url(), u -> new CopyOnWriteArrayList<>())
                .add(m.body().certIndex()));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void shortRepliesAreABatchCapNotTheEndOfTheLog() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(100).withEntriesPerSecond(0).withBatchCap(7)));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("watcher", new JsonObject().put("batchSize", 50))));

        awaitCount(log.url(), 100);
        assertEquals(LongStream.range(0, 100).boxed().toList(), received.get(log.url()), "every index once, in order");
        LogMetrics metrics = hub.metrics().logs().get(log.url());
        assertEquals(7, metrics.toJson().getInteger("batch_size"), "the cap was learned");
        assertEquals(0, metrics.lag());
    }

    @Test
    void backlogBeyondTheCapIsSkippedOnPurposeAndCounted() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(100).withEntriesPerSecond(0)));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("watcher", new JsonObject().put("maxBacklog", 30))));

        awaitCount(log.url(), 30);
        assertEquals(LongStream.range(70, 100).boxed().toList(), received.get(log.url()), "only the newest 30");
        JsonObject stats = hub.metrics().logs().get(log.url()).toJson();
        assertEquals(70, stats.getLong("skipped"));
        assertEquals(0, stats.getLong("backlog"));
        assertEquals(0, stats.getLong("eta_seconds"));
    }

    @Test
    void aTreeHeadSmallerThanOneSeenIsIgnoredAndCountedWithNoEntrySkippedOrRepeated() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(100).withEntriesPerSecond(0)));
        try (LogCapture output = LogCapture.of(Rfc6962Watcher.class)) {
            RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("name", "sim")
                            .put("key", log.publicKeyBase64()).put("start", 0)))));
            awaitCount(log.url(), 100);
            LogMetrics metrics = hub.metrics().logs().get(log.url());

            // A stale cache in front of the log: a correctly signed head of 60 entries after the hub saw 100.
            log.serveStaleTreeHead(60);
            await(log.append(20));
            Async.waitFor(Duration.ofSeconds(30), "an sth_shrunk error", () -> metrics.errors(FaultKind.STH_SHRUNK) >= 2);
            assertEquals(100, metrics.treeSize(), "the larger head is kept");
            assertEquals(100, metrics.nextIndex(), "nothing re-read below the larger head");
            List<String> lines = output.matching("[sth_shrunk]");
            assertEquals(1, lines.size(), "logged once, not once per poll: " + output.lines());
            assertTrue(lines.get(0).contains(log.url()) && lines.get(0).contains("tree size 60 is smaller than the 100")
                    && lines.get(0).contains("from index 100"), lines.get(0));

            log.serveCurrentTreeHead();
            awaitCount(log.url(), 120);
            Thread.sleep(300); // room for a repeat to show up
            assertEquals(LongStream.range(0, 120).boxed().toList(), received.get(log.url()), "every index once, in order");
            assertEquals(0, metrics.errorCounts().keySet().stream().filter(k -> k.startsWith("integrity")).count(),
                    "a stale head is not an integrity failure: " + metrics.toJson());
        }
    }

    @Test
    void logUnreachableAtStartIsRetriedWhileOtherLogsKeepStreaming() throws Exception {
        SimulatedCtLog healthy = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(10).withEntriesPerSecond(0).withDescription("healthy")));
        int laterPort = RunningHub.freePort();
        String laterUrl = "http://127.0.0.1:" + laterPort;
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray()
                        .add(new JsonObject().put("url", healthy.url()).put("start", 0))
                        .add(new JsonObject().put("url", laterUrl).put("name", "late").put("start", 0)))));

        awaitCount(healthy.url(), 10);
        LogMetrics late = hub.awaitWatcher(laterUrl, Duration.ofSeconds(20));
        Async.waitFor(Duration.ofSeconds(20), "the unreachable log's failures to be counted", () -> late.errors(FaultKind.CONNECTION) > 0);
        await(healthy.append(5));
        awaitCount(healthy.url(), 15);

        SimulatedCtLog lateLog = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(30).withEntriesPerSecond(0).withBatchCap(8), laterPort));
        awaitCount(laterUrl, 30);
        assertEquals(LongStream.range(0, 30).boxed().toList(), received.get(laterUrl), "nothing skipped once it came up");
        assertEquals(LongStream.range(0, 15).boxed().toList(), received.get(healthy.url()));
        assertEquals(laterUrl, lateLog.url());
    }

    private void awaitCount(String url, int count) throws InterruptedException {
        Async.waitFor(Duration.ofSeconds(60),
                () -> "timed out waiting for " + count + " entries of " + url + ", got " + received.getOrDefault(url, List.of()).size(),
                () -> received.getOrDefault(url, List.of()).size() >= count);
        Thread.sleep(300); // long enough for a duplicate to show up if there were one
    }
}
