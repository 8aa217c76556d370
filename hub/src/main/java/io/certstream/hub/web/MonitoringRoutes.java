package io.certstream.hub.web;

import io.certstream.hub.metrics.ClusterStats;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.metrics.LogMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /metrics} (Prometheus text format, via vertx-micrometer's scraping handler) and {@code GET /health}
 * (which logs are stalled). Mounted by the hub on every web verticle instance; reads shared metrics only.
 */
public final class MonitoringRoutes {
    private MonitoringRoutes() {
    }

    /** @param stalledMillis how long a log may go without a tree head, or with a backlog and no progress */
    public static void mount(Router router, HubMetrics metrics, long stalledMillis) {
        router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.prometheus().registry()));
        router.get("/health").handler(ctx -> {
            JsonObject health = health(metrics, stalledMillis, System.currentTimeMillis());
            ctx.response().setStatusCode("failing".equals(health.getString("status")) ? 503 : 200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(health.encodePrettily());
        });
    }

    /**
     * {@code status} is {@code ok} when no log is stalled, {@code degraded} when some are (still 200: the other logs
     * stream), {@code failing} (503) when every watched log is stalled, or when no log is watched at all (a hub
     * started without network: the log list cannot be read; or a list and config that name no log), with the
     * {@code reason}.
     */
    static JsonObject health(HubMetrics metrics, long stalledMillis, long now) {
        JsonArray stalled = new JsonArray();
        metrics.logs().values().stream().sorted(Comparator.comparing(LogMetrics::url)).forEach(log -> {
            String reason = log.stalledReason(stalledMillis, now);
            if (reason != null) {
                stalled.add(new JsonObject().put("name", log.name()).put("url", log.url()).put("reason", reason)
                        .put("next_index", log.nextIndex()).put("tree_size", log.treeSize()).put("lag", log.lag()));
            }
        });
        int watched = metrics.logs().size();
        String status = stalled.isEmpty() ? "ok" : stalled.size() == watched ? "failing" : "degraded";
        JsonObject health = new JsonObject();
        ClusterStats cluster = metrics.cluster();
        if (cluster != null) {
            // A log nobody in the cluster watches is as bad as a stalled one (docs/cluster.md).
            Set<String> unowned = cluster.unowned();
            status = !unowned.isEmpty() && status.equals("ok") ? "degraded" : status;
            health.put("cluster", new JsonObject().put("node", cluster.node()).put("owners", cluster.owners())
                    .put("unowned", new JsonArray(List.copyOf(unowned))));
        }
        // A cluster node may watch no log itself while the others watch them all.
        if (watched == 0 && (cluster == null || cluster.owners().isEmpty())) {
            // Nothing streams: not "ok", whatever the cause.
            String problem = metrics.logListProblem();
            status = "failing";
            health.put("reason", "no log is watched: " + (problem != null ? problem
                    : "the log list names no log in logList.states and logs is empty"));
        }
        return health
                .put("status", status)
                .put("logs_watched", watched)
                .put("logs_stalled", stalled.size())
                .put("stalled", stalled);
    }
}
