package io.certstream.plugins.it;

import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugins.testkit.HttpReceiver;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub as a user runs it: a (simulated) CT log, the keyword-alert plugin raising alerts, and a webhook sink
 * POSTing them to a real HTTP receiver on 127.0.0.1 that is down for a while, across a hub restart.
 */
class KeywordWebhookAcceptanceTest {
    private static final long WAIT_MILLIS = 90_000;

    @TempDir
    Path dir;
    private HttpReceiver receiver;
    /**
     * The world outside the hub, the CT log and the receiver, outlives hub restarts; the test starts the hub, each
     * time in a Vert.x of its own (so it can be stopped as a whole, as a process would).
     */
    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(SimulatedLogOptions.defaults()
                    .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(16).withSeed(2026))
            .beforeStart(outside -> receiver = get(new HttpReceiver(outside).start()))
            .config(log -> new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                    .put("stateDir", dir.resolve("state").toString())
                    .put("pluginDir", dir.resolve("plugins").toString())
                    .put("plugins", new JsonArray()
                            .add(new JsonObject().put("type", "keyword-alert").put("name", "brands").put("rules", Rules.JSON))
                            .add(new JsonObject().put("type", "webhook").put("name", "sink")
                                    .put("url", receiver.url("/alerts")).put("batchSize", 5).put("batchMillis", 100)
                                    .put("initialBackoffMillis", 100).put("maxBackoffMillis", 500))))
            .startedByTest()
            .awaitHead(false);

    private RunningHub startHub() throws Exception {
        fixture.startHub();
        return fixture.hub();
    }

    /** {@code <rule>#<cert index>} of every alert the receiver accepted, in order, repeats included. */
    private List<String> deliveredAlertIds() {
        return deliveredAlerts().stream().map(Rules::key).toList();
    }

    private List<JsonObject> deliveredAlerts() {
        List<JsonObject> alerts = new ArrayList<>();
        receiver.accepted().forEach(r -> r.json().getJsonArray("items").forEach(i -> alerts.add(((JsonObject) i).getJsonObject("data"))));
        return alerts;
    }

    private static JsonObject sink(RunningHub hub) {
        return hub.metrics().toJson().getJsonObject("plugins").getJsonObject("sink");
    }

    @Test
    void alertsForMatchingDomainsOnlyReachTheWebhook() throws Exception {
        startHub();
        get(fixture.log().append(80));
        Set<String> expected = Rules.expectedAlerts(fixture.log(), 0, 80);
        assertTrue(!expected.isEmpty() && expected.size() < 80, "the rules match some entries, not all: " + expected.size());

        await(expected.size() + " alerts", WAIT_MILLIS, () -> deliveredAlertIds().size() >= expected.size());
        Thread.sleep(500);   // time for anything that should not come

        assertEquals(expected, new TreeSet<>(deliveredAlertIds()));
        assertEquals(expected.size(), deliveredAlertIds().size(), "no alert twice");
        for (JsonObject alert : deliveredAlerts()) {
            long index = alert.getJsonObject("certificate").getLong("cert_index");
            List<String> domains = fixture.log().entry(index).domains();
            assertEquals(domains, alert.getJsonObject("certificate").getJsonArray("all_domains").getList());
            assertTrue(domains.contains(alert.getString("matched_domain")), alert.encode());
            assertTrue(Rules.matches(alert.getString("rule"), alert.getString("matched_domain")), alert.encode());
        }
    }

    @Test
    void aReceiverDownForAWhileGetsEveryAlertExactlyOnceAcrossAHubRestart() throws Exception {
        get(receiver.stop());
        RunningHub first = startHub();
        get(fixture.log().append(50));
        Set<String> beforeRestart = Rules.expectedAlerts(fixture.log(), 0, 50);

        // Everything the first run raised waits on disk; the receiver has been tried and found down.
        await("alerts spilled to disk", WAIT_MILLIS, () -> sink(first).getLong("pending") == beforeRestart.size());
        await("delivery attempts", WAIT_MILLIS, () -> sink(first).getLong("failed_attempts") >= 1);
        fixture.stopHub();

        // While the hub is down the log grows. The second run has the same configuration ("start": 0) and the same
        // stateDir: it resumes from the position the first saved when it stopped, so nothing is raised twice.
        get(fixture.log().append(40));
        RunningHub second = startHub();
        Set<String> all = Rules.expectedAlerts(fixture.log(), 0, 90);
        await("all alerts spilled", WAIT_MILLIS, () -> sink(second).getLong("pending") == all.size());
        await("the restarted hub finds the receiver still down", WAIT_MILLIS, () -> sink(second).getLong("failed_attempts") >= 1);
        assertEquals(List.of(), receiver.accepted());

        get(receiver.start());
        await(all.size() + " alerts delivered", WAIT_MILLIS, () -> deliveredAlertIds().size() >= all.size());
        await("the queue drained", WAIT_MILLIS, () -> sink(second).getLong("pending") == 0);
        Thread.sleep(500);

        List<String> delivered = deliveredAlertIds();
        assertEquals(all, new TreeSet<>(delivered));
        assertEquals(all.size(), delivered.size(), "every alert exactly once");
        assertEquals(all.size(), sink(second).getLong("delivered"));
        // Item ids are stable across the restart, so a receiver could also deduplicate by them.
        assertEquals(delivered.size(), deliveredAlerts().stream().map(a -> a.getString("id")).distinct().count());
        List<String> itemIds = new ArrayList<>();
        receiver.accepted().forEach(r -> r.json().getJsonArray("items").forEach(i -> itemIds.add(((JsonObject) i).getString("id"))));
        assertEquals(itemIds.size(), itemIds.stream().distinct().count());
    }

    static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    }
}
