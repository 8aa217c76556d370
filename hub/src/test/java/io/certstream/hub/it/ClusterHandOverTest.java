package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.HubCluster;
import io.certstream.hub.testing.HubProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.HubCluster.awaitOwners;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log moves from a live node to one that joins (the start-up of a cluster whose nodes come up one after the
 * other): the node giving it away releases it with the exact index it stopped at, so a client sees every entry of
 * every log once, in order, across the move; the lagging shared position alone would repeat about two seconds of
 * the log (and a new owner that started from {@code watcher.start} all of it).
 */
class ClusterHandOverTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Path dir = Path.of("target", "cluster-handover-test");
    private final List<SimulatedCtLog> logs = new ArrayList<>();
    private final HubProcess[] nodes = new HubProcess[2];
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        for (HubProcess node : nodes) {
            if (node != null) {
                node.kill();
            }
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    @Test
    void aLogMovedToAJoiningNodeComesOnceWithoutAGap() throws Exception {
        vertx = Vertx.vertx();
        Files.createDirectories(dir);
        for (int i = 0; i < 3; i++) {
            logs.add(await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                    .withSeed(20 + i).withInitialSize(10).withEntriesPerSecond(15).withBatchCap(32))));
        }
        JsonObject[] configs = HubCluster.configs(logs.stream().map(SimulatedCtLog::url).toList(),
                ClusterFailoverTest.FAILOVER_SECONDS, new JsonObject().put("server", new JsonObject().put("replayMaxMegabytes", 16)));
        nodes[0] = HubCluster.start(dir, configs, 0, "run1");
        awaitOwners(nodes[0], 1, 3);
        StreamRecorder client = await(StreamRecorder.connect(vertx, nodes[0].port(), "/"));
        client.await(m -> logs.stream().allMatch(l -> ClusterFailoverTest.indexes(m, l.url()).size() >= 30), WAIT);

        nodes[1] = HubCluster.start(dir, configs, 1, "run1");
        awaitOwners(nodes[0], 2, 3);
        Map<String, String> owners = HubCluster.owners(nodes[0]);
        assertTrue(owners.containsValue("n2"), "the joining node took a log: " + owners);
        Map<String, Long> target = new HashMap<>();
        logs.forEach(l -> target.put(l.url(), l.size() + 30));
        client.await(m -> target.entrySet().stream().allMatch(t -> ClusterFailoverTest.lastIndex(m, t.getKey()) >= t.getValue()), WAIT);

        for (SimulatedCtLog log : logs) {
            List<Long> indexes = new ArrayList<>();
            for (JsonObject m : client.messages("certificate_update")) {
                String url = m.getJsonObject("data").getJsonObject("source").getString("url");
                if (log.url().equals(url.endsWith("/") ? url.substring(0, url.length() - 1) : url)) {
                    indexes.add(m.getJsonObject("data").getLong("cert_index"));
                }
            }
            long first = indexes.get(0);
            List<Long> once = java.util.stream.LongStream.range(first, first + indexes.size()).boxed().toList();
            assertEquals(once, indexes, log.url() + " (owner now " + owners.get(log.url()) + "): every entry once, in order");
        }
        String joined = Files.readString(nodes[1].output());
        assertTrue(joined.contains("(released by n1)"), "the joining node took its log where n1 released it:\n" + joined);
    }
}
