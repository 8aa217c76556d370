package io.certstream.hub.plugin;

import io.certstream.hub.publish.UpdatePublisher;
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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * What the hub hands one plugin instance. Subscriptions are received on the {@link PluginHost}'s context
 * (the "feed"), which only queues; the plugin's own context drains its queue, so a slow plugin delays itself.
 */
final class HubPluginContext implements PluginContext {
    private final Vertx vertx;
    private final Context feed;
    private final Context own;
    private final WebClient httpClient;
    private final PluginEntry entry;
    private final PluginMetrics metrics;
    private final Path dataDir;
    private final Logger logger;
    private final SecretMask mask;
    private final List<QueuedSubscription<?>> subscriptions = new CopyOnWriteArrayList<>();

    /** @param mask the instance's secrets: masked in every line its logger logs, and joined by what {@link #environment} reads */
    HubPluginContext(Vertx vertx, Context feed, Context own, WebClient httpClient, PluginEntry entry,
                     PluginMetrics metrics, Path dataDir, SecretMask mask) {
        this.vertx = vertx;
        this.feed = feed;
        this.own = own;
        this.httpClient = httpClient;
        this.entry = entry;
        this.metrics = metrics;
        this.dataDir = dataDir;
        this.logger = Logger.getLogger("io.certstream.plugin." + entry.name());
        this.mask = mask;
        mask.install(logger);
    }

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public <T> Subscription<T> subscribe(String address, int capacity, Handler<T> handler) {
        // On a cluster node only what this node decoded: each certificate reaches a plugin instance once per cluster.
        String busAddress = vertx.isClustered() ? UpdatePublisher.decodedHere(address) : address;
        QueuedSubscription<T> subscription = QueuedSubscription.follow(vertx, feed, own, address, busAddress, capacity, handler, metrics)
                .masking(mask);
        subscriptions.add(subscription);
        return subscription;
    }

    /** Completes when every subscription made so far receives its address. */
    Future<Void> subscriptionsRegistered() {
        return Future.all(subscriptions.stream().map(Subscription::registered).toList()).mapEmpty();
    }

    /** Closes the subscriptions to {@code addresses}; completes when the plugin has been handed what they held. */
    Future<Void> closeSubscriptions(Set<String> addresses) {
        return Future.join(subscriptions.stream().filter(s -> addresses.contains(s.address()))
                .map(Subscription::close).toList()).mapEmpty();
    }

    /** Whether the plugin subscribes to an address outside {@code addresses}. */
    boolean subscribesBeyond(Set<String> addresses) {
        return subscriptions.stream().anyMatch(s -> !addresses.contains(s.address()));
    }

    void cancelSubscriptions() {
        subscriptions.forEach(Subscription::cancel);
    }

    @Override
    public WebClient httpClient() {
        return httpClient;
    }

    @Override
    public JsonObject config() {
        return entry.config().copy();
    }

    @Override
    public String name() {
        return entry.name();
    }

    @Override
    public Logger logger() {
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

    /** Plugins read their secrets here: every value read is masked from then on. */
    @Override
    public String environment(String variable) {
        String value = System.getenv(variable);
        mask.add(value, "$" + variable);
        return value;
    }
}
