package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Fingerprints;
import io.certstream.hub.testing.RunningHub;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.testing.Async;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through the tiled path: the simulated log's static-ct-api view, discovered under {@code tiled_logs}
 * in its log list, followed by the hub from the tree head across a tile boundary, read by real websocket clients;
 * and resumed across a restart of the hub from the position it saved.
 */
class TiledHubStreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int INITIAL = 250;
    private static final int ISSUED = 40; // 250..289: the end of tile 0, then tile 1

    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void websocketClientsReceiveWhatTheTiledViewServes() throws Exception {
        vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(INITIAL).withEntriesPerSecond(0).withPrecertRatio(0.5).withSeed(42)));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", log.tiledLogListUrl()))
                .put("watcher", new JsonObject().put("start", "head"))));
        awaitWatcherAt(hub, log.tiledUrl(), INITIAL);

        StreamRecorder full = await(StreamRecorder.connect(vertx, hub.port(), "/full-stream"));
        StreamRecorder lite = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        StreamRecorder domains = await(StreamRecorder.connect(vertx, hub.port(), "/domains-only"));
        await(log.append(ISSUED));

        List<JsonObject> fullUpdates = full.await(m -> count(m, "certificate_update") >= ISSUED, WAIT);
        lite.await(m -> count(m, "certificate_update") >= ISSUED, WAIT);
        domains.await(m -> count(m, "dns_entries") >= ISSUED, WAIT);
        Thread.sleep(300); // long enough for a duplicate to show up if there were one
        fullUpdates = full.messages("certificate_update");
        List<JsonObject> liteUpdates = lite.messages("certificate_update");
        List<JsonObject> domainLists = domains.messages("dns_entries");
        assertEquals(ISSUED, fullUpdates.size());
        assertEquals(ISSUED, liteUpdates.size());
        assertEquals(ISSUED, domainLists.size());

        for (int i = 0; i < ISSUED; i++) {
            IssuedEntry issued = log.entry(INITIAL + i);
            String where = "entry " + issued.index();
            JsonObject data = fullUpdates.get(i).getJsonObject("data");
            assertEquals(issued.index(), data.getLong("cert_index"), where);
            assertEquals(issued.type().name(), data.getString("update_type"), where);
            assertEquals(log.tiledUrl(), data.getJsonObject("source").getString("url"), where);
            assertEquals("tiled", data.getJsonObject("source").getString("type"), where);
            assertEquals(issued.timestamp() / 1000.0, data.getJsonObject("source").getDouble("timestamp"), 0.0011, where);
            String tile = log.tiledUrl() + "/tile/data/00" + (issued.index() / 256);
            assertTrue(data.getString("cert_link").equals(tile) || data.getString("cert_link").startsWith(tile + ".p/"),
                    where + ": " + data.getString("cert_link"));

            JsonObject leaf = data.getJsonObject("leaf_cert");
            assertEquals(new JsonArray(issued.domains()), leaf.getJsonArray("all_domains"), where);
            assertEquals(Base64.getEncoder().encodeToString(issued.leafDer()), leaf.getString("as_der"), where);
            assertEquals(Fingerprints.colonHex("SHA-256", issued.leafDer()), leaf.getString("sha256"), where);
            JsonArray chain = data.getJsonArray("chain");
            assertEquals(issued.chainDer().size(), chain.size(), where);
            for (int c = 0; c < chain.size(); c++) {
                assertEquals(Fingerprints.colonHex("SHA-256", issued.chainDer().get(c)),
                        chain.getJsonObject(c).getString("sha256"), where + " chain[" + c + "]");
            }

            JsonObject liteData = liteUpdates.get(i).getJsonObject("data");
            assertEquals(issued.index(), liteData.getLong("cert_index"), where);
            assertFalse(liteData.containsKey("chain"), where);
            assertEquals(new JsonArray(issued.domains()), domainLists.get(i).getJsonArray("data"), where);
        }
        LogMetrics metrics = hub.metrics().logs().get(log.tiledUrl());
        assertEquals("tiled", metrics.toJson().getString("kind"));
        assertEquals(new JsonObject(), metrics.toJson().getJsonObject("errors"));
    }

    @Test
    void aTiledLogResumesFromItsSavedPositionAfterARestartWithNoGap() throws Exception {
        vertx = Vertx.vertx();
        List<Long> run1 = new CopyOnWriteArrayList<>();
        List<Long> run2 = new CopyOnWriteArrayList<>();
        AtomicReference<List<Long>> current = new AtomicReference<>(run1);
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> current.get().add(m.body().certIndex()));
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(200).withEntriesPerSecond(50).withSeed(7)));
        JsonObject config = new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", log.tiledLogListUrl()))
                .put("watcher", new JsonObject().put("start", 0).put("positionSaveSeconds", 1))
                .put("stateDir", Files.createTempDirectory("certstream-tiled-restart").toString());

        RunningHub first = await(RunningHub.start(vertx, config));
        Async.waitFor(WAIT, "the first run past tile 1", () -> run1.size() >= 300);
        await(first.stop());
        long sizeAtStop = log.size();
        Thread.sleep(1500); // the log grows while no hub watches it
        current.set(run2);
        await(RunningHub.start(vertx, config));
        long target = log.size() + 50;
        Async.waitFor(WAIT, () -> "the second run to reach index " + target + ", got " + run2.size() + " entries",
                () -> !run2.isEmpty() && run2.get(run2.size() - 1) >= target);

        assertEquals(0L, run1.get(0), "the first run starts at watcher.start=0");
        assertTrue(run2.get(0) <= sizeAtStop, "the entries issued while no hub watched were read, not skipped: the second"
                + " run began at " + run2.get(0) + ", the log had " + sizeAtStop + " at the stop and " + log.size() + " now");
        assertEquals(run1.get(run1.size() - 1) + 1, run2.get(0), "after a clean stop the second run starts right"
                + " after the last entry of the first, not at watcher.start=0 and not at the tree head");
        List<Long> union = new ArrayList<>(run1);
        union.addAll(run2);
        assertEquals(LongStream.rangeClosed(0, union.get(union.size() - 1)).boxed().toList(), union,
                "every index from 0 once, in order, across both runs");
    }

    private static void awaitWatcherAt(RunningHub hub, String url, long index) throws InterruptedException {
        Async.waitFor(WAIT, "the watcher of " + url + " to reach index " + index,
                () -> hub.metrics().logs().get(url) != null && hub.metrics().logs().get(url).nextIndex() == index);
    }

    private static long count(List<JsonObject> messages, String type) {
        return messages.stream().filter(m -> type.equals(m.getString("message_type"))).count();
    }
}
