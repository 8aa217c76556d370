package io.certstream.hub.plugin;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginConfigException;
import io.certstream.plugin.PluginMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.util.logging.Logger;

/** One plugin instance in a verticle of its own: its start, stop and handlers share one event-loop context. */
final class PluginVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(PluginVerticle.class.getName());
    static final long STOP_TIMEOUT_MILLIS = 10_000;

    private final PluginEntry entry;
    private final Context feed;
    private final WebClient httpClient;
    private final HubMetrics hubMetrics;
    private final Path dataDir;
    private Plugin plugin;
    private HubPluginContext pluginContext;

    PluginVerticle(PluginEntry entry, Context feed, WebClient httpClient, HubMetrics hubMetrics, Path dataDir) {
        this.entry = entry;
        this.feed = feed;
        this.httpClient = httpClient;
        this.hubMetrics = hubMetrics;
        this.dataDir = dataDir;
    }

    @Override
    public Future<?> start() {
        PluginMetrics metrics = new PluginMetrics();
        pluginContext = new HubPluginContext(vertx, feed, context, httpClient, entry, metrics, dataDir);
        try {
            plugin = entry.factory().factory().create();
            return plugin.start(pluginContext)
                    .compose(v -> pluginContext.subscriptionsRegistered())
                    .onSuccess(v -> hubMetrics.plugin(entry.name(), entry.type(), metrics))
                    .onFailure(e -> pluginContext.cancelSubscriptions());
        } catch (PluginConfigException e) {
            // Plugins should fail the future; some throw. Same meaning.
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<?> stop() {
        hubMetrics.forgetPlugin(entry.name());
        if (plugin == null) {
            return Future.succeededFuture();
        }
        Promise<Void> stopped = Promise.promise();
        long timer = vertx.setTimer(STOP_TIMEOUT_MILLIS, t -> {
            if (stopped.tryComplete()) {
                LOG.warning(() -> entry.name() + " did not stop within " + STOP_TIMEOUT_MILLIS + " ms; the hub stops anyway");
            }
        });
        Future<Void> stopping;
        try {
            stopping = plugin.stop();
        } catch (RuntimeException e) {
            stopping = Future.failedFuture(e);
        }
        stopping.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                LOG.warning(() -> entry.name() + " failed to stop cleanly: " + ar.cause());
            }
            stopped.tryComplete();
        });
        return stopped.future().onComplete(ar -> pluginContext.cancelSubscriptions());
    }
}
