package io.certstream.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bench/run-load --nodes N}: N hub JVMs clustered on 127.0.0.1 that follow one simulated log, so one node
 * owns it and the others get its certificates over the cluster bus (docs/cluster.md). Phases, each measured per
 * node (CPU and RSS from {@code /proc}, messages its clients got, latency, the cluster counters of its /stats):
 * <ol>
 *   <li>idle: no clients, no new entries: what a node costs doing nothing (heartbeats, position writes);</li>
 *   <li>spread: the lite clients spread evenly over the nodes, the log appending at a fixed rate (after the same
 *       load unmeasured, for the JIT);</li>
 *   <li>owner-only (N > 1): all clients on the owner, none elsewhere: a receiving node's CPU above idle is then the
 *       cluster bus alone, per certificate received; the owner's, compared with a 1-node run, its cost of
 *       forwarding.</li>
 * </ol>
 * Writes {@code results.json} and {@code results.md} to the output folder.
 */
final class ClusterRun {
    private static final int DRAIN_SECONDS = 10;
    private final LoadOptions options;
    private final long startMillis = System.currentTimeMillis();
    private final ProgressLog progress;
    private final List<HubProcess> nodes = new ArrayList<>();
    private final List<StreamClients> clients = new ArrayList<>();
    private Vertx vertx;
    private Vertx logVertx;
    private BacklogLog log;
    private int owner = -1;
    /** Each node's CPU use with no clients and no new entries, % of a core: subtracted per certificate below. */
    private double[] idlePercent;

    ClusterRun(LoadOptions options, boolean progressToStderr) {
        this.options = options;
        this.progress = new ProgressLog(options.out(), startMillis, progressToStderr);
    }

    JsonObject execute() throws Exception {
        Files.createDirectories(options.out());
        Files.deleteIfExists(options.out().resolve("harness.log"));
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        logVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        JsonObject results = new JsonObject()
                .put("started", Instant.ofEpochMilli(startMillis).toString())
                .put("mode", "cluster")
                .put("nodes", options.nodes())
                .put("machine", LoadHarness.machine())
                .put("options", new JsonObject()
                        .put("nodes", options.nodes())
                        .put("lite_clients", options.liteClients())
                        .put("rate", options.rate())
                        .put("live_seconds", options.liveSeconds())
                        .put("warmup_seconds", options.warmupSeconds())
                        .put("idle_seconds", options.idleSeconds())
                        .put("hub_instances", options.hubInstances())
                        .put("hub_jvm_args", new JsonArray(options.hubJvmArgs())));
        try {
            EntryPool pool = LoadHarness.pool(vertx, options);
            int phases = options.nodes() > 1 ? 3 : 2;
            log = new BacklogLog(pool, options.backlog(), options.batchCap(),
                    options.rate() * (options.warmupSeconds() + phases * (options.liveSeconds() + 5) + 10));
            logVertx.deployVerticle(log).await();
            log.openGate();
            startNodes();
            results.put("owner", "n" + (owner + 1));
            results.put("idle", idle());
            int[] spread = new int[options.nodes()];
            for (int i = 0; i < options.liteClients(); i++) {
                spread[i % spread.length]++;
            }
            live("warmup", spread, options.warmupSeconds());
            results.put("spread", live("spread", spread, options.liveSeconds()));
            if (options.nodes() > 1) {
                int[] ownerOnly = new int[options.nodes()];
                ownerOnly[owner] = options.liteClients();
                results.put("owner_only", live("owner-only", ownerOnly, options.liveSeconds()));
            }
            results.put("complete", true);
        } catch (Exception e) {
            results.put("complete", false).put("error", e.toString());
            say("failed: " + e);
        } finally {
            for (StreamClients c : clients) {
                c.closeAll().await();
            }
            for (HubProcess n : nodes) {
                n.close();
            }
            vertx.close().await();
            logVertx.close().await();
            StateDirs.deleteReplays(options.out());
        }
        Files.writeString(options.out().resolve("results.json"), results.encodePrettily());
        Files.writeString(options.out().resolve("results.md"), markdown(results));
        return results;
    }

    /** Starts the nodes at once (Hazelcast on two shared cores takes a while) and waits until they agree on the owner. */
    private void startNodes() throws Exception {
        int n = options.nodes();
        JsonArray members = new JsonArray();
        int[] clusterPorts = new int[n];
        for (int i = 0; i < n; i++) {
            clusterPorts[i] = HubProcess.freePort();
            members.add("127.0.0.1:" + clusterPorts[i]);
        }
        ExecutorService starter = Executors.newFixedThreadPool(n);
        try {
            List<Future<HubProcess>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int port = HubProcess.freePort();
                String name = "n" + (i + 1);
                Path stateDir = options.out().resolve("state-" + name).toAbsolutePath();
                StateDirs.delete(stateDir);  // a node starts afresh, not from an earlier run's positions and replay
                JsonObject config = new JsonObject()
                        .put("server", new JsonObject().put("host", "127.0.0.1").put("port", port)
                                .put("instances", options.hubInstances())
                                .put("clientQueueBytes", options.clientQueueMb() << 20)
                                // All clients come from 127.0.0.1: the public-hub limit of 100 per address would refuse them.
                                .put("maxConnections", 0)
                                .put("maxConnectionsPerIp", 0))
                        .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                        .put("watcher", new JsonObject().put("start", "head").put("pollSeconds", options.pollSeconds())
                                .put("batchSize", options.batchCap()).put("operatorRequestsPerSecond", 0))
                        .put("stateDir", stateDir.toString())
                        .put("cluster", new JsonObject().put("enabled", true).put("nodeName", name)
                                .put("host", "127.0.0.1").put("port", clusterPorts[i]).put("members", members));
                Path file = options.out().resolve("hub-config-" + name + ".json").toAbsolutePath();
                Files.writeString(file, config.encodePrettily());
                Path hubLog = options.out().resolve("hub-" + name + ".log").toAbsolutePath();
                say("starting " + name + " (" + String.join(" ", options.hubJvmArgs()) + ") on port " + port
                        + ", cluster port " + clusterPorts[i] + "; its log: " + hubLog);
                started.add(starter.submit(() -> {
                    HubProcess h = HubProcess.start(file, hubLog, options.hubJvmArgs(), port, false);
                    h.awaitReady(180_000);
                    return h;
                }));
            }
            for (Future<HubProcess> f : started) {
                nodes.add(f.get());
            }
        } finally {
            starter.shutdown();
        }
        for (HubProcess h : nodes) {
            clients.add(new StreamClients(vertx, h.port(), log));
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            String agreed = null;
            boolean all = true;
            for (HubProcess h : nodes) {
                JsonObject cluster = h.stats().getJsonObject("cluster", new JsonObject());
                JsonObject logs = cluster.getJsonObject("logs", new JsonObject());
                String o = logs.size() == 1 ? logs.getJsonObject(logs.fieldNames().iterator().next()).getString("owner") : null;
                if (cluster.getJsonArray("members", new JsonArray()).size() != n || o == null
                        || (agreed != null && !agreed.equals(o))) {
                    all = false;
                    break;
                }
                agreed = o;
            }
            if (all) {
                owner = Integer.parseInt(agreed.substring(1)) - 1;
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the " + n + " nodes did not agree on the log's owner within 120 s; "
                        + "see hub-n*.log in " + options.out());
            }
            Thread.sleep(500);
        }
        say("cluster of " + n + " formed; n" + (owner + 1) + " owns the log");
        Thread.sleep(3000); // the owner's watcher reaches the head; first position writes
    }

    private JsonObject idle() throws Exception {
        say("idle: " + options.idleSeconds() + " s, no clients, no new entries");
        List<ServerProcess.Sample> before = samples();
        Thread.sleep(options.idleSeconds() * 1000L);
        List<ServerProcess.Sample> after = samples();
        JsonArray perNode = new JsonArray();
        idlePercent = new double[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            idlePercent[i] = percent(before.get(i), after.get(i));
            perNode.add(new JsonObject().put("node", "n" + (i + 1))
                    .put("cpu_percent", percent(before.get(i), after.get(i)))
                    .put("rss_mb", LoadHarness.mib(after.get(i).rssBytes())));
        }
        JsonObject r = new JsonObject().put("seconds", options.idleSeconds()).put("nodes", perNode);
        say("idle: " + r.encode());
        return r;
    }

    /** One live phase: {@code perNode[i]} lite clients on node i, the log at --rate for {@code seconds}. */
    private JsonObject live(String name, int[] perNode, int seconds) throws Exception {
        long next = options.backlog() + log.liveAppended();
        for (int i = 0; i < nodes.size(); i++) {
            clients.get(i).connect(StreamClients.Kind.LITE, perNode[i], 64, next, false).await();
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitClients(i, perNode[i]);
        }
        List<StreamClients.Stats> stats = clients.stream().map(c -> c.stats(StreamClients.Kind.LITE)).toList();
        long[] messagesBefore = new long[nodes.size()];
        long[] droppedBefore = new long[nodes.size()];
        long[] forwardedBefore = new long[nodes.size()];
        long[] receivedBefore = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            StreamClients.Stats s = stats.get(i);
            messagesBefore[i] = s.messages.sum();
            s.latency.snapshot(true);
            s.fromFetch.snapshot(true);
            droppedBefore[i] = nodes.get(i).counts().dropped("lite");
            JsonObject c = nodes.get(i).stats().getJsonObject("cluster");
            forwardedBefore[i] = c.getLong("forwarded_certificates", 0L);
            receivedBefore[i] = c.getLong("received_certificates", 0L);
        }
        long appendedBefore = log.liveAppended();
        List<ServerProcess.Sample> before = samples();
        say(name + ": clients per node " + java.util.Arrays.toString(perNode) + "; appending " + options.rate()
                + " entries/s for " + seconds + " s");
        long target = appendedBefore + (long) options.rate() * seconds;
        log.startLive(options.rate(), (int) target);
        Thread.sleep(seconds * 1000L);
        long appendDeadline = System.currentTimeMillis() + 5_000;
        while (log.liveAppended() < target && System.currentTimeMillis() < appendDeadline) {
            Thread.sleep(10);
        }
        log.stopLive();
        long appended = log.liveAppended() - appendedBefore;
        long drainDeadline = System.currentTimeMillis() + DRAIN_SECONDS * 1000L;
        while (System.currentTimeMillis() < drainDeadline) {
            boolean done = true;
            for (int i = 0; i < nodes.size(); i++) {
                done &= stats.get(i).messages.sum() - messagesBefore[i] >= appended * perNode[i];
            }
            if (done) {
                break;
            }
            Thread.sleep(100);
        }
        Thread.sleep(500);
        List<ServerProcess.Sample> after = samples();
        JsonArray perNodeResults = new JsonArray();
        long[] allLatency = new long[0];
        long[] allFromFetch = new long[0];
        long totalMessages = 0;
        long totalExpected = 0;
        double totalCpu = 0;
        for (int i = 0; i < nodes.size(); i++) {
            StreamClients.Stats s = stats.get(i);
            LatencyHistogram.Snapshot latency = s.latency.snapshot(false);
            LatencyHistogram.Snapshot fromFetch = s.fromFetch.snapshot(false);
            allLatency = add(allLatency, latency.counts());
            allFromFetch = add(allFromFetch, fromFetch.counts());
            long messages = s.messages.sum() - messagesBefore[i];
            double wall = (after.get(i).wallMillis() - before.get(i).wallMillis()) / 1000.0;
            double cpu = after.get(i).cpuSeconds() - before.get(i).cpuSeconds();
            JsonObject c = nodes.get(i).stats().getJsonObject("cluster");
            long forwarded = c.getLong("forwarded_certificates", 0L) - forwardedBefore[i];
            long received = c.getLong("received_certificates", 0L) - receivedBefore[i];
            totalMessages += messages;
            totalExpected += appended * perNode[i];
            totalCpu += cpu;
            JsonObject r = new JsonObject()
                    .put("node", "n" + (i + 1))
                    .put("owner", i == owner)
                    .put("clients", perNode[i])
                    .put("messages_received", messages)
                    .put("messages_expected", appended * perNode[i])
                    .put("messages_per_second", Math.round(messages / (double) seconds))
                    .put("dropped_by_hub", nodes.get(i).counts().dropped("lite") - droppedBefore[i])
                    .put("latency_p50_ms", latency.percentile(0.50))
                    .put("latency_p99_ms", latency.percentile(0.99))
                    .put("seen_p50_ms", fromFetch.percentile(0.50))
                    .put("seen_p99_ms", fromFetch.percentile(0.99))
                    .put("cpu_seconds", LoadHarness.round(cpu * 100) / 100)
                    .put("cpu_percent", percent(before.get(i), after.get(i)))
                    // Per entry of the log: decoding (owner) or the cluster bus (others), plus the node's fan-out.
                    .put("cpu_us_per_entry", appended > 0 ? Math.round(cpu * 1e6 / appended) : 0)
                    .put("cpu_above_idle_us_per_entry", appended > 0
                            ? Math.round((cpu - idlePercent[i] / 100 * wall) * 1e6 / appended) : 0)
                    .put("rss_mb", LoadHarness.mib(after.get(i).rssBytes()))
                    .put("forwarded_certificates", forwarded)
                    .put("received_certificates", received)
                    .put("wall_seconds", LoadHarness.round(wall));
            perNodeResults.add(r);
        }
        LatencyHistogram.Snapshot latency = new LatencyHistogram.Snapshot(allLatency);
        LatencyHistogram.Snapshot fromFetch = new LatencyHistogram.Snapshot(allFromFetch);
        JsonObject r = new JsonObject()
                .put("rate", options.rate())
                .put("seconds", seconds)
                .put("entries", appended)
                .put("clients", java.util.Arrays.stream(perNode).sum())
                .put("messages_received", totalMessages)
                .put("messages_expected", totalExpected)
                .put("messages_per_second", Math.round(totalMessages / (double) seconds))
                .put("latency_p50_ms", latency.percentile(0.50))
                .put("latency_p99_ms", latency.percentile(0.99))
                .put("seen_p50_ms", fromFetch.percentile(0.50))
                .put("seen_p99_ms", fromFetch.percentile(0.99))
                .put("cpu_seconds_all_nodes", LoadHarness.round(totalCpu * 100) / 100)
                .put("harness_load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim())
                .put("nodes", perNodeResults);
        say(name + ": " + r.encode());
        for (StreamClients c : clients) {
            c.closeAll().await();
        }
        clients.clear();
        for (HubProcess h : nodes) {
            clients.add(new StreamClients(vertx, h.port(), log));
        }
        Thread.sleep(2000); // the closes reach the nodes; a quiet gap between phases
        return r;
    }

    private void awaitClients(int node, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (nodes.get(node).counts().clients("lite") < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("n" + (node + 1) + " does not report " + count + " lite clients");
            }
            Thread.sleep(100);
        }
    }

    private List<ServerProcess.Sample> samples() throws IOException {
        List<ServerProcess.Sample> out = new ArrayList<>();
        for (HubProcess h : nodes) {
            out.add(h.sample());
        }
        return out;
    }

    private static long[] add(long[] sum, long[] counts) {
        long[] out = sum.length == 0 ? new long[counts.length] : sum;
        for (int i = 0; i < counts.length; i++) {
            out[i] += counts[i];
        }
        return out;
    }

    private static double percent(ServerProcess.Sample before, ServerProcess.Sample after) {
        return LoadHarness.round((after.cpuSeconds() - before.cpuSeconds())
                / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100);
    }

    static String markdown(JsonObject r) {
        JsonObject m = r.getJsonObject("machine", new JsonObject());
        JsonObject o = r.getJsonObject("options", new JsonObject());
        StringBuilder md = new StringBuilder();
        md.append("Load harness, ").append(r.getInteger("nodes")).append(" clustered node(s), ").append(r.getString("started"))
                .append(", ").append(m.getInteger("cores")).append(" cores (").append(m.getString("cpu", "?"))
                .append("), load average at start ").append(m.getString("load_average_at_start", "?"))
                .append("; ").append(o.getValue("lite_clients")).append(" lite clients, ").append(o.getValue("rate"))
                .append(" certs/s for ").append(o.getValue("live_seconds")).append(" s; log owned by ")
                .append(r.getString("owner", "?")).append("\n\n");
        md.append("| phase | node | clients | msgs/s | received / expected | dropped | latency p50 / p99 ms | seen p50 / p99 ms "
                + "| CPU % | CPU us/entry above idle | RSS MiB | forwarded | received certs |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        JsonObject idle = r.getJsonObject("idle");
        if (idle != null) {
            for (Object n : idle.getJsonArray("nodes")) {
                JsonObject x = (JsonObject) n;
                md.append(String.format(Locale.ROOT, "| idle | %s | 0 | | | | | | %s | | %s | | |%n",
                        x.getString("node"), x.getValue("cpu_percent"), x.getValue("rss_mb")));
            }
        }
        for (String phase : List.of("spread", "owner_only")) {
            JsonObject p = r.getJsonObject(phase);
            if (p == null) {
                continue;
            }
            List<JsonObject> rows = new ArrayList<>();
            p.getJsonArray("nodes").forEach(x -> rows.add((JsonObject) x));
            rows.add(p.copy().put("node", "all").put("cpu_percent", "").put("cpu_above_idle_us_per_entry", "")
                    .put("rss_mb", "").put("dropped_by_hub", "")
                    .put("forwarded_certificates", "").put("received_certificates", ""));
            for (JsonObject x : rows) {
                md.append(String.format(Locale.ROOT, "| %s | %s%s | %s | %s | %s / %s | %s | %s / %s | %s / %s | %s | %s | %s | %s | %s |%n",
                        phase, x.getString("node"), x.getBoolean("owner", false) ? " (owner)" : "", x.getValue("clients"),
                        x.getValue("messages_per_second"), x.getValue("messages_received"), x.getValue("messages_expected"),
                        x.getValue("dropped_by_hub"), x.getValue("latency_p50_ms"), x.getValue("latency_p99_ms"),
                        x.getValue("seen_p50_ms"), x.getValue("seen_p99_ms"), x.getValue("cpu_percent"),
                        x.getValue("cpu_above_idle_us_per_entry"), x.getValue("rss_mb"), x.getValue("forwarded_certificates"), x.getValue("received_certificates")));
            }
        }
        if (!r.getBoolean("complete", false)) {
            md.append("\nerror: ").append(r.getString("error")).append('\n');
        }
        return md.toString();
    }

    private void say(String message) {
        progress.say(message);
    }
}
