package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.HubCluster;
import io.certstream.hub.testing.HubProcess;
import io.certstream.hub.wire.Cursor;
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
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.HubCluster.awaitOwners;
import static io.certstream.hub.testing.HubCluster.gaps;
import static io.certstream.hub.testing.HubCluster.owners;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three hub JVMs clustered on 127.0.0.1 (Hazelcast, TCP-IP join) following three simulated logs that grow all the
 * time. Websocket clients on two nodes; the node that owns a log is killed with {@code kill -9}: another node owns
 * that log within {@code cluster.failoverSeconds}, and both clients' {@code cert_index} sequences of every log have
 * no gap. The killed node is started again: it rejoins, takes a log back (three logs, three nodes: one each), and
 * still no client sees a gap. Before the kill, a client leaves node a and resumes on node b from its last cursor.
 */
class ClusterFailoverTest {
    static final int FAILOVER_SECONDS = 8;
    private static final int ORDER_DELAY_MILLIS = 2000;
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
        // Replay room for the catch-up at the start (the logs grew while the nodes started): the resume below must
        // find what followed its cursor still kept. An order delay for a loaded 2-core test machine running four
        // JVMs, where batches between nodes took longer than the default 250 ms (late arrivals, docs/cluster.md).
        JsonObject[] configs = HubCluster.configs(logs.stream().map(SimulatedCtLog::url).toList(), FAILOVER_SECONDS,
                new JsonObject().put("server", new JsonObject().put("replayMaxMegabytes", 48))
                        .put("cluster", new JsonObject().put("orderDelayMillis", ORDER_DELAY_MILLIS)));
        String beforeStart = new Cursor(Cursor.stamp(System.currentTimeMillis(), 0), 0, 0).toString();
        System.arraycopy(HubCluster.startAll(dir, configs, "run1"), 0, nodes, 0, 3);
        awaitOwners(nodes[0], 3, 3);

        // The node owning the first log dies; the clients are on the other two.
        String victimName = owners(nodes[0]).get(logs.get(0).url());
        int victim = Integer.parseInt(victimName.substring(1)) - 1;
        int a = (victim + 1) % 3;
        int b = (victim + 2) % 3;
        StreamRecorder onA = await(StreamRecorder.connect(vertx, nodes[a].port(), "/"));
        StreamRecorder onB = await(StreamRecorder.connect(vertx, nodes[b].port(), "/"));
        // A bridge client too: its channels get the other nodes' certificates as well.
        BridgeRecorder bridge = await(BridgeRecorder.connect(vertx, nodes[a].port()));
        await(bridge.register("certstream.lite.all"));
        for (StreamRecorder client : List.of(onA, onB)) {
            client.await(m -> everyLogSeen(m, 20), WAIT);
        }
        resumesOnAnotherNode(nodes[a], nodes[b]);
        // Through the cluster's start (nodes joining one after the other, logs moving between live nodes): once each.
        publishedOnce(nodes[a], beforeStart);

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
        List<JsonObject> beforeRejoin = onA.messages("certificate_update");
        String rejoinAt = beforeRejoin.get(beforeRejoin.size() - 1).getString("cursor");
        nodes[victim] = HubCluster.start(dir, configs, victim, "run2");
        awaitOwners(nodes[a], 3, 3);
        awaitOwners(nodes[victim], 3, 3); // its own view of the shared map: read at its first tick, not at once
        Map<String, String> afterRejoin = owners(nodes[victim]);
        assertTrue(afterRejoin.containsValue(victimName), "the rejoined node owns a log again: " + afterRejoin);

        Map<String, Long> target = new HashMap<>();
        logs.forEach(l -> target.put(l.url(), l.size() + 20));
        for (StreamRecorder client : List.of(onA, onB)) {
            client.await(m -> target.entrySet().stream().allMatch(t -> lastIndex(m, t.getKey()) >= t.getValue()), WAIT);
        }
        for (StreamRecorder client : List.of(onA, onB)) {
            // Through the kill and the rejoin too: a node delivers its own and the others' certificates in one order.
            inCursorOrder(client.messages("certificate_update"), () -> delivery(nodes[a], nodes[b]));
            for (SimulatedCtLog log : logs) {
                TreeSet<Long> seen = indexes(client.messages(), log.url());
                assertEquals(List.of(), gaps(seen), "indexes of " + log.url() + " missing just before these (seen "
                        + seen.first() + ".." + seen.last() + ")");
            }
        }
        publishedOnce(nodes[b], rejoinAt); // a log moved back to a live node: once each too
        bridge.await(r -> logs.stream().allMatch(l -> r.bodies("certstream.lite.all").stream().anyMatch(body ->
                l.url().equals(((JsonObject) body).getJsonObject("data").getJsonObject("source").getString("url")))), WAIT);
        bridge.close();
        // Every node serves the other nodes' certificates: the clients saw all three logs, whoever owned them.
        JsonObject cluster = nodes[a].stats().getJsonObject("cluster");
        assertEquals(3, cluster.getJsonArray("members").size(), cluster.encodePrettily());
        assertTrue(cluster.getLong("received_certificates") > 0, cluster.encodePrettily());
        JsonObject health = new JsonObject(nodes[b].get("/health").body());
        assertEquals(new JsonArray(), health.getJsonObject("cluster").getJsonArray("unowned"), health.encodePrettily());
        System.err.println("ClusterFailoverTest: " + delivery(nodes[a], nodes[b]));
        String metrics = nodes[b].get("/metrics").body();
        assertTrue(metrics.contains("certstream_cluster_members 3.0"), "cluster gauges in /metrics");
    }

    /**
     * A client of node {@code a} leaves with its last cursor X and comes back later on node {@code b} with
     * {@code since=X}: every node delivers the cluster's certificates in cursor order, so b sends exactly what
     * followed X, in cursor order, and each log the client saw continues at the next index.
     */
    private void resumesOnAnotherNode(HubProcess a, HubProcess b) throws Exception {
        StreamRecorder leaving = await(StreamRecorder.connect(vertx, a.port(), "/"));
        leaving.await(m -> everyLogSeen(m, 5), WAIT);
        await(leaving.close());
        List<JsonObject> seen = leaving.messages("certificate_update");
        String x = seen.get(seen.size() - 1).getString("cursor");
        Map<String, Long> lastSeen = new HashMap<>();
        logs.forEach(l -> lastSeen.put(l.url(), lastIndex(seen, l.url())));
        Thread.sleep(1000); // the client is away while the logs grow
        StreamRecorder resumed = await(StreamRecorder.connect(vertx, b.port(), "/?since=" + x));
        resumed.await(m -> lastSeen.entrySet().stream().allMatch(e -> lastIndex(m, e.getKey()) >= e.getValue() + 20), WAIT);
        await(resumed.close());
        List<JsonObject> got = resumed.messages("certificate_update");
        assertEquals(List.of(), resumed.messages("gap"), "nothing after " + x + " was dropped on node b");
        assertTrue(Cursor.parse(got.get(0).getString("cursor")).compareTo(Cursor.parse(x)) > 0, "node b resumes after " + x);
        inCursorOrder(got, () -> delivery(a, b));
        for (SimulatedCtLog log : logs) {
            List<Long> indexes = got.stream().filter(m -> log.url().equals(trimSlash(m.getJsonObject("data")
                    .getJsonObject("source").getString("url")))).map(m -> m.getJsonObject("data").getLong("cert_index")).toList();
            long first = lastSeen.get(log.url()) + 1;
            assertEquals(LongStream.range(first, first + indexes.size()).boxed().toList(), indexes,
                    () -> log.url() + " continues on node b right after the last entry the client got on node a ("
                            + delivery(a, b) + ")");
        }
    }

    /**
     * Replays from node {@code n} what was published after {@code since} up to what the logs have now: no entry of
     * a log came twice (a log moved between two live nodes is released at the exact index its old owner stopped at;
     * a restart of a log from an earlier index would show here as one index with two cursors).
     */
    private void publishedOnce(HubProcess n, String since) throws Exception {
        Map<String, Long> until = new HashMap<>();
        logs.forEach(l -> until.put(l.url(), l.size() - 1));
        StreamRecorder replay = await(StreamRecorder.connect(vertx, n.port(), "/?since=" + since));
        replay.await(m -> until.entrySet().stream().allMatch(e -> lastIndex(m, e.getKey()) >= e.getValue()), WAIT);
        await(replay.close());
        Map<String, List<Long>> byLog = new HashMap<>();
        for (JsonObject m : replay.messages("certificate_update")) {
            byLog.computeIfAbsent(trimSlash(m.getJsonObject("data").getJsonObject("source").getString("url")),
                    u -> new ArrayList<>()).add(m.getJsonObject("data").getLong("cert_index"));
        }
        byLog.forEach((url, indexes) -> {
            for (int i = 1; i < indexes.size(); i++) {
                int at = i;
                assertTrue(indexes.get(i) > indexes.get(i - 1), () -> url + " published entry " + indexes.get(at)
                        + " again after " + indexes.get(at - 1) + " (replay from " + since + " on port " + n.port() + ")");
            }
        });
    }

    /** A node delivers the cluster's certificates in cursor order, each once (docs/cluster.md). */
    private static void inCursorOrder(List<JsonObject> certificates, Supplier<String> why) {
        for (int i = 1; i < certificates.size(); i++) {
            String before = certificates.get(i - 1).getString("cursor");
            String after = certificates.get(i).getString("cursor");
            int at = i;
            assertTrue(Cursor.parse(before).compareTo(Cursor.parse(after)) < 0, () -> "in cursor order, each once: "
                    + after + " came after " + before + " (message " + at + "; " + why.get() + ")");
        }
    }

    /** What the two nodes say of their delivery: late arrivals and dropped messages, for a failure message. */
    private static String delivery(HubProcess... nodes) {
        StringBuilder s = new StringBuilder();
        for (HubProcess n : nodes) {
            try {
                JsonObject stats = n.stats();
                s.append("port ").append(n.port()).append(": late ").append(stats.getJsonObject("cluster")
                        .getLong("late_certificates")).append(", endpoints ").append(stats.getJsonObject("endpoints")).append("; ");
            } catch (Exception e) {
                s.append(e).append("; ");
            }
        }
        return s.toString();
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
