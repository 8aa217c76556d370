package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Decides which logs are watched: the logs of the CT log list (re-read periodically) plus the logs configured by
 * hand. Deploys one watcher verticle per log and undeploys watchers of logs that left the list.
 */
public final class LogDirectory extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(LogDirectory.class.getName());
    private static final long RETRY_FAILED_LIST_MILLIS = 60_000;

    private final HubConfig config;
    private final Function<CtLog, Optional<Deployable>> watcherFactory;
    private final Map<String, String> deployments = new HashMap<>();
    private final Map<String, CtLog> watched = new LinkedHashMap<>();
    private WebClient http;
    private boolean warnedUnsupported;

    /** @param watcherFactory makes the watcher for a log, or nothing when this hub cannot watch that kind of log */
    public LogDirectory(HubConfig config, Function<CtLog, Optional<Deployable>> watcherFactory) {
        this.config = config;
        this.watcherFactory = watcherFactory;
    }

    @Override
    public Future<?> start() {
        http = WebClient.create(vertx, new WebClientOptions().setUserAgent("certstream-hub").setDecompressionSupported(true));
        if (!config.logList().enabled()) {
            return apply(List.of());
        }
        refresh();
        return Future.succeededFuture();
    }

    /** The logs currently watched, by URL. */
    public Map<String, CtLog> watched() {
        return watched;
    }

    private void refresh() {
        String source = config.logList().url();
        fetchList(source)
                .map(json -> LogList.parse(json, config.logList().states(), config.watcher().start()))
                .onSuccess(logs -> {
                    LOG.info(() -> "Log list " + source + ": " + logs.size() + " logs in states " + config.logList().states());
                    apply(logs);
                    vertx.setTimer(config.logList().refreshMinutes() * 60_000L, t -> refresh());
                })
                .onFailure(e -> {
                    LOG.warning(() -> "Cannot read the CT log list " + source + ": " + e.getMessage()
                            + ". Watching the configured logs only; retrying in a minute"
                            + " (set logList.url to another list or file, or logList.enabled to false).");
                    if (watched.isEmpty()) {
                        apply(List.of());
                    }
                    vertx.setTimer(RETRY_FAILED_LIST_MILLIS, t -> refresh());
                });
    }

    private Future<JsonObject> fetchList(String source) {
        Future<Buffer> body = source.startsWith("http://") || source.startsWith("https://")
                ? http.getAbs(source).timeout(30_000).send().compose(r -> r.statusCode() == 200
                        ? Future.succeededFuture(r.body())
                        : Future.failedFuture("HTTP " + r.statusCode()))
                : vertx.fileSystem().readFile(source);
        return body.map(b -> {
            try {
                return b.toJsonObject();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not JSON: " + e.getMessage());
            }
        });
    }

    private Future<Void> apply(List<CtLog> fromList) {
        Map<String, CtLog> wanted = new LinkedHashMap<>();
        fromList.forEach(l -> wanted.put(l.url(), l));
        for (HubConfig.LogConfig c : config.logs()) {
            wanted.put(c.url(), new CtLog(c.url(), c.name(), c.operator(), c.kind(), c.key(), null, c.start()));
        }
        List<Future<?>> changes = new ArrayList<>();
        for (String url : new ArrayList<>(watched.keySet())) {
            if (!wanted.containsKey(url)) {
                CtLog gone = watched.remove(url);
                String id = deployments.remove(url);
                LOG.info(() -> "No longer watching " + gone.name() + " (" + url + "): it left the log list");
                if (id != null) {
                    changes.add(vertx.undeploy(id));
                }
            }
        }
        int unsupported = 0;
        for (CtLog log : wanted.values()) {
            if (watched.containsKey(log.url())) {
                continue;
            }
            Optional<Deployable> watcher = watcherFactory.apply(log);
            if (watcher.isEmpty()) {
                unsupported++;
                continue;
            }
            watched.put(log.url(), log);
            changes.add(vertx.deployVerticle(watcher.get())
                    .onSuccess(id -> deployments.put(log.url(), id))
                    .onFailure(e -> {
                        watched.remove(log.url());
                        LOG.warning(() -> "Cannot start the watcher of " + log.url() + ": " + e.getMessage());
                    }));
        }
        if (unsupported > 0 && !warnedUnsupported) {
            warnedUnsupported = true;
            int count = unsupported;
            LOG.info(() -> count + " logs of a kind this hub does not watch were left out");
        }
        return Future.join(changes).mapEmpty();
    }
}
