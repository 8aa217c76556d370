package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three hub JVMs clustered on 127.0.0.1 (Hazelcast, TCP-IP join) following three simulated logs that grow all the
 * time. Websocket clients on two nodes; the node that owns a log is killed with {@code kill -9}: another node owns
 * that log within {@code cluster.failoverSeconds}, and both clients' {@code cert_index} sequences of every log have
 * no gap. The killed node is started again: it rejoins, takes a log back (three logs, three nodes: one each), and
 * still no client sees a gap.
 */
class ClusterFailoverTest {
    static final int FAILOVER_SECONDS = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Path dir = Path.of("target", "cluster-failover-test");
    private Vertx vertx;
    private final List<SimulatedCtLog> logs = new ArrayList<>();
    private final HubProcess[] nodes = new HubProcess[3];

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Files.createDirectories(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (HubProcess node : nodes) {
            if (node != null) {
                node.kill();
            }
        }
        await(vertx.close());
    }

    @Test
    void logsMoveToTheSurvivorsAndBackWithoutAGap() throws Exception {
        for (int i = 0; i < 3; i++) {
            logs.add(await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                    .withSeed(10 + i).withInitialSize(10).withEntriesPerSecond(15).withBatchCap(32))));
        }
        JsonObject[] configs = clusterConfigs(dir, logs.stream().map(SimulatedCtLog::url).toList(), new JsonObject());
        startAll(configs, "run1");
        awaitOwners(nodes[0], 3, 3);

        // The node owning the first log dies; the clients are on the other two.
        String victimName = owners(nodes[0]).get(logs.get(0).url());
        int victim = Integer.parseInt(victimName.substring(1)) - 1;
        int a = (victim + 1) % 3;
        int b = (victim + 2) % 3;
        StreamRecorder onA = await(StreamRecorder.connect(vertx, nodes[a].port(), "/"));
        StreamRecorder onB = await(StreamRecorder.connect(vertx, nodes[b].port(), "/"));
        for (StreamRecorder client : List.of(onA, onB)) {
            client.await(m -> everyLogSeen(m, 20), WAIT);
        }

        nodes[victim].kill();
        long killedAt = System.nanoTime();
        Async.waitFor(Duration.ofSeconds(FAILOVER_SECONDS + 5), () -> "nobody took over " + logs.get(0).url()
                + " from " + victimName, () -> {
            String owner = owners(nodes[a]).get(logs.get(0).url());
            return owner != null && !owner.equals(victimName);
        });
        double failover = (System.nanoTime() - killedAt) / 1e9;
        assertTrue(failover <= FAILOVER_SECONDS, "failover took " + failover + " s, more than cluster.failoverSeconds");
        Map<String, String> afterKill = owners(nodes[a]);
        assertEquals(Set.of("n" + (a + 1), "n" + (b + 1)), new HashSet<>(afterKill.values()), "the survivors own every log: " + afterKill);

        long sizeAfterKill = logs.get(0).size();
        for (StreamRecorder client : List.of(onA, onB)) {
            client.await(m -> lastIndex(m, logs.get(0).url()) >= sizeAfterKill + 20, WAIT);
        }

        // The killed node comes back and takes a log again (one log per node).
        nodes[victim] = HubProcess.start(dir.resolve("n" + (victim + 1)), configs[victim], "run2");
        awaitOwners(nodes[a], 3, 3);
        Map<String, String> afterRejoin = owners(nodes[victim]);
        assertTrue(afterRejoin.containsValue(victimName), "the rejoined node owns a log again: " + afterRejoin);

        Map<String, Long> target = new HashMap<>();
        logs.forEach(l -> target.put(l.url(), l.size() + 20));
        for (StreamRecorder client : List.of(onA, onB)) {
            client.await(m -> target.entrySet().stream().allMatch(t -> lastIndex(m, t.getKey()) >= t.getValue()), WAIT);
        }
        for (StreamRecorder client : List.of(onA, onB)) {
            for (SimulatedCtLog log : logs) {
                TreeSet<Long> seen = indexes(client.messages(), log.url());
                List<Long> gaps = seen.stream().filter(i -> i > seen.first() && !seen.contains(i - 1)).toList();
                assertEquals(List.of(), gaps, "indexes of " + log.url() + " missing just before these (seen "
                        + seen.first() + ".." + seen.last() + ")");
            }
        }
        // Every node serves the other nodes' certificates: the clients saw all three logs, whoever owned them.
        JsonObject cluster = nodes[a].stats().getJsonObject("cluster");
        assertEquals(3, cluster.getJsonArray("members").size(), cluster.encodePrettily());
        assertTrue(cluster.getLong("received_certificates") > 0, cluster.encodePrettily());
        JsonObject health = new JsonObject(nodes[b].get("/health").body());
        assertEquals(new JsonArray(), health.getJsonObject("cluster").getJsonArray("unowned"), health.encodePrettily());
        String metrics = nodes[b].get("/metrics").body();
        assertTrue(metrics.contains("certstream_cluster_members 3.0"), "cluster gauges in /metrics");
    }

    /** One config per node: its own ports, name and state folder; the same members and logs. */
    static JsonObject[] clusterConfigs(Path dir, List<String> logUrls, JsonObject extra) throws Exception {
        JsonArray members = new JsonArray();
        int[] clusterPorts = new int[3];
        for (int i = 0; i < 3; i++) {
            clusterPorts[i] = RunningHub.freePort();
            members.add("127.0.0.1:" + clusterPorts[i]);
        }
        JsonArray logConfigs = new JsonArray();
        for (int i = 0; i < logUrls.size(); i++) {
            logConfigs.add(new JsonObject().put("url", logUrls.get(i)).put("name", "log" + i).put("start", 0));
        }
        JsonObject[] configs = new JsonObject[3];
        for (int i = 0; i < 3; i++) {
            configs[i] = new JsonObject()
                    .put("server", new JsonObject().put("host", "127.0.0.1").put("port", RunningHub.freePort()).put("instances", 1))
                    .put("logList", new JsonObject().put("enabled", false))
                    .put("logs", logConfigs)
                    .put("watcher", new JsonObject().put("pollSeconds", 0.5).put("maxBackoffSeconds", 1)
                            .put("batchSize", 32).put("positionSaveSeconds", 1))
                    .put("stateDir", Files.createTempDirectory("certstream-cluster-n" + (i + 1)).toString())
                    .put("cluster", new JsonObject().put("enabled", true).put("nodeName", "n" + (i + 1))
                            .put("host", "127.0.0.1").put("port", clusterPorts[i]).put("members", members)
                            .put("failoverSeconds", FAILOVER_SECONDS))
                    .mergeIn(extra, true);
        }
        return configs;
    }

    private void startAll(JsonObject[] configs, String run) throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes[i] = HubProcess.start(dir.resolve("n" + (i + 1)), configs[i], run);
        }
    }

    /** Waits until {@code node} sees {@code members} members and {@code logCount} logs each owned by a distinct node. */
    static void awaitOwners(HubProcess node, int members, int logCount) throws InterruptedException {
        Async.waitFor(WAIT, () -> "the cluster did not settle: " + safeStats(node), () -> {
            JsonObject cluster = clusterOf(node);
            Map<String, String> owners = owners(node);
            return cluster != null && cluster.getJsonArray("members").size() == members && owners.size() == logCount
                    && !owners.containsValue(null) && new HashSet<>(owners.values()).size() == Math.min(members, logCount);
        });
    }

    private static String safeStats(HubProcess node) {
        JsonObject cluster = clusterOf(node);
        return cluster == null ? "no answer" : cluster.encodePrettily();
    }

    /** The "cluster" object of the node's /stats; null when it does not answer. */
    static JsonObject clusterOf(HubProcess node) {
        try {
            return node.stats().getJsonObject("cluster");
        } catch (Exception e) {
            return null;
        }
    }

    /** Log URL -> owning node name (null: nobody), as the shared map on {@code node} says; empty if it does not answer. */
    static Map<String, String> owners(HubProcess node) {
        JsonObject cluster = clusterOf(node);
        if (cluster == null) {
            return Map.of();
        }
        JsonObject logs = cluster.getJsonObject("logs");
        Map<String, String> owners = new HashMap<>();
        for (String url : logs.fieldNames()) {
            owners.put(url, logs.getJsonObject(url).getString("owner"));
        }
        return owners;
    }

    private boolean everyLogSeen(List<JsonObject> messages, int atLeast) {
        return logs.stream().allMatch(l -> indexes(messages, l.url()).size() >= atLeast);
    }

    static long lastIndex(List<JsonObject> messages, String url) {
        TreeSet<Long> seen = indexes(messages, url);
        return seen.isEmpty() ? -1 : seen.last();
    }

    static TreeSet<Long> indexes(List<JsonObject> messages, String url) {
        TreeSet<Long> indexes = new TreeSet<>();
        for (JsonObject m : messages) {
            if ("certificate_update".equals(m.getString("message_type"))
                    && url.equals(trimSlash(m.getJsonObject("data").getJsonObject("source").getString("url")))) {
                indexes.add(m.getJsonObject("data").getLong("cert_index"));
            }
        }
        return indexes;
    }

    private static String trimSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
