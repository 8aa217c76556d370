package io.certstream.hub.metrics;

import io.certstream.plugin.PluginMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's counters, shared by its verticles (one JVM): per-log metrics, certificates published,
 * websocket clients and dropped messages per endpoint. Backs the {@code /stats} endpoint.
 */
public final class HubMetrics {
    private final long startedMillis = System.currentTimeMillis();
    private final Map<String, LogMetrics> logs = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private final Map<String, AtomicLong> clients = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> disconnectedSlow = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> droppedOverload = new ConcurrentHashMap<>();
    private final RateMeter rate = new RateMeter(10);
    private final Map<String, PluginEntry> plugins = new ConcurrentHashMap<>();
    private final PrometheusMetrics prometheus;
    /** Set on a cluster node: adds "cluster" to /stats and "owner" to each log. */
    private volatile ClusterStats cluster;
    private final AccessMetrics access;
    private volatile ReplayStats replay;
    /** Null once a log list was read (or none is to be read); else why none was, for /health. */
    private volatile String logListProblem = "the hub has not started watching yet";

    private record PluginEntry(String type, PluginMetrics metrics) {
    }

    /** Shows a plugin instance's counters under {@code plugins.<name>} in {@code /stats}. */
    public void plugin(String name, String type, PluginMetrics pluginMetrics) {
        plugins.put(name, new PluginEntry(type, pluginMetrics));
    }

    public void forgetPlugin(String name) {
        plugins.remove(name);
    }


    /** Metrics with their own Prometheus registry (JVM meters included). */
    public HubMetrics() {
        this(new PrometheusMetrics());
    }

    /** @param prometheus where the counters are exposed for {@code /metrics} (e.g. sharing Vert.x's registry) */
    public HubMetrics(PrometheusMetrics prometheus) {
        this.prometheus = prometheus;
        prometheus.bindHub(this);
        this.access = new AccessMetrics(prometheus.registry());
    }

    /** Connections, refusals and TLS reloads of the access gate. */
    public AccessMetrics access() {
        return access;
    }

    /** Shows the replay buffer's memory and disk use under {@code replay} in /stats and as certstream_replay_*. */
    public void replay(ReplayStats stats) {
        boolean first = replay == null;
        this.replay = stats;
        if (first) {
            prometheus.bindReplay(this);
        }
    }

    /** The replay buffer's figures; null until the hub has one. */
    public ReplayStats replay() {
        return replay;
    }

    public void cluster(ClusterStats stats) {
        this.cluster = stats;
    }

    /** The cluster view of a cluster node; null on a single hub. */
    public ClusterStats cluster() {
        return cluster;
    }

    public PrometheusMetrics prometheus() {
        return prometheus;
    }

    public LogMetrics log(String name, String url, String kind) {
        return logs.computeIfAbsent(url, u -> {
            LogMetrics log = new LogMetrics(name, url, kind);
            log.meters(prometheus);
            prometheus.bindLog(log);
            return log;
        });
    }

    public void forget(String url) {
        logs.remove(url);
        prometheus.forgetLog(url);
    }

    public Map<String, LogMetrics> logs() {
        return logs;
    }

    public void published(int count) {
        published.add(count);
    }

    public long published() {
        return published.sum();
    }

    public void clientConnected(String endpoint) {
        endpoint(endpoint).incrementAndGet();
    }

    public void clientDisconnected(String endpoint) {
        endpoint(endpoint).decrementAndGet();
    }

    /** The endpoint's client count; the first use of an endpoint registers its meters. */
    private AtomicLong endpoint(String endpoint) {
        return clients.computeIfAbsent(endpoint, e -> {
            AtomicLong count = new AtomicLong();
            prometheus.bindEndpoint(e, count, dropped.computeIfAbsent(e, x -> new LongAdder()),
                    disconnectedSlow.computeIfAbsent(e, x -> new LongAdder()),
                    droppedOverload.computeIfAbsent(e, x -> new LongAdder()));
            return count;
        });
    }

    public long clients(String endpoint) {
        AtomicLong count = clients.get(endpoint);
        return count == null ? 0 : count.get();
    }

    public void messageDropped(String endpoint) {
        endpoint(endpoint);
        dropped.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
    }

    public long dropped(String endpoint) {
        LongAdder count = dropped.get(endpoint);
        return count == null ? 0 : count.sum();
    }

    /**
     * Messages {@code clients} clients of {@code endpoint} did not get because the hub itself was too far behind
     * ({@code server.maxPendingMessages}), counted per client like {@link #messageDropped}.
     */
    public void droppedOverload(String endpoint, long clients) {
        endpoint(endpoint);
        droppedOverload.computeIfAbsent(endpoint, e -> new LongAdder()).add(clients);
    }

    public long droppedOverload(String endpoint) {
        LongAdder count = droppedOverload.get(endpoint);
        return count == null ? 0 : count.sum();
    }

    /** Overload drops per endpoint that has any (for the hub's warning). */
    public Map<String, Long> droppedOverload() {
        Map<String, Long> counts = new TreeMap<>();
        droppedOverload.forEach((endpoint, count) -> {
            if (count.sum() > 0) {
                counts.put(endpoint, count.sum());
            }
        });
        return counts;
    }

    public void disconnectedSlow(String endpoint) {
        endpoint(endpoint);
        disconnectedSlow.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
    }

    /** Called once a second by a timer: feeds the certificates-per-second figure. */
    /**
     * Whether a log list has been read (or none is configured): until one is, a hub that watches no log is failing.
     *
     * @param problem why no list was read yet, or null
     */
    public void logListState(boolean read, String problem) {
        logListProblem = read ? null : problem;
    }

    /** Why no log list was read yet (failing /health while no log is watched), or null. */
    public String logListProblem() {
        return logListProblem;
    }

    public void sample() {
        long now = System.nanoTime();
        rate.sample(published.sum(), now);
        logs.values().forEach(l -> l.sample(now));
    }

    public double certificatesPerSecond() {
        return rate.perSecond();
    }

    public JsonObject toJson() {
        JsonArray logList = new JsonArray();
        ClusterStats node = cluster;
        logs.values().stream().sorted(Comparator.comparing(LogMetrics::url)).forEach(l -> logList.add(node == null
                ? l.toJson() : l.toJson().put("owner", node.node())));
        JsonObject endpoints = new JsonObject();
        for (String endpoint : clients.keySet()) {
            endpoints.put(endpoint, new JsonObject()
                    .put("clients", clients(endpoint))
                    .put("dropped_messages", dropped(endpoint))
                    .put("disconnected_slow", disconnectedSlow.getOrDefault(endpoint, new LongAdder()).sum())
                    .put("dropped_overload", droppedOverload(endpoint)));
        }
        JsonObject pluginStats = new JsonObject();
        new TreeMap<>(plugins).forEach((name, p) ->
                pluginStats.put(name, new JsonObject().put("type", p.type()).mergeIn(p.metrics().snapshot())));
        JsonObject stats = new JsonObject();
        if (node != null) {
            stats.put("cluster", node.toJson());
        }
        ReplayStats kept = replay;
        if (kept != null) {
            stats.put("replay", new JsonObject().put("memory_messages", kept.memoryMessages())
                    .put("memory_bytes", kept.memoryBytes()).put("disk_messages", kept.diskMessages())
                    .put("disk_bytes", kept.diskBytes()).put("disk_dropped", kept.diskDropped()));
        }
        return stats
                .put("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000)
                .put("certificates", published.sum())
                .put("certificates_per_second", Math.round(rate.perSecond() * 10) / 10.0)
                .put("logs_watched", logs.size())
                .put("endpoints", endpoints)
                .put("access", access.toJson())
                .put("logs", logList)
                .put("plugins", pluginStats);
    }
}
