package io.certstream.client.testing;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The real hub on 127.0.0.1 following a simulated CT log that only grows when the test says so, with
 * one-second heartbeats. The hub can be stopped and started again on the same port, which is what a
 * client sees when a server restarts. The hub runs in a Vert.x instance of its own, closed on stop like
 * a hub process that ends (and because a hub cannot be deployed twice in one Vert.x: it registers a
 * default event-bus codec).
 */
public final class HubOnSimulatedLog implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final SimulatedCtLog log;
    private final int port;
    private Vertx hubVertx;
    private RunningHub hub;

    private HubOnSimulatedLog(Vertx vertx, SimulatedCtLog log, int port) {
        this.vertx = vertx;
        this.log = log;
        this.port = port;
    }

    /** Starts the log with {@code initialSize} entries and a hub watching it from its head. */
    public static HubOnSimulatedLog start(int initialSize) throws Exception {
        Vertx vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(initialSize).withEntriesPerSecond(0).withBatchCap(16).withPrecertRatio(0.5).withSeed(8)));
        HubOnSimulatedLog running = new HubOnSimulatedLog(vertx, log, RunningHub.freePort());
        running.startHub();
        return running;
    }

    /** Starts (again) the hub on this fixture's port and waits until it follows the log's head. */
    public void startHub() throws Exception {
        hubVertx = Vertx.vertx();
        hub = await(RunningHub.start(hubVertx, new JsonObject()
                .put("server", new JsonObject().put("port", port).put("heartbeatSeconds", 1))
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                .put("watcher", new JsonObject().put("start", "head"))));
        awaitWatcherAt(log.size());
    }

    /** Stops the hub (its websockets close, its port is free); the log keeps running. */
    public void stopHub() throws Exception {
        await(hubVertx.close());
        hubVertx = null;
        hub = null;
    }

    /** Issues {@code n} entries and returns the index of the first. */
    public long append(int n) throws Exception {
        long first = log.size();
        await(log.append(n));
        return first;
    }

    public IssuedEntry entry(long index) {
        return log.entry(index);
    }

    public SimulatedCtLog log() {
        return log;
    }

    public String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    public Vertx vertx() {
        return vertx;
    }

    private void awaitWatcherAt(long index) throws InterruptedException {
        Async.waitFor(WAIT, () -> "the hub's watcher did not reach index " + index + " of " + log.url(),
                () -> !hub.metrics().logs().isEmpty() && hub.metrics().logs().values().iterator().next().nextIndex() == index);
    }

    @Override
    public void close() throws Exception {
        if (hubVertx != null) {
            await(hubVertx.close());
        }
        await(vertx.close());
    }

    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
