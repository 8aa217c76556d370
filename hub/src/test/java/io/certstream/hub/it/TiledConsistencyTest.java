package io.certstream.hub.it;

import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiled log's successive checkpoints must extend each other, as an RFC 6962 log's tree heads must: the simulated
 * log's static-ct-api view, growing, passes at every checkpoint; once it rewrites an early entry and grows, its
 * correctly signed checkpoint is rejected, raised on {@code certstream.integrity}, and not one entry of the rewritten
 * tree is streamed.
 */
class TiledConsistencyTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<CertificateUpdate> received = new CopyOnWriteArrayList<>();
    private final List<JsonObject> integrityEvents = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(SimulatedLogOptions.defaults().withInitialSize(200)
                    .withEntriesPerSecond(0).withSeed(11))
            .beforeStart(vertx -> {
                vertx.eventBus().<JsonObject>localConsumer(BusAddresses.INTEGRITY, m -> integrityEvents.add(m.body()));
                vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received.add(m.body()));
            })
            .config(log -> new JsonObject()
                    .put("logList", new JsonObject().put("enabled", true).put("url", log.tiledLogListUrl()))
                    .put("watcher", new JsonObject().put("start", 0)))
            .awaitHead(false);

    @Test
    void everyCheckpointOfAGrowingLogIsShownToExtendTheLastAndEntriesStreamInOrder() throws Exception {
        LogMetrics metrics = fixture.hub().awaitWatcher(fixture.log().tiledUrl(), WAIT);
        awaitEntries(200);
        // Within a tile, across a tile boundary, to a full tile, then into the next partial one.
        long verified = 0;
        for (int grow : new int[] {30, 100, 182, 1}) {
            await(fixture.log().append(grow));
            awaitEntries((int) fixture.log().size());
            long before = verified;
            Async.waitFor(WAIT, () -> "no consistency check counted after growing to " + fixture.log().size() + ": "
                    + metrics.toJson().encode(), () -> metrics.checks("consistency_verified") > before);
            verified = metrics.checks("consistency_verified");
        }
        assertTrue(verified >= 4, metrics.toJson().encode());
        assertEquals(verified, metrics.toJson().getJsonObject("integrity_checks").getLong("consistency_verified"));
        assertEquals(new JsonObject(), metrics.toJson().getJsonObject("errors"), "no fault on a healthy log");
        assertTrue(integrityEvents.isEmpty(), integrityEvents.toString());
    }

    @Test
    void aLogThatRewritesAnEarlyEntryIsRaisedAndNothingOfTheRewrittenTreeIsStreamed() throws Exception {
        LogMetrics metrics = fixture.hub().awaitWatcher(fixture.log().tiledUrl(), WAIT);
        awaitEntries(200);
        await(fixture.log().fork(5, 100));
        Async.waitFor(WAIT, () -> "no event on " + BusAddresses.INTEGRITY + ": " + metrics.toJson().encode(),
                () -> !integrityEvents.isEmpty());
        long failures = metrics.errors(FaultKind.BAD_TREE);
        Async.waitFor(WAIT, () -> "the watcher stopped retrying: " + metrics.toJson().encode(),
                () -> metrics.errors(FaultKind.BAD_TREE) >= failures + 2);

        JsonObject event = integrityEvents.get(0);
        assertEquals(1, integrityEvents.size(), "raised once however often it is served: " + integrityEvents);
        assertEquals("tree_consistency", event.getString("type"), event.encode());
        assertEquals(fixture.log().tiledUrl(), event.getJsonObject("log").getString("url"), event.encode());
        assertEquals(300L, event.getLong("tree_size"), event.encode());
        assertEquals(200L, event.getLong("previous_tree_size"), event.encode());
        assertTrue(event.getString("message").contains("does not extend the trusted tree of size 200"), event.encode());
        assertEquals(1, metrics.errors(FaultKind.INTEGRITY_CONSISTENCY), metrics.toJson().encode());
        assertEquals(200, metrics.treeSize(), "the trusted tree is kept");
        assertEquals(LongStream.range(0, 200).boxed().toList(), received.stream().map(CertificateUpdate::certIndex).toList(),
                "nothing beyond the trusted tree");
    }

    /** Waits for entries {@code 0..count-1}, then long enough for a duplicate to show; checks order. */
    private void awaitEntries(int count) throws InterruptedException {
        Async.waitFor(WAIT, () -> "timed out waiting for " + count + " entries, got " + received.size(),
                () -> received.size() >= count);
        Thread.sleep(300);
        assertEquals(LongStream.range(0, count).boxed().toList(), received.stream().map(CertificateUpdate::certIndex).toList(),
                "every index once, in order");
    }
}
