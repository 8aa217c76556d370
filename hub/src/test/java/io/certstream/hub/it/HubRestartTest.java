package io.certstream.hub.it;

import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.HubProcess;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub as a real JVM, killed with {@code kill -9} in the middle of a stream and started again: the union of the
 * cert_index values a client saw across both runs has no gap, because the watcher resumes from its saved position.
 */
class HubRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private Vertx vertx;
    private HubProcess hub;
    private final Path dir = Path.of("target", "hub-restart-test");

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Files.createDirectories(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.kill();
        }
        await(vertx.close());
    }

    @Test
    void resumesFromLastIndexAfterKillNineWithNoGap() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(20).withEntriesPerSecond(40).withBatchCap(16)));
        Path stateDir = Files.createTempDirectory("certstream-restart-state");
        JsonObject config = new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", RunningHub.freePort()).put("instances", 1))
                .put("logList", new JsonObject().put("enabled", false))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("name", "restart-test").put("start", 0)))
                .put("watcher", new JsonObject().put("pollSeconds", 1).put("maxBackoffSeconds", 1)
                        .put("batchSize", 16).put("positionSaveSeconds", 1))
                .put("stateDir", stateDir.toString());

        // The log answers 500 until our client listens, so the client sees the hub's very first entry.
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0));
        hub = HubProcess.start(dir, config, "run1");
        StreamRecorder first = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        log.stopFaults();
        first.await(m -> indexes(m).size() >= 150 && Files.exists(stateDir.resolve("positions.json")), WAIT);
        hub.kill();
        long sizeAtKill = log.size();

        Thread.sleep(1500); // the log keeps growing while the hub is down
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0));
        hub = HubProcess.start(dir, config, "run2");
        StreamRecorder second = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        log.stopFaults();
        long target = log.size() + 40;
        second.await(m -> !indexes(m).isEmpty() && indexes(m).last() >= target, WAIT);

        TreeSet<Long> run1 = indexes(first.messages());
        TreeSet<Long> run2 = indexes(second.messages());
        assertEquals(0L, run1.first(), "the first run starts at watcher.start=0");
        assertTrue(run2.first() > 0, "the second run resumed from the saved position, not from watcher.start=0: "
                + run2.first());
        assertTrue(run2.first() <= run1.last() + 1, "the second run starts where the first stopped or before: run 1 ended at "
                + run1.last() + ", run 2 began at " + run2.first());
        assertTrue(run1.last() < sizeAtKill, "killed mid-stream");
        TreeSet<Long> union = new TreeSet<>(run1);
        union.addAll(run2);
        List<Long> gaps = union.stream().filter(i -> i > 0 && !union.contains(i - 1)).toList();
        assertEquals(List.of(), gaps, "indexes missing just before these (run 1: " + run1.first() + ".." + run1.last()
                + ", run 2: " + run2.first() + ".." + run2.last() + ")");
        assertEquals(union.last() + 1, union.size(), "every index from 0 to " + union.last() + " arrived");

        // Main's wiring: Vert.x's own meters share the registry that /metrics serves; /health is up.
        String metrics = hub.get("/metrics").body();
        assertTrue(metrics.contains("certstream_log_next_index{log=\"" + log.url() + "\",name=\"restart-test\"}"), metrics);
        assertTrue(metrics.contains("vertx_http_server_"), "Vert.x meters in /metrics");
        assertEquals("ok", new JsonObject(hub.get("/health").body()).getString("status"));
    }

    static TreeSet<Long> indexes(List<JsonObject> messages) {
        TreeSet<Long> indexes = new TreeSet<>();
        for (JsonObject m : messages) {
            if ("certificate_update".equals(m.getString("message_type"))) {
                indexes.add(m.getJsonObject("data").getLong("cert_index"));
            }
        }
        return indexes;
    }
}
