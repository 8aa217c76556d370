package io.certstream.plugins.testkit;

import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginContext;
import io.certstream.plugin.PluginFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Starts a plugin the way the hub does: inside a verticle of its own, so that start, stop and its handlers
 * share one event-loop context. {@link #stop()} undeploys the verticle, which stops the plugin.
 */
public final class RunningPlugin {
    private final PluginContext context;
    private final String deploymentId;

    private RunningPlugin(PluginContext context, String deploymentId) {
        this.context = context;
        this.deploymentId = deploymentId;
    }

    /** Creates an instance with {@code factory} and starts it; its {@code secretKeys()} are masked as in the hub. */
    public static Future<RunningPlugin> start(PluginFactory factory, TestPluginContext pluginContext) {
        pluginContext.maskSecrets(factory.secretKeys());
        return start(factory.create(), pluginContext);
    }

    public static Future<RunningPlugin> start(Plugin plugin, PluginContext pluginContext) {
        // VerticleBase has a field named context (the Vert.x one): keep the names apart.
        return pluginContext.vertx().deployVerticle(new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        return plugin.start(pluginContext).compose(v -> pluginContext instanceof TestPluginContext t
                                ? t.subscriptionsRegistered() : Future.succeededFuture());
                    }

                    @Override
                    public Future<?> stop() {
                        return plugin.stop().onComplete(ar -> {
                            if (pluginContext instanceof TestPluginContext t) {
                                t.cancelSubscriptions();
                            }
                        });
                    }
                })
                .map(id -> new RunningPlugin(pluginContext, id));
    }

    public PluginContext context() {
        return context;
    }

    public Future<Void> stop() {
        return context.vertx().undeploy(deploymentId);
    }
}
