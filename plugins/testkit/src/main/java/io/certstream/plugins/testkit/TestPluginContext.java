package io.certstream.plugins.testkit;

import io.certstream.hub.plugin.QueuedSubscription;
import io.certstream.hub.plugin.SecretMask;
import io.certstream.plugin.PluginContext;
import io.certstream.plugin.PluginMetrics;
import io.certstream.plugin.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * A {@link PluginContext} over a real Vert.x, as the hub would give it, with environment variables from a map.
 * Subscriptions are received on a context of the test kit's own and handed to the plugin's by the hub's own
 * {@link QueuedSubscription}, as in the hub.
 */
public final class TestPluginContext implements PluginContext {
    private final Vertx vertx;
    private final WebClient httpClient;
    private final String name;
    private final JsonObject config;
    private final Path dataDir;
    private final Map<String, String> environment;
    private final PluginMetrics metrics = new PluginMetrics();
    private final List<QueuedSubscription<?>> subscriptions = new CopyOnWriteArrayList<>();
    private final Context feed;
    private volatile SecretMask mask = new SecretMask();

    public TestPluginContext(Vertx vertx, WebClient httpClient, String name, JsonObject config, Path dataDir,
                             Map<String, String> environment) {
        this.vertx = vertx;
        this.httpClient = httpClient;
        this.name = name;
        this.config = config;
        this.dataDir = dataDir;
        this.environment = environment;
        this.feed = vertx.getOrCreateContext();
    }

    @Override
    public <T> Subscription<T> subscribe(String address, int capacity, Handler<T> handler) {
        QueuedSubscription<T> subscription = QueuedSubscription.follow(vertx, feed, vertx.getOrCreateContext(), address, capacity,
                handler, metrics).masking(mask);
        subscriptions.add(subscription);
        return subscription;
    }

    /** Completes when every subscription made so far receives its address. */
    public Future<Void> subscriptionsRegistered() {
        return Future.all(subscriptions.stream().map(Subscription::registered).toList()).mapEmpty();
    }

    /**
     * Masks the values of {@code secretKeys} in this context's config (a factory's {@code secretKeys()}) in every
     * line the plugin logs, as the hub does; {@link RunningPlugin#start(io.certstream.plugin.PluginFactory,
     * TestPluginContext)} calls it. Environment values the plugin reads are masked in any case.
     */
    public void maskSecrets(Set<String> secretKeys) {
        SecretMask next = SecretMask.of(secretKeys, config);
        next.install(logger());
        mask = next;
    }

    /** The masking in force, for a test that checks an error the hub would report. */
    public SecretMask secretMask() {
        return mask;
    }

    /** Cancels every subscription, as the hub does after a plugin stopped. */
    public void cancelSubscriptions() {
        subscriptions.forEach(Subscription::cancel);
    }

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public WebClient httpClient() {
        return httpClient;
    }

    @Override
    public JsonObject config() {
        return config;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Logger logger() {
        Logger logger = Logger.getLogger("io.certstream.plugin." + name);
        mask.install(logger);
        return logger;
    }

    @Override
    public PluginMetrics metrics() {
        return metrics;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String environment(String variable) {
        String value = environment.get(variable);
        mask.add(value, "$" + variable);
        return value;
    }
}
