package io.certstream.hub.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Three hub JVMs ({@link HubProcess}) clustered on 127.0.0.1, and what their /stats say about the cluster. */
public final class HubCluster {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private HubCluster() {
    }

    /**
     * One config per node: its own ports, name ({@code n1}..{@code n3}) and state folder; the same members and logs
     * (each read from index 0); {@code extra} merged into each.
     */
    public static JsonObject[] configs(List<String> logUrls, int failoverSeconds, JsonObject extra) throws Exception {
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
                            .put("failoverSeconds", failoverSeconds))
                    .mergeIn(extra, true);
        }
        return configs;
    }

    /** Starts the three nodes at once (each in {@code dir/n<i+1>}), so the test waits for one JVM start, not three. */
    public static HubProcess[] startAll(Path dir, JsonObject[] configs, String run) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(configs.length);
        try {
            List<Future<HubProcess>> started = new ArrayList<>();
            for (int i = 0; i < configs.length; i++) {
                int n = i;
                started.add(pool.submit(() -> start(dir, configs, n, run)));
            }
            HubProcess[] nodes = new HubProcess[configs.length];
            for (int i = 0; i < configs.length; i++) {
                nodes[i] = started.get(i).get();
            }
            return nodes;
        } finally {
            pool.shutdown();
        }
    }

    /** Starts node {@code i} (0..2) with its config in {@code dir/n<i+1>}. */
    public static HubProcess start(Path dir, JsonObject[] configs, int i, String run) throws Exception {
        // Three JVMs starting Hazelcast at once on two cores: more time than a single hub needs.
        return HubProcess.start(dir.resolve("n" + (i + 1)), configs[i], run, Duration.ofSeconds(120));
    }

    /** Waits until {@code node} sees {@code members} members and {@code logCount} logs, each owned, spread over the members. */
    public static void awaitOwners(HubProcess node, int members, int logCount) throws InterruptedException {
        Async.waitFor(WAIT, () -> "the cluster did not settle: " + describe(node), () -> {
            JsonObject cluster = clusterOf(node);
            Map<String, String> owners = owners(node);
            return cluster != null && cluster.getJsonArray("members").size() == members && owners.size() == logCount
                    && !owners.containsValue(null) && new HashSet<>(owners.values()).size() == Math.min(members, logCount);
        });
    }

    private static String describe(HubProcess node) {
        JsonObject cluster = clusterOf(node);
        return cluster == null ? "no answer" : cluster.encodePrettily();
    }

    /** The "cluster" object of the node's /stats; null when it does not answer. */
    public static JsonObject clusterOf(HubProcess node) {
        try {
            return node.stats().getJsonObject("cluster");
        } catch (Exception e) {
            return null;
        }
    }

    /** Log URL -> owning node name (null: nobody), as the shared map on {@code node} says; empty if it does not answer. */
    public static Map<String, String> owners(HubProcess node) {
        JsonObject cluster = clusterOf(node);
        Map<String, String> owners = new HashMap<>();
        if (cluster != null) {
            JsonObject logs = cluster.getJsonObject("logs");
            for (String url : logs.fieldNames()) {
                owners.put(url, logs.getJsonObject(url).getString("owner"));
            }
        }
        return owners;
    }

    /** Indexes in {@code seen} whose predecessor is missing (after the first). */
    public static List<Long> gaps(TreeSet<Long> seen) {
        return seen.stream().filter(i -> i > seen.first() && !seen.contains(i - 1)).toList();
    }
}
