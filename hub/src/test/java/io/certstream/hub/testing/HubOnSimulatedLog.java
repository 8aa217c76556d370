package io.certstream.hub.testing;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The real hub on 127.0.0.1 following a simulated CT log, as a JUnit 5 extension: the one set-up of every test that
 * needs "a log and a hub watching it". Registered on an instance field ({@code @RegisterExtension}) it starts before
 * each test and closes after it; on a static field, once for the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(HubOnSimulatedLog.growingOnDemand(5).withSeed(42));
 * }</pre>
 *
 * By default the hub discovers the log through its log list, starts at its head, sends heartbeats every second and
 * the fixture waits until the watcher stands at the log's head ({@link #config}, {@link #awaitHead}). With
 * {@link #restartable()} the hub runs in a Vert.x instance of its own, on a port of its own, so that a test can stop
 * and start it again on the same port (what a client sees when a server restarts; a hub cannot be deployed twice in
 * one Vert.x: it registers a default event-bus codec). Otherwise it shares {@link #vertx()} with the log, so the test
 * can listen on the hub's event bus. With {@link #startedByTest()} the test starts the hub itself.
 */
public final class HubOnSimulatedLog implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    public static final Duration WAIT = Duration.ofSeconds(60);

    private final SimulatedLogOptions logOptions;
    private Function<SimulatedCtLog, JsonObject> config = HubOnSimulatedLog::followLogList;
    private Setup beforeStart = vertx -> { };
    private boolean restartable;
    private boolean awaitHead = true;
    private boolean startedByTest;

    private boolean perClass;
    private Vertx vertx;
    private SimulatedCtLog log;
    private int port;
    private String stateDir;
    private Vertx hubVertx;
    private RunningHub hub;

    private HubOnSimulatedLog(SimulatedLogOptions logOptions) {
        this.logOptions = logOptions;
    }

    /** A log started with these options (usually {@code withEntriesPerSecond(0)}: it grows when the test says so). */
    public static HubOnSimulatedLog of(SimulatedLogOptions logOptions) {
        return new HubOnSimulatedLog(logOptions);
    }

    /**
     * A log of {@code initialSize} entries that grows only when the test says so ({@link #append}), half of them
     * precertificates, served in batches of at most 16 (so a watcher needs several requests).
     */
    public static SimulatedLogOptions growingOnDemand(int initialSize) {
        return SimulatedLogOptions.defaults().withInitialSize(initialSize).withEntriesPerSecond(0).withBatchCap(16)
                .withPrecertRatio(0.5);
    }

    /**
     * The hub's configuration overrides (as {@link RunningHub#start(Vertx, JsonObject)} takes them), made from the
     * started log (for its URLs). Default: {@link #followLogList}.
     */
    public HubOnSimulatedLog config(Function<SimulatedCtLog, JsonObject> config) {
        this.config = config;
        return this;
    }

    /** A set-up step that may wait for what it starts. */
    @FunctionalInterface
    public interface Setup {
        void run(Vertx vertx) throws Exception;
    }

    /**
     * Runs with the fixture's Vert.x before the log and the hub start: to listen on the event bus from the start, or
     * to start what the hub's configuration names (e.g. an HTTP receiver for a plugin).
     */
    public HubOnSimulatedLog beforeStart(Setup beforeStart) {
        this.beforeStart = beforeStart;
        return this;
    }

    /**
     * The hub in a Vert.x of its own on a fixed port and with one state folder: {@link #stopHub()} and
     * {@link #startHub()} restart it as one installation restarts (saved log positions and replay buffer kept).
     */
    public HubOnSimulatedLog restartable() {
        this.restartable = true;
        return this;
    }

    /**
     * Only the log starts before each test; the test starts the hub with {@link #startHub()} when it is ready (e.g.
     * after taking a receiver down), and may restart it. Implies {@link #restartable()}.
     */
    public HubOnSimulatedLog startedByTest() {
        this.startedByTest = true;
        this.restartable = true;
        return this;
    }

    /** Whether the start waits until the hub's only watcher stands at the log's head (default: yes). */
    public HubOnSimulatedLog awaitHead(boolean awaitHead) {
        this.awaitHead = awaitHead;
        return this;
    }

    /** The default configuration: the log found through its log list, read from its head, heartbeats every second. */
    public static JsonObject followLogList(SimulatedCtLog log) {
        return new JsonObject()
                .put("server", new JsonObject().put("heartbeatSeconds", 1))
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                .put("watcher", new JsonObject().put("start", "head"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            close();
        }
    }

    private void start() throws Exception {
        vertx = Vertx.vertx();
        beforeStart.run(vertx);
        log = await(SimulatedCtLog.start(vertx, logOptions));
        port = restartable ? RunningHub.freePort() : 0;
        stateDir = restartable ? java.nio.file.Files.createTempDirectory("certstream-state").toString() : null;
        if (!startedByTest) {
            startHub();
        }
    }

    /** Starts (again) the hub and, unless told otherwise, waits until it follows the log's head. */
    public void startHub() throws Exception {
        if (hub != null || hubVertx != null) {
            throw new IllegalStateException("the hub is running: stopHub() first");
        }
        JsonObject overrides = config.apply(log).copy();
        if (restartable) {
            hubVertx = Vertx.vertx();
            JsonObject server = overrides.getJsonObject("server", new JsonObject());
            overrides.put("server", server.copy().put("port", port));
            if (!overrides.containsKey("stateDir")) {
                overrides.put("stateDir", stateDir);
            }
        }
        hub = await(RunningHub.start(restartable ? hubVertx : vertx, overrides));
        if (awaitHead) {
            awaitWatcherAt(log.size());
        }
    }

    /** Stops a {@link #restartable()} hub (its websockets close, its port is free); the log keeps running. */
    public void stopHub() throws Exception {
        if (!restartable) {
            throw new IllegalStateException("only a restartable() hub can be stopped and started again");
        }
        await(hubVertx.close());
        hubVertx = null;
        hub = null;
    }

    /** Waits until the hub's only watcher has read up to {@code index} (exclusive). */
    public void awaitWatcherAt(long index) throws InterruptedException {
        Async.waitFor(WAIT, () -> "the hub's watcher did not reach index " + index + " of " + log.url(),
                () -> !hub.metrics().logs().isEmpty() && hub.metrics().logs().values().iterator().next().nextIndex() == index);
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

    /** The Vert.x of the log (and of the hub, unless {@link #restartable()}); the test's clients may use it. */
    public Vertx vertx() {
        return vertx;
    }

    public SimulatedCtLog log() {
        return log;
    }

    public RunningHub hub() {
        return hub;
    }

    /** The hub's port (a restartable hub keeps its port while stopped). */
    public int port() {
        return restartable ? port : hub.port();
    }

    /** A websocket URL of the hub, e.g. {@code url("/full-stream")}. */
    public String url(String path) {
        return "ws://127.0.0.1:" + port() + path;
    }

    private void close() throws Exception {
        if (hubVertx != null) {
            await(hubVertx.close());
            hubVertx = null;
        }
        if (vertx != null) {
            await(vertx.close());
            vertx = null;
        }
    }

    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
