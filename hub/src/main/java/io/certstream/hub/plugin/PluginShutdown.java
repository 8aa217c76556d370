package io.certstream.hub.plugin;

import io.certstream.hub.publish.PublishingEnd;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Stops the plugin instances so that what one of them raises while stopping still reaches the others, whatever
 * their order in the config (a webhook listed before keyword-alert still gets keyword-alert's last alerts):
 * <ol>
 * <li>once the hub's watchers publish no more ({@link PublishingEnd}) and the feed has taken in what they published,
 *     every instance stops receiving the hub's own addresses (certificates, heartbeats, integrity failures): those
 *     subscriptions are closed, and what they hold is handed to the plugin first, so keyword-alert matches the
 *     certificates it was given and raises their alerts;</li>
 * <li>the instances that subscribe to the hub's addresses only (sources, such as keyword-alert) stop, one after the
 *     other in config order; their stop may publish a last message too;</li>
 * <li>the instances that subscribe to an address plugins publish on ({@code certstream.alerts}: webhook, slack) stop,
 *     one after the other in config order; their stop drains what they hold (the webhook writes it to disk).</li>
 * </ol>
 * Before steps 2 and 3 a turn of the feed context, which receives every subscribed message, lets what was published
 * in the step before reach the queues of the instances still running. Each instance gets at most
 * {@link PluginVerticle#STOP_TIMEOUT_MILLIS} per step.
 *
 * <p>The hub stops its plugins only all together, by undeploying the {@link PluginHost}, whose instances Vert.x then
 * asks to stop at once: the first one asked starts the sequence for all, and each completes when all have stopped.
 */
final class PluginShutdown {
    private static final Logger LOG = Logger.getLogger(PluginShutdown.class.getName());
    /** What the hub itself publishes; every other address is one that plugins publish on. */
    static final Set<String> HUB_ADDRESSES = Set.of(BusAddresses.UPDATES, BusAddresses.FULL, BusAddresses.LITE,
            BusAddresses.DOMAINS_ONLY, BusAddresses.HEARTBEAT, BusAddresses.INTEGRITY);

    private final Context feed;
    /** When the hub's watchers publish no more; null: the feeds close at once. */
    private final PublishingEnd publishingEnd;
    /** Started instances, in config order. */
    private final List<PluginVerticle> instances = new CopyOnWriteArrayList<>();
    private Future<Void> sequence;

    /** @param publishingEnd the feeds close only once the watchers publish no more (see step 1); null: at once */
    PluginShutdown(Context feed, PublishingEnd publishingEnd) {
        this.feed = feed;
        this.publishingEnd = publishingEnd;
    }

    /** Called by an instance once it has started. */
    void add(PluginVerticle instance) {
        instances.add(instance);
    }

    /** Stops every started instance in the order above; any thread, any number of times. */
    synchronized Future<Void> stopAll() {
        if (sequence == null) {
            sequence = run(List.copyOf(instances));
        }
        return sequence;
    }

    private Future<Void> run(List<PluginVerticle> all) {
        List<PluginVerticle> sinks = all.stream().filter(i -> i.subscribesBeyond(HUB_ADDRESSES)).toList();
        List<PluginVerticle> sources = all.stream().filter(i -> !sinks.contains(i)).toList();
        LOG.fine(() -> "stopping plugins: feeds first, then " + names(sources) + ", then " + names(sinks));
        // The hub stops its watchers at the same time as its plugins: a feed unregistered while they still publish
        // would have Vert.x discard (and warn about) each delivery already queued for it.
        Future<Void> quiet = publishingEnd == null ? Future.succeededFuture()
                : publishingEnd.awaitOn(feed.owner(), feed, PluginVerticle.STOP_TIMEOUT_MILLIS);
        return quiet.compose(q -> Future.join(all.stream().map(i -> i.closeSubscriptions(HUB_ADDRESSES)).toList()))
                .transform(ar -> feedTurn())
                .compose(v -> stopInOrder(sources))
                .compose(v -> feedTurn())
                .compose(v -> stopInOrder(sinks));
    }

    private static Future<Void> stopInOrder(List<PluginVerticle> instances) {
        Future<Void> chain = Future.succeededFuture();
        for (PluginVerticle instance : instances) {
            chain = chain.compose(v -> instance.stopPlugin());
        }
        return chain;
    }

    /**
     * Completes after the feed has run what is already queued on it: messages published before this call, which the
     * bus has queued there, are then offered to their subscriptions.
     */
    private Future<Void> feedTurn() {
        return Future.future(promise -> feed.runOnContext(v -> promise.complete()));
    }

    private static String names(List<PluginVerticle> instances) {
        return instances.stream().map(PluginVerticle::name).toList().toString();
    }
}
