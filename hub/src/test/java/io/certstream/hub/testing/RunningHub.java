package io.certstream.hub.testing;

import io.certstream.hub.Hub;
import io.certstream.hub.config.ConfigLoader;
import io.certstream.hub.config.HubConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.metrics.LogMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/** A hub deployed in the test's Vert.x on a free port, configured from the defaults plus the test's overrides. */
public final class RunningHub {
    private final Vertx vertx;
    private final String deploymentId;
    private final int port;
    private final HubMetrics metrics;
    private final HubConfig config;
    private final Hub hub;

    private RunningHub(Vertx vertx, Hub hub, String deploymentId, int port, HubMetrics metrics, HubConfig config) {
        this.hub = hub;
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.port = port;
        this.metrics = metrics;
        this.config = config;
    }

    /** Starts a hub that watches no real logs: only what {@code overrides} names (logList / logs). */
    public static Future<RunningHub> start(Vertx vertx, JsonObject overrides) {
        return start(vertx, null, overrides);
    }

    /**
     * Like {@link #start(Vertx, JsonObject)} with a config file between the defaults and the overrides, as
     * {@code --config FILE} gives it; config errors then name the file.
     */
    public static Future<RunningHub> start(Vertx vertx, Path configFile, JsonObject overrides) {
        return start(vertx, configFile, overrides, router -> { });
    }

    /**
     * Like {@link #start(Vertx, JsonObject)}, with {@code extraRoutes} called by each web verticle instance as it
     * starts, on that instance's context ({@code Vertx.currentContext()} there is the instance's event loop).
     */
    public static Future<RunningHub> start(Vertx vertx, JsonObject overrides, Consumer<Router> extraRoutes) {
        return start(vertx, null, overrides, extraRoutes);
    }

    private static Future<RunningHub> start(Vertx vertx, Path configFile, JsonObject overrides,
                                            Consumer<Router> extraRoutes) {
        int port = freePort();
        JsonObject base = new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 2))
                .put("logList", new JsonObject().put("enabled", false))
                .put("watcher", new JsonObject().put("pollSeconds", 1).put("maxBackoffSeconds", 2))
                // A fresh state folder per hub: positions saved by one test never leak into another.
                .put("stateDir", tempStateDir());
        JsonObject merged = base.mergeIn(overrides, true);
        HubConfig config;
        try {
            config = ConfigLoader.load(configFile, Map.of(), merged, "test overrides");
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        HubMetrics metrics = new HubMetrics();
        Hub hub = new Hub(config, metrics, extraRoutes);
        return vertx.deployVerticle(hub)
                // The configured port: a test's server.port override (e.g. to restart on the same port) wins.
                .map(id -> new RunningHub(vertx, hub, id, config.server().port(), metrics, config));
    }

    private static String tempStateDir() {
        try {
            return Files.createTempDirectory("certstream-state").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port free on 127.0.0.1 now, for a server the test starts next. Taken below Linux's ephemeral range
     * (32768-60999): a port the kernel hands out itself can go to any outgoing connection of the test run between this
     * check and the server's bind ("Address already in use" in a full run), a port below that range cannot.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: another one
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public HubMetrics metrics() {
        return metrics;
    }

    /** Waits until the hub has a watcher for the log at {@code url}, and returns that watcher's metrics. */
    public LogMetrics awaitWatcher(String url, Duration timeout) throws InterruptedException {
        Async.waitFor(timeout, "a watcher for " + url, () -> metrics.logs().get(url) != null);
        return metrics.logs().get(url);
    }

    public HubConfig config() {
        return config;
    }

    /** Re-reads the log list now, as the hub does every {@code logList.refreshMinutes}; completes once applied. */
    public Future<Void> refreshLogList() {
        return hub.refreshLogList();
    }

    public Future<Void> stop() {
        return vertx.undeploy(deploymentId);
    }
}
