package io.certstream.plugin;

import io.vertx.core.Future;

/**
 * One running instance of a plugin, configured by one entry of the hub's {@code "plugins"} config.
 *
 * <h2>Threading</h2>
 * The hub calls {@link #start} and {@link #stop} on a Vert.x event-loop context that belongs to this
 * instance alone (the hub deploys one verticle per instance). Handlers, timers and consumers registered
 * from {@code start} run on that context, so a plugin needs no locks for its own state. Never block it:
 * use {@link PluginContext#httpClient()} for HTTP, {@code vertx.fileSystem()} or
 * {@code vertx.executeBlocking} for files.
 *
 * <h2>Lifecycle</h2>
 * {@code start} is called once. The hub starts serving only when every plugin's start future has
 * succeeded; a failed start (for a bad config: a {@link PluginConfigException} from
 * {@link PluginContext#configError}) stops the hub with a message naming the plugin and the key.
 * {@code stop} is called once when the hub shuts down; after it completes the hub closes the context's
 * resources. An instance is never restarted: the hub creates a new one.
 */
public interface Plugin {

    /**
     * Validates {@link PluginContext#config()}, registers consumers on the event bus and starts work.
     *
     * @return completes when the plugin is ready; fails with a {@link PluginConfigException} on a bad config
     */
    Future<Void> start(PluginContext context);

    /**
     * Stops taking new work and finishes or persists what is in flight (e.g. flushes a queue to disk).
     * The hub waits for the returned future, up to a shutdown timeout.
     */
    Future<Void> stop();
}
