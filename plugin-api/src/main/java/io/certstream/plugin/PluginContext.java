package io.certstream.plugin;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * What the hub gives a plugin instance: the only way a plugin reaches the hub. Plugins must not look for
 * the hub's classes or globals; everything they may use is here.
 *
 * <p>Certificates arrive on the event bus: {@link #subscribe} to {@link BusAddresses#UPDATES} for
 * {@link io.certstream.model.CertificateUpdate} objects (cheapest, no parsing), or to the wire-format
 * buffers of {@link BusAddresses#LITE} and friends. Alerts are JSON objects on {@link BusAddresses#ALERTS}
 * in the shape of {@link Alert#toJson()}. Publishing (e.g. alerts) goes through {@link #eventBus()}.
 */
public interface PluginContext {

    /**
     * The version of this SPI, raised whenever a plugin built against an older one may break. Compiled into a
     * plugin, it is the version the plugin was built against; {@link #spiVersion()} is the running hub's. History:
     * 1 the first; 2 {@link Subscription} became an interface (rebuild plugins built against 1),
     * {@link #spiVersion()} and {@link PluginFactory#secretKeys()} were added.
     */
    int SPI_VERSION = 2;

    /**
     * The SPI version of the hub the plugin runs in. A plugin that needs a newer hub can say so in
     * {@link Plugin#start}: {@code if (context.spiVersion() < PluginContext.SPI_VERSION) ...} compares the hub's
     * version with the one the plugin was compiled against.
     */
    default int spiVersion() {
        return SPI_VERSION;
    }

    /** The hub's Vert.x instance: timers, file system, worker pool. Do not close it. */
    Vertx vertx();

    /** The hub's event bus, shorthand for {@code vertx().eventBus()}. */
    default EventBus eventBus() {
        return vertx().eventBus();
    }

    /**
     * Receives the bodies of the messages published on a hub address on this instance's context, through a
     * queue of at most {@code capacity} bodies: a plugin that falls behind loses messages (counted in
     * {@link #metrics()} as {@link Subscription#droppedMetric}) instead of slowing the hub or filling its heap.
     * Prefer this to {@code eventBus().consumer(address)}, whose backlog has no bound. Call it from
     * {@link Plugin#start}; the hub cancels the subscription after {@link Plugin#stop}.
     *
     * @param address  e.g. {@link BusAddresses#UPDATES} ({@code CertificateUpdate} bodies) or
     *                 {@link BusAddresses#ALERTS} ({@code JsonObject} bodies)
     * @param capacity most bodies waiting for the handler, e.g. 10,000
     * @param handler  runs on this instance's context
     */
    <T> Subscription<T> subscribe(String address, int capacity, Handler<T> handler);

    /**
     * An HTTP client shared by all plugins (connection pooling, the hub's TLS trust settings).
     * Do not close it; set per-request timeouts with {@code HttpRequest.timeout}.
     */
    WebClient httpClient();

    /**
     * This instance's config entry, without the {@code "type"} and {@code "name"} keys. A read-only view
     * for the plugin: validate it in {@link Plugin#start}, e.g. with {@link PluginConfig}.
     */
    JsonObject config();

    /**
     * The instance name used in logs, metrics and errors: the entry's {@code "name"} if given, else
     * {@code <type>#<n>} where {@code n} counts entries of that type from 1 (e.g. {@code "webhook#2"}).
     */
    String name();

    /**
     * A logger named {@code io.certstream.plugin.<name>}. The hub masks secrets in every line it logs: the values of
     * the keys the factory names in {@link PluginFactory#secretKeys()} and whatever {@link #environment} returned
     * (a URL also by its path, which HTTP errors quote). Log through this logger only, so the mask applies.
     */
    Logger logger();

    /** Counters and gauges of this instance; the hub shows them under {@code plugins.<name>} in {@code /stats}. */
    PluginMetrics metrics();

    /**
     * A directory that belongs to this instance and survives restarts ({@code <stateDir>/plugins/<name>}),
     * created by the hub before {@link Plugin#start}. Use it for queues that must not be lost.
     */
    Path dataDir();

    /**
     * The value of an environment variable, or {@code null}. Plugins read secrets through this (a config
     * key such as {@code "secretEnv"} names the variable) so that tests can supply them; the hub treats every value
     * read here as a secret and masks it in the plugin's log lines and errors.
     */
    default String environment(String variable) {
        return System.getenv(variable);
    }

    /**
     * An exception for a bad config value; fail {@link Plugin#start} with it. The hub reports it as
     * {@code <config file>: plugins[<i>] (<name>): <key> <problem>} and does not start.
     *
     * @param key     the config key, dotted for nested keys, e.g. {@code "rules[2].regex"}
     * @param problem what is wrong and what to do, e.g. {@code "must be an http(s) URL, got \"ftp://x\""}
     */
    default PluginConfigException configError(String key, String problem) {
        return new PluginConfigException(name(), key, problem);
    }
}
