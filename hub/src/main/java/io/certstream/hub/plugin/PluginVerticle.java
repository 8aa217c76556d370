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
import java.util.Set;
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
    private final PluginShutdown shutdown;
    private final SecretMask mask;
    private Plugin plugin;
    private HubPluginContext pluginContext;

    /**
     * @param shutdown stops this instance together with the others, in the order it describes
     * @param mask     the instance's secrets, hidden in its log lines and in what the hub says about it
     */
    PluginVerticle(PluginEntry entry, Context feed, WebClient httpClient, HubMetrics hubMetrics, Path dataDir,
                   PluginShutdown shutdown, SecretMask mask) {
        this.entry = entry;
        this.feed = feed;
        this.httpClient = httpClient;
        this.hubMetrics = hubMetrics;
        this.dataDir = dataDir;
        this.shutdown = shutdown;
        this.mask = mask;
    }

    @Override
    public Future<?> start() {
        PluginMetrics metrics = new PluginMetrics();
        pluginContext = new HubPluginContext(vertx, feed, context, httpClient, entry, metrics, dataDir, mask);
        try {
            plugin = entry.factory().factory().create();
            return plugin.start(pluginContext)
                    .compose(v -> pluginContext.subscriptionsRegistered())
                    .onSuccess(v -> {
                        hubMetrics.plugin(entry.name(), entry.type(), metrics);
                        shutdown.add(this);
                    })
                    .onFailure(e -> {
                        plugin = null;
                        pluginContext.cancelSubscriptions();
                    });
        } catch (PluginConfigException e) {
            // Plugins should fail the future; some throw. Same meaning.
            plugin = null;
            return Future.failedFuture(e);
        }
    }

    String name() {
        return entry.name();
    }

    @Override
    public Future<?> stop() {
        hubMetrics.forgetPlugin(entry.name());
        if (plugin == null) {
            return Future.succeededFuture();
        }
        // Vert.x stops all instances at once: the shutdown orders them (see PluginShutdown).
        return shutdown.stopAll().onComplete(ar -> pluginContext.cancelSubscriptions());
    }

    /** Whether the plugin subscribes to an address outside {@code addresses}. */
    boolean subscribesBeyond(Set<String> addresses) {
        return pluginContext.subscribesBeyond(addresses);
    }

    /**
     * Closes the plugin's subscriptions to {@code addresses}: it is handed what they hold (on its own context) and
     * receives no more from them. Completes when done or after {@link #STOP_TIMEOUT_MILLIS}; never fails.
     */
    Future<Void> closeSubscriptions(Set<String> addresses) {
        return atMostStopTimeout(pluginContext.closeSubscriptions(addresses),
                "did not take in what it was sent within " + STOP_TIMEOUT_MILLIS + " ms; the hub stops it anyway");
    }

    /** Stops the plugin on its own context, waiting at most {@link #STOP_TIMEOUT_MILLIS}; never fails. */
    Future<Void> stopPlugin() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            Future<Void> stopping;
            try {
                stopping = plugin.stop();
            } catch (RuntimeException e) {
                stopping = Future.failedFuture(e);
            }
            atMostStopTimeout(stopping.onFailure(e -> LOG.warning(() -> entry.name() + " failed to stop cleanly: " + mask.mask(e))),
                    "did not stop within " + STOP_TIMEOUT_MILLIS + " ms; the hub stops anyway").onComplete(done);
        });
        return done.future();
    }

    /**
     * Completes when {@code step} does, or after {@link #STOP_TIMEOUT_MILLIS} with a warning that the plugin
     * {@code late}; never fails: one plugin must not hold up or break the hub's shutdown.
     */
    private Future<Void> atMostStopTimeout(Future<Void> step, String late) {
        Promise<Void> done = Promise.promise();
        long timer = vertx.setTimer(STOP_TIMEOUT_MILLIS, t -> {
            if (done.tryComplete()) {
                LOG.warning(() -> entry.name() + " " + late);
            }
        });
        step.onComplete(ar -> {
            vertx.cancelTimer(timer);
            done.tryComplete();
        });
        return done.future();
    }
}
