package io.certstream.hub.it;

import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.LogListDocument;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.certstream.hub.metrics.FaultKind;

/**
 * A read-only log whose list entry names its final tree head (size 10; the log itself has grown to 16): once the
 * hub has read the 10 entries it checks the final root hash against the log's own tree (an RFC 6962 log's
 * consistency proof from 10 to its head, a tiled log's hash tiles). The real root verifies; a list that names
 * another root raises a {@code final_tree_head} integrity event.
 */
class FinalTreeHeadTest {
    private static final int FINAL = 10;

    @TempDir
    Path dir;
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @ParameterizedTest
    @CsvSource({"rfc6962, true", "rfc6962, false", "tiled, true", "tiled, false"})
    void theFinalRootHashIsCheckedOnceTheHubReachesIt(String kind, boolean honest) throws Exception {
        vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(FINAL + 6).withEntriesPerSecond(0)));
        boolean tiled = kind.equals("tiled");
        JsonObject list = tiled ? LogListDocument.forLogs(List.of(), List.of(log)) : LogListDocument.forLogs(List.of(log));
        byte[] root = honest ? log.rootHash(FINAL) : new byte[32];
        list.getJsonArray("operators").getJsonObject(0).getJsonArray(tiled ? "tiled_logs" : "logs").getJsonObject(0)
                .put("state", new JsonObject().put("readonly", new JsonObject().put("timestamp", "2026-01-01T00:00:00Z")
                        .put("final_tree_head", new JsonObject()
                                .put("sha256_root_hash", Base64.getEncoder().encodeToString(root)).put("tree_size", FINAL))));
        Path listFile = dir.resolve("log_list.json");
        Files.writeString(listFile, list.encode());
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>localConsumer(BusAddresses.INTEGRITY, m -> events.add(m.body()));

        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", listFile.toString()))
                .put("watcher", new JsonObject().put("start", 0))));
        String url = tiled ? log.tiledUrl() : log.url();
        LogMetrics metrics = hub.awaitWatcher(url, Duration.ofSeconds(30));
        waitFor(Duration.ofSeconds(30), () -> "the read-only log to be complete: " + metrics.toJson(), metrics::isComplete);
        assertEquals(FINAL, metrics.nextIndex());
        if (honest) {
            assertEquals(1, metrics.checks("final_tree_head_verified"), metrics.toJson().encodePrettily());
            assertEquals(List.of(), events, "no integrity event for the true root");
        } else {
            waitFor(Duration.ofSeconds(10), "a final_tree_head integrity event", () -> !events.isEmpty());
            JsonObject event = events.get(0);
            assertEquals("final_tree_head", event.getString("type"), event.encode());
            assertEquals(FINAL, event.getLong("tree_size"));
            assertEquals(url, event.getJsonObject("log").getString("url"));
            assertEquals(0, metrics.checks("final_tree_head_verified"));
            assertTrue(metrics.errors(FaultKind.INTEGRITY_TREE_HEAD) >= 1, metrics.toJson().encodePrettily());
        }
    }
}
