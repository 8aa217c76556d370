package io.certstream.hub.it;

import io.certstream.hub.ct.rfc6962.Rfc6962Watcher;
import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries a log serves that no decoder can read (here: a MerkleTreeLeaf of version 7, inside valid JSON): each is
 * skipped on its own, counted as {@code decode} in /stats and /metrics, logged with the log URL and its index, and
 * every other entry still reaches clients, once and in order.
 */
class UndecodableEntriesTest {
    private static final int ENTRIES = 120;
    private static final Set<Long> BAD = Set.of(0L, 17L, 18L, 64L, 119L); // first, a pair, a batch edge, last

    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void undecodableEntriesAreSkippedOneByOneCountedAndLogged() throws Exception {
        vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0).withBatchCap(32)));
        log.corruptEntries(BAD);
        try (LogCapture output = LogCapture.of(Rfc6962Watcher.class)) {
            // The log answers 500 until the client listens, so that the client sees the hub's very first entry.
            log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0));
            RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("name", "sim").put("start", 0)))
                    .put("watcher", new JsonObject().put("batchSize", 32))));
            StreamRecorder client = await(StreamRecorder.connect(vertx, hub.port(), "/"));
            log.stopFaults();
            waitFor(Duration.ofSeconds(60), () -> "the watcher did not get past the last entry: " + hub.metrics().toJson(),
                    () -> hub.metrics().logs().get(log.url()) != null
                            && hub.metrics().logs().get(log.url()).nextIndex() == ENTRIES);
            Thread.sleep(500); // room for a late or repeated message

            List<Long> received = client.messages("certificate_update").stream()
                    .map(m -> m.getJsonObject("data").getLong("cert_index")).toList();
            assertEquals(LongStream.range(0, ENTRIES).filter(i -> !BAD.contains(i)).boxed().toList(), received,
                    "every decodable entry once, in order, and none of the corrupted ones");

            WebClient http = WebClient.create(vertx);
            JsonObject stats = await(http.get(hub.port(), "127.0.0.1", "/stats").send()).bodyAsJsonObject()
                    .getJsonArray("logs").getJsonObject(0);
            assertEquals(BAD.size(), stats.getJsonObject("errors").getLong("decode"), stats.encode());
            assertEquals(ENTRIES - BAD.size(), stats.getLong("certificates"), stats.encode());
            assertEquals(ENTRIES, stats.getLong("next_index"), "nothing is retried for ever: " + stats.encode());
            assertEquals(0, stats.getLong("skipped"), "decode errors are not backlog skips: " + stats.encode());
            String metrics = await(http.get(hub.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
            assertEquals(BAD.size(), MetricsAndHealthTest.value(metrics, "certstream_log_errors_total\\{kind=\"decode\",log=\""
                    + Pattern.quote(log.url()) + "\",name=\"sim\"}"), metrics);

            List<String> lines = output.matching("[decode]");
            assertEquals(1, lines.size(), "the first decode fault is logged, the others within a minute only counted: "
                    + output.lines());
            String line = lines.get(0);
            assertTrue(line.startsWith("WARNING") && line.contains(log.url())
                    && BAD.stream().anyMatch(i -> line.contains(" entry " + i + ":")), "names the log URL and index: " + line);
            assertTrue(line.contains("version 7"), "says what is wrong with it: " + line);
        }
    }
}
