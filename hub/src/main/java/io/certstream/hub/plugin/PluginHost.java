package io.certstream.hub.plugin;

import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.HubConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.publish.PublishingEnd;
import io.certstream.plugin.PluginConfigException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Loads the plugins (class path and plugins directory), lists them, and deploys one {@link PluginVerticle} per
 * entry of the {@code "plugins"} config, in order; the first that fails to start stops the hub's start with a
 * message naming the file, the entry, the plugin and the key. Its own context is the feed that receives bus
 * messages for plugin subscriptions. Undeploying it stops every instance (Vert.x undeploys children first) in
 * the order {@link PluginShutdown} describes: feeds of certificates first, then the sources, then the sinks.
 */
public final class PluginHost extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(PluginHost.class.getName());

    private final HubConfig config;
    private final HubMetrics metrics;
    private final PublishingEnd publishingEnd;
    private PluginLoader.Loaded loaded;
    private WebClient httpClient;

    public PluginHost(HubConfig config, HubMetrics metrics) {
        this(config, metrics, null);
    }

    /** @param publishingEnd when the hub's watchers publish no more: the plugins' feeds close after it at a stop */
    public PluginHost(HubConfig config, HubMetrics metrics, PublishingEnd publishingEnd) {
        this.config = config;
        this.metrics = metrics;
        this.publishingEnd = publishingEnd;
    }

    @Override
    public Future<?> start() {
        Path dir = Path.of(config.pluginDir()).toAbsolutePath().normalize();
        String dirKey = config.pluginsSource() + ": pluginDir";
        return vertx.executeBlocking(() -> PluginLoader.load(PluginHost.class.getClassLoader(), dir, dirKey))
                .compose(found -> {
                    loaded = found;
                    LOG.info(() -> listing(found, dir));
                    List<PluginEntry> entries = PluginEntry.readAll(config.plugins(), config.pluginsSource(), found, dir.toString());
                    if (entries.isEmpty()) {
                        LOG.info("No plugin instances configured (\"plugins\": [] in the config)");
                        return Future.succeededFuture();
                    }
                    httpClient = WebClient.create(vertx, new WebClientOptions().setUserAgent("CertStream-Hub"));
                    shutdown = new PluginShutdown(context, publishingEnd);
                    Future<Void> chain = Future.succeededFuture();
                    for (PluginEntry entry : entries) {
                        chain = chain.compose(v -> startInstance(entry));
                    }
                    return chain;
                });
    }

    /** One line per plugin type: where it came from and what it does. */
    private static String listing(PluginLoader.Loaded found, Path dir) {
        StringBuilder out = new StringBuilder("Plugins available: ").append(found.byType().size());
        found.byType().values().forEach(f -> out.append("\n    ").append(f.type()).append(" (").append(f.source())
                .append("): ").append(f.factory().description()));
        out.append(Files.isDirectory(dir) ? "\n    plugins directory: " + dir
                : "\n    no plugins directory " + dir + " (pluginDir): create it and drop plugin jars in to add plugins");
        return out.toString();
    }

    /** Stops the instances in an order that loses no message between them (see {@link PluginShutdown}). */
    private PluginShutdown shutdown;

    private Future<Void> startInstance(PluginEntry entry) {
        Path dataDir = Path.of(config.stateDir(), "plugins", entry.name()).toAbsolutePath().normalize();
        SecretMask mask = SecretMask.of(entry.factory().factory().secretKeys(), entry.config());
        return vertx.executeBlocking(() -> Files.createDirectories(dataDir))
                .recover(e -> Future.failedFuture(new ConfigException(config.pluginsSource() + ": plugins[" + entry.index()
                        + "] (" + entry.name() + "): cannot create its data directory " + dataDir + " (stateDir): " + e.getMessage())))
                .compose(d -> {
                    return vertx.deployVerticle(new PluginVerticle(entry, context, httpClient, metrics, dataDir, shutdown, mask));
                })
                .<Void>mapEmpty()
                // What the hub says about a plugin never repeats its secrets (a URL in a config error, a token in a cause).
                .recover(e -> Future.failedFuture(e instanceof PluginConfigException pce ? entry.error(pce, mask)
                        : e instanceof ConfigException ? e
                        : new IllegalStateException(mask.mask("plugin " + entry.name() + " (type " + entry.type() + ", "
                          + entry.factory().source() + ") failed to start: " + e), mask.mask(e))))
                .onSuccess(v -> LOG.info(() -> "Started plugin " + entry.name() + " (type " + entry.type() + ")"));
    }

    @Override
    public Future<?> stop() {
        if (httpClient != null) {
            httpClient.close();
        }
        if (loaded != null) {
            loaded.close();
        }
        return Future.succeededFuture();
    }
}
