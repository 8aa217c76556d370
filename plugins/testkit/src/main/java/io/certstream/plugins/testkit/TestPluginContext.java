package io.certstream.plugins.testkit;

import io.certstream.plugin.PluginContext;
import io.certstream.plugin.PluginMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/** A {@link PluginContext} over a real Vert.x, as the hub would give it, with environment variables from a map. */
public final class TestPluginContext implements PluginContext {
    private final Vertx vertx;
    private final WebClient httpClient;
    private final String name;
    private final JsonObject config;
    private final Path dataDir;
    private final Map<String, String> environment;
    private final PluginMetrics metrics = new PluginMetrics();

    public TestPluginContext(Vertx vertx, WebClient httpClient, String name, JsonObject config, Path dataDir,
                             Map<String, String> environment) {
        this.vertx = vertx;
        this.httpClient = httpClient;
        this.name = name;
        this.config = config;
        this.dataDir = dataDir;
        this.environment = environment;
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
        return Logger.getLogger("io.certstream.plugin." + name);
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
        return environment.get(variable);
    }
}
