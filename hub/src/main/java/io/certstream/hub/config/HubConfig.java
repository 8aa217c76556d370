package io.certstream.hub.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The hub's validated configuration. Keys are documented in README.md ("Configuration") and
 * {@code config/hub.json} is the default: it is merged under every configuration, so the readers here require each
 * key and only check its range (no default is written twice; ConfigDocsTest keeps the README table in step).
 *
 * @param pluginDir     directory whose {@code *.jar} files are loaded as plugins (relative to the working directory)
 * @param plugins       plugin entries ({@code {"type": ..., ...}}) validated by the plugin loader, which knows their schema
 * @param pluginsSource where the {@code plugins} entries came from (a file, an environment variable), for error messages
 */
public record HubConfig(
        ServerConfig server,
        BridgeConfig bridge,
        LogListConfig logList,
        List<LogConfig> logs,
        WatcherConfig watcher,
        String stateDir,
        String pluginDir,
        JsonArray plugins,
        String pluginsSource,
        ClusterConfig cluster) {

    /**
     * The web verticle: where it listens and how it treats clients.
     *
     * @param maxPendingMessages most updates a web verticle lets wait for its event loop; beyond it the oldest are
     *                           dropped unwritten and counted ({@code dropped_overload}). 0: no limit
     * @param access             limits, tokens, allowlists and TLS for a public hub ({@link AccessConfig})
     * @param streams            resume, dedup and compression of the streams (docs/streams.md)
     */
    public record ServerConfig(
            String host, int port, int instances, int heartbeatSeconds, int latestSize,
            int clientQueueBytes, int slowClientSeconds, int maxPendingMessages, AccessConfig access,
            StreamsConfig streams) {
    }

    /**
     * @param replayMinutes      how long published messages are kept for {@code ?since=} / {@code Last-Event-ID}; 0: none
     * @param replayMaxMegabytes the replay buffer's memory bound; the oldest go first when it is reached
     * @param dedupWindowMinutes how long {@code dedup=true} remembers a certificate
     * @param dedupMaxEntries    most certificates remembered for dedup (16 bytes each at worst)
     * @param compression        negotiate permessage-deflate with websocket clients that offer it
     * @param replayMaxDiskMegabytes the replay segments' disk bound ({@code <stateDir>/replay}); 0: memory only
     */
    public record StreamsConfig(int replayMinutes, int replayMaxMegabytes, int dedupWindowMinutes, int dedupMaxEntries,
                                boolean compression, int replayMaxDiskMegabytes) {
    }

    /**
     * The event-bus bridges: SockJS at {@code /eventbus} (with the {@code /live} page) and the optional TCP bridge.
     *
     * @param tcpPort 0: no TCP bridge
     */
    public record BridgeConfig(boolean sockjs, String tcpHost, int tcpPort) {
    }

    /**
     * Discovery from a Chrome-style v3 log list ({@code url} may be an http(s) URL or a file path).
     *
     * @param urls      more lists read after {@code url} (e.g. Apple's); a log already listed (same log id) is skipped
     * @param selection which of the listed logs to watch ({@code include}, {@code exclude}, {@code operators})
     */
    public record LogListConfig(boolean enabled, String url, int refreshMinutes, List<String> states, List<String> urls,
                                LogSelection selection) {
        /** {@code url} then {@code urls}, each once. */
        public List<String> sources() {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            all.add(url);
            all.addAll(urls);
            return List.copyOf(all);
        }
    }

    /** A log added by hand. {@code start} overrides the watcher default for this log. */
    public record LogConfig(String url, String name, String operator, String kind, String key, StartPosition start) {
    }

    /**
     * How watchers poll their logs.
     *
     * @param maxBacklog          most entries a watcher stays behind a log's tree head; beyond it the oldest are
     *                            skipped on purpose (and said so). 0: no cap, never skip
     * @param positionSaveSeconds how often each log's position is saved under {@code stateDir}
     * @param verifyTreeHeads     check each tree head's signature (with the log's key) and its consistency with the
     *                            previous one
     * @param stalledSeconds      a log without a tree head, or behind without progress, this long is listed as
     *                            stalled by {@code /health}
     * @param progressSeconds     how often a log that is catching up logs its backlog, rate and ETA
     * @param operatorRequestsPerSecond most requests per second to the logs of one operator, all its logs together
     *                                  (real operators throttle at about 10/s and answer 429); 0: no limit
     * @param fetchConcurrency    most get-entries requests in flight for one log that is behind (entries still
     *                            published in order)
     */
    public record WatcherConfig(
            StartPosition start, int batchSize, double pollSeconds, int requestTimeoutSeconds, int maxBackoffSeconds,
            long maxBacklog, int positionSaveSeconds, boolean verifyTreeHeads, int stalledSeconds, int progressSeconds,
            double operatorRequestsPerSecond, int fetchConcurrency,
            // issue 14: an overall deadline per request; how long positions of logs no longer listed are kept
            int requestDeadlineSeconds, int forgetPositionsAfterDays) {
        public long pollMillis() {
            return Math.round(pollSeconds * 1000);
        }
    }

    /** Where a watcher starts when it has no saved position: the current tree head, or a fixed index. */
    public record StartPosition(long index) {
        public static final StartPosition HEAD = new StartPosition(-1);

        public boolean atHead() {
            return index < 0;
        }

        @Override
        public String toString() {
            return atHead() ? "head" : Long.toString(index);
        }
    }

    // ---- cluster (issue 15): keep this block together ----

    /**
     * Cluster mode (docs/cluster.md): several hubs as one on the Vert.x clustered event bus (Hazelcast, TCP-IP join).
     *
     * @param nodeName        this node's name in /stats, /health and logs; unique in the cluster ("": host:port)
     * @param members         {@code host:port} of the cluster's members (this one may be listed too)
     * @param configFile      a Hazelcast XML/YAML file used instead of host, port and members ("": none)
     * @param failoverSeconds most seconds before the logs of a dead node are watched by another
     * @param orderDelayMillis how long every node holds certificates to deliver them all in cursor order
     */
    public record ClusterConfig(boolean enabled, String nodeName, String host, int port, List<String> members,
                                String configFile, int failoverSeconds, int orderDelayMillis) {
        public String name() {
            return nodeName.isEmpty() ? host + ":" + port : nodeName;
        }
    }

    static ClusterConfig cluster(ConfigReader root) {
        ConfigReader c = root.object("cluster")
                .allowOnly("enabled", "nodeName", "host", "port", "members", "configFile", "failoverSeconds",
                        "orderDelayMillis");
        List<String> members = c.strings("members");
        for (String member : members) {
            int colon = member.lastIndexOf(':');
            boolean ok = colon > 0;
            if (ok) {
                try {
                    int port = Integer.parseInt(member.substring(colon + 1));
                    ok = port > 0 && port <= 65535;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw c.error("members", "must list host:port entries (e.g. \"10.0.0.5:5701\"), got \"" + member + "\"");
            }
        }
        ClusterConfig cluster = new ClusterConfig(c.bool("enabled"), c.string("nodeName"), c.string("host"),
                c.integer("port", 1, 65535), members, c.string("configFile"), c.integer("failoverSeconds", 4, 3600),
                c.integer("orderDelayMillis", 20, 10_000));
        if (cluster.enabled() && cluster.configFile().isEmpty() && cluster.members().isEmpty()) {
            throw c.error("members", "must list the cluster's members (host:port, e.g. [\"10.0.0.5:5701\", \"10.0.0.6:5701\"])"
                    + " when cluster.enabled is true, or name a Hazelcast file in cluster.configFile");
        }
        return cluster;
    }

    // ---- end of cluster ----

    static HubConfig read(ConfigReader root) {
        root.allowOnly("server", "bridge", "logList", "logs", "watcher", "stateDir", "pluginDir", "plugins", "cluster");
        ConfigReader s = root.object("server");
        s.allowOnly(java.util.stream.Stream.concat(java.util.stream.Stream.of("host", "port", "instances", "heartbeatSeconds",
                "latestSize", "clientQueueBytes", "slowClientSeconds", "maxPendingMessages",
                "replayMinutes", "replayMaxMegabytes", "dedupWindowMinutes", "dedupMaxEntries", "compression",
                "replayMaxDiskMegabytes"),
                java.util.Arrays.stream(AccessConfig.KEYS)).toArray(String[]::new));
        ServerConfig server = new ServerConfig(
                s.string("host"),
                s.integer("port", 0, 65535),
                s.integer("instances", 0, 64),
                s.integer("heartbeatSeconds", 1, 3600),
                s.integer("latestSize", 1, 1000),
                s.integer("clientQueueBytes", 64 << 10, 1 << 30),
                s.integer("slowClientSeconds", 1, 3600),
                s.integer("maxPendingMessages", 0, Integer.MAX_VALUE),
                AccessConfig.read(s, root.env()),
                new StreamsConfig(s.integer("replayMinutes", 0, 1440), s.integer("replayMaxMegabytes", 1, 65_536),
                        s.integer("dedupWindowMinutes", 1, 1440), s.integer("dedupMaxEntries", 1000, 100_000_000),
                        s.bool("compression"), s.integer("replayMaxDiskMegabytes", 0, 1 << 20)));

        ConfigReader b = root.object("bridge").allowOnly("sockjs", "tcpHost", "tcpPort");
        BridgeConfig bridge = new BridgeConfig(
                b.bool("sockjs"), b.string("tcpHost"), b.integer("tcpPort", 0, 65535));

        ConfigReader l = root.object("logList").allowOnly("enabled", "url", "refreshMinutes", "states", "urls",
                "include", "exclude", "operators");
        List<String> states = l.strings("states");
        for (String state : states) {
            if (!List.of("pending", "qualified", "usable", "readonly", "retired", "rejected").contains(state)) {
                throw l.error("states", "contains unknown state \"" + state
                        + "\" (log list v3 states: pending, qualified, usable, readonly, retired, rejected)");
            }
        }
        LogListConfig logList = new LogListConfig(
                l.bool("enabled"), l.requiredString("url"), l.integer("refreshMinutes", 1, 10080), states,
                l.strings("urls").stream().filter(u -> !u.isBlank()).toList(), LogSelection.read(l));

        ConfigReader w = root.object("watcher")
                .allowOnly("start", "batchSize", "pollSeconds", "requestTimeoutSeconds", "maxBackoffSeconds",
                        "maxBacklog", "positionSaveSeconds", "verifyTreeHeads", "stalledSeconds", "progressSeconds",
                        "operatorRequestsPerSecond", "fetchConcurrency",
                        "requestDeadlineSeconds", "forgetPositionsAfterDays");
        WatcherConfig watcher = new WatcherConfig(
                start(w, "start"),
                w.integer("batchSize", 1, 10_000),
                // Fractions allowed: a latency-sensitive hub on a log that grows constantly may poll every 0.5 s.
                w.decimal("pollSeconds", 0.1, 3600),
                w.integer("requestTimeoutSeconds", 1, 600),
                w.integer("maxBackoffSeconds", 1, 86_400),
                w.integer("maxBacklog", 0, Integer.MAX_VALUE),
                w.integer("positionSaveSeconds", 1, 3600),
                w.bool("verifyTreeHeads"),
                w.integer("stalledSeconds", 1, 86_400),
                w.integer("progressSeconds", 1, 3600),
                w.decimal("operatorRequestsPerSecond", 0, 10_000),
                w.integer("fetchConcurrency", 1, 16),
                w.integer("requestDeadlineSeconds", 1, 3600),
                w.integer("forgetPositionsAfterDays", 0, 36_500));

        List<LogConfig> logs = new ArrayList<>();
        for (ConfigReader log : root.objects("logs")) {
            log.allowOnly("url", "name", "operator", "kind", "key", "start");
            String url = trimSlash(log.requiredString("url"));
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw log.error("url", "must start with http:// or https://, got \"" + url + "\"");
            }
            String kind = log.optionalString("kind", "rfc6962");
            if (!kind.equals("rfc6962") && !kind.equals("tiled")) {
                throw log.error("kind", "must be \"rfc6962\" or \"tiled\", got \"" + kind + "\"");
            }
            logs.add(new LogConfig(url, log.optionalString("name", url), log.optionalString("operator", null), kind,
                    log.optionalString("key", null), log.raw("start") == null ? watcher.start() : start(log, "start")));
        }

        Object plugins = root.raw("plugins");
        if (plugins == null) {
            throw root.error("plugins", "is required");
        }
        if (!(plugins instanceof JsonArray)) {
            throw root.error("plugins", "must be a JSON array of plugin objects, got " + ConfigReader.describe(plugins));
        }
        String pluginDir = root.string("pluginDir");
        if (pluginDir.isBlank()) {
            throw root.error("pluginDir", "must name a directory (e.g. \"plugins\"); it need not exist");
        }
        return new HubConfig(server, bridge, logList, List.copyOf(logs), watcher, root.string("stateDir"), pluginDir,
                (JsonArray) plugins, root.sourceOf("plugins"), cluster(root));
    }

    private static StartPosition start(ConfigReader r, String name) {
        Object value = r.raw(name);
        if (value == null) {
            throw r.error(name, "is required");
        }
        if ("head".equals(value)) {
            return StartPosition.HEAD;
        }
        try {
            long index = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
            if (index >= 0) {
                return new StartPosition(index);
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted forms
        }
        throw r.error(name, "must be \"head\" or an entry index >= 0, got " + ConfigReader.describe(value));
    }

    static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The configuration as JSON, for the stats endpoint and start-up log (no secrets live here: plugins redact their own). */
    public JsonObject summary() {
        return new JsonObject()
                .put("server", new JsonObject().put("host", server.host()).put("port", server.port()))
                .put("logList", logList.enabled() ? logList.url() : "disabled")
                .put("customLogs", logs.size())
                .put("start", watcher.start().toString())
                .put("pluginDir", pluginDir)
                .put("plugins", plugins.size());
    }
}
