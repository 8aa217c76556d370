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
    private final Future<Void> earlierStopped;
    private final Promise<Void> stopped = Promise.promise();
    private Plugin plugin;
    private HubPluginContext pluginContext;

    /**
     * @param earlierStopped completes when the instance of the previous config entry has stopped: instances stop
     *                       in config order, so a source listed before a sink (keyword-alert, then webhook) hands
     *                       the sink its last alerts before the sink stops
     */
    PluginVerticle(PluginEntry entry, Context feed, WebClient httpClient, HubMetrics hubMetrics, Path dataDir,
                   Future<Void> earlierStopped) {
        this.entry = entry;
        this.earlierStopped = earlierStopped;
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
                    .onFailure(e -> {
                        pluginContext.cancelSubscriptions();
                        stopped.tryComplete();
                    });
        } catch (PluginConfigException e) {
            // Plugins should fail the future; some throw. Same meaning.
            stopped.tryComplete();
            return Future.failedFuture(e);
        }
    }

    /** Completes when this instance has stopped (or never started). */
    Future<Void> stopped() {
        return stopped.future();
    }

    @Override
    public Future<?> stop() {
        hubMetrics.forgetPlugin(entry.name());
        if (plugin == null) {
            stopped.tryComplete();
            return Future.succeededFuture();
        }
        // Vert.x stops all instances at once; each waits for the one before it, but not forever.
        Promise<Void> turn = Promise.promise();
        // Back on this instance's own context: the earlier one completes on its context, which is closing.
        earlierStopped.onComplete(ar -> context.runOnContext(v -> turn.tryComplete()));
        long wait = vertx.setTimer(STOP_TIMEOUT_MILLIS, t -> {
            if (turn.tryComplete()) {
                LOG.warning(() -> entry.name() + " stops without waiting longer for the plugin before it in the config");
            }
        });
        return turn.future().transform(ar -> {
            vertx.cancelTimer(wait);
            return stopPlugin();
        }).onComplete(ar -> {
            pluginContext.cancelSubscriptions();
            stopped.tryComplete();
        });
    }

    private Future<Void> stopPlugin() {
        Promise<Void> done = Promise.promise();
        long timer = vertx.setTimer(STOP_TIMEOUT_MILLIS, t -> {
            if (done.tryComplete()) {
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
            done.tryComplete();
        });
        return done.future();
    }
}
