package io.certstream.plugins.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugins.testkit.HttpReceiver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a crash the hub resumes from the last saved position, a little behind what it had delivered, and sends
 * those entries again. Here the positions file is set back as a crash leaves it (the periodic save lags behind), and
 * the replayed certificates and alerts reach the webhook receivers again with the ids they had the first time: a
 * receiver that deduplicates by item id, as the docs advise, counts each once.
 */
class WebhookReplayTest {
    private static final long WAIT_MILLIS = 90_000;
    private static final int ENTRIES = 40;
    private static final int SAVED_BEFORE_CRASH = 15;

    @TempDir
    Path dir;
    private Vertx outside;
    private SimulatedCtLog log;
    private HttpReceiver receiver;
    private Vertx hub;

    @BeforeEach
    void start() throws Exception {
        outside = Vertx.vertx();
        log = get(SimulatedCtLog.start(outside, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(16).withSeed(2026)));
        receiver = get(new HttpReceiver(outside).start());
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            get(hub.close());
        }
        get(outside.close());
    }

    private RunningHub startHub() throws Exception {
        hub = Vertx.vertx();
        JsonObject webhook = new JsonObject().put("batchSize", 5).put("batchMillis", 50)
                .put("initialBackoffMillis", 100).put("maxBackoffMillis", 500);
        return get(RunningHub.start(hub, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("stateDir", dir.resolve("state").toString())
                .put("pluginDir", dir.resolve("plugins").toString())
                .put("plugins", new JsonArray()
                        .add(new JsonObject().put("type", "keyword-alert").put("name", "brands").put("rules", Rules.JSON))
                        .add(webhook.copy().put("type", "webhook").put("name", "alerts").put("url", receiver.url("/alerts")))
                        .add(webhook.copy().put("type", "webhook").put("name", "certs").put("source", "certificates")
                                .put("url", receiver.url("/certs"))))));
    }

    /**
     * (item id, what the item is) of every item posted to {@code path}, in order, repeats included: a certificate's
     * index, or an alert's {@code <rule>#<index>}.
     */
    private List<Map.Entry<String, String>> delivered(String path) {
        List<Map.Entry<String, String>> items = new ArrayList<>();
        receiver.accepted().stream().filter(r -> r.path().equals(path)).forEach(r -> r.json().getJsonArray("items").forEach(i -> {
            JsonObject item = (JsonObject) i;
            JsonObject data = item.getJsonObject("data");
            String what = path.equals("/alerts") ? Rules.key(data) : String.valueOf(data.getJsonObject("data").getLong("cert_index"));
            items.add(Map.entry(item.getString("id"), what));
        }));
        return items;
    }

    @Test
    void replayedEntriesReachTheReceiverWithTheIdsTheyHadTheFirstTime() throws Exception {
        startHub();
        get(log.append(ENTRIES));
        Set<String> alerts = Rules.expectedAlerts(log, 0, ENTRIES);
        assertTrue(!alerts.isEmpty(), "the rules match some entries");
        await("every certificate and alert", WAIT_MILLIS, () -> delivered("/certs").size() == ENTRIES
                && delivered("/alerts").size() == alerts.size());
        get(hub.close());
        hub = null;

        // As a crash leaves it: the saved position is behind what was delivered.
        Path positions = dir.resolve("state").resolve("positions.json");
        JsonObject saved = new JsonObject(Files.readString(positions));
        assertEquals(ENTRIES, saved.getJsonObject("logs").getLong(log.url()), saved.encode());
        saved.getJsonObject("logs").put(log.url(), SAVED_BEFORE_CRASH);
        Files.writeString(positions, saved.encodePrettily());

        startHub();
        long replayedAlerts = alerts.stream().filter(a -> Long.parseLong(a.substring(a.indexOf('#') + 1)) >= SAVED_BEFORE_CRASH).count();
        await("the replayed certificates and alerts", WAIT_MILLIS,
                () -> delivered("/certs").size() == 2 * ENTRIES - SAVED_BEFORE_CRASH
                        && delivered("/alerts").size() == alerts.size() + replayedAlerts);
        Thread.sleep(300);

        for (String path : List.of("/certs", "/alerts")) {
            Map<String, String> whatById = new HashMap<>();
            for (Map.Entry<String, String> item : delivered(path)) {
                String before = whatById.putIfAbsent(item.getKey(), item.getValue());
                assertTrue(before == null || before.equals(item.getValue()), "one id, one item: " + item + " and " + before);
            }
            Map<String, Set<String>> idsByItem = delivered(path).stream().collect(Collectors.groupingBy(Map.Entry::getValue,
                    Collectors.mapping(Map.Entry::getKey, Collectors.toCollection(TreeSet::new))));
            assertEquals(path.equals("/certs") ? ENTRIES : alerts.size(), idsByItem.size(), path + ": " + idsByItem.keySet());
            idsByItem.forEach((what, ids) -> assertEquals(1, ids.size(),
                    path + ": " + what + " was sent again under another id: " + ids));
        }
        // Deduplicated by id, as a receiver does: each certificate once.
        Set<String> certIds = delivered("/certs").stream().map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(LongStream.range(0, ENTRIES).mapToObj(i -> "certificate:" + log.url() + ":" + i)
                .collect(Collectors.toCollection(TreeSet::new)), certIds);
        assertEquals(alerts.size(), delivered("/alerts").stream().map(Map.Entry::getKey).distinct().count(),
                "each alert once by id, though the replayed ones came twice");
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
