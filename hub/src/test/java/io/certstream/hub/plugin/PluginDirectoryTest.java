package io.certstream.hub.plugin;

import io.certstream.hub.config.ConfigException;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.PluginJars;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.PluginContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugins built outside the hub: a jar compiled by the test (as a third party would build it) is dropped into
 * the plugins directory, found, configured from the config's {@code plugins} entries and fed the certificates
 * of a simulated log. Config mistakes stop the hub with a message naming the file, the entry and the key.
 */
class PluginDirectoryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A plugin written against the plugin API only: echoes each certificate on a bus address of its config. */
    static final String ECHO_SOURCE = """
            package dropin;

            import io.certstream.model.CertificateUpdate;
            import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.PluginContext;
            import io.certstream.plugin.Plugin;
            import io.certstream.plugin.PluginConfig;
            import io.certstream.plugin.PluginContext;
            import io.certstream.plugin.PluginFactory;
            import io.certstream.plugin.Subscription;
            import io.vertx.core.Future;
            import io.vertx.core.json.JsonArray;
            import io.vertx.core.json.JsonObject;

            public final class EchoFactory implements PluginFactory {
                public String type() { return "echo"; }
                public String description() { return "echoes certificates (a test plugin built outside the hub)"; }
                public Plugin create() { return new Echo(); }

                static final class Echo implements Plugin {
                    private Subscription<CertificateUpdate> subscription;
                    private PluginContext context;
                    private String address;
                    private long stopDelayMillis;

                    public Future<Void> start(PluginContext c) {
                        context = c;
                        PluginConfig config = PluginConfig.of(c).allowOnly("address", "busyMillis", "queueSize", "stopDelayMillis");
                        stopDelayMillis = config.longValue("stopDelayMillis", 0, 0, 5000);
                        address = config.requiredString("address");
                        long busyMillis = config.longValue("busyMillis", 0, 0, 1000);
                        int queueSize = config.integer("queueSize", 10000, 1, 100000);
                        subscription = c.<CertificateUpdate>subscribe(BusAddresses.UPDATES, queueSize, u -> {
                            long until = System.nanoTime() + busyMillis * 1_000_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();   // a plugin that cannot keep up
                            }
                            c.metrics().counter("echoed").increment();
                            c.eventBus().publish(address, new JsonObject()
                                    .put("plugin", c.name())
                                    .put("index", u.certIndex())
                                    .put("domains", new JsonArray(u.leaf().allDomains()))
                                    .put("loader", getClass().getClassLoader().getName())
                                    .put("dataDir", c.dataDir().toString()));
                        });
                        return Future.succeededFuture();
                    }

                    public Future<Void> stop() {
                        io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
                        context.vertx().setTimer(stopDelayMillis + 1, t -> later.complete());
                        return later.future()
                                .compose(v -> subscription.close())
                                .onSuccess(v -> context.eventBus().publish(address, new JsonObject()
                                        .put("plugin", "stops").put("stopped", context.name())));
                    }
                }
            }
            """;

    /** A sink written against the plugin API: counts the messages of an address; its stop reports the count. */
    static final String COLLECT_SOURCE = """
            package collect;

            import io.certstream.plugin.Plugin;
            import io.certstream.plugin.PluginConfig;
            import io.certstream.plugin.PluginContext;
            import io.certstream.plugin.PluginFactory;
            import io.certstream.plugin.Subscription;
            import io.vertx.core.Future;
            import io.vertx.core.json.JsonObject;

            public final class CollectFactory implements PluginFactory {
                public String type() { return "collect"; }
                public String description() { return "counts the messages of an address (a test sink)"; }
                public Plugin create() { return new Collect(); }

                static final class Collect implements Plugin {
                    private Subscription<JsonObject> subscription;
                    private PluginContext context;
                    private String report;
                    private long count;

                    public Future<Void> start(PluginContext c) {
                        context = c;
                        PluginConfig config = PluginConfig.of(c).allowOnly("address", "report");
                        report = config.requiredString("report");
                        subscription = c.<JsonObject>subscribe(config.requiredString("address"), 100000, m -> count++);
                        return Future.succeededFuture();
                    }

                    public Future<Void> stop() {
                        return subscription.close().onSuccess(v -> context.eventBus().publish(report,
                                new JsonObject().put("plugin", context.name()).put("collected", count)));
                    }
                }
            }
            """;

    /**
     * A plugin holding a token: its factory names it in {@code secretKeys()}, so the hub masks it wherever it would
     * show. It logs the token, reports the SPI version of the hub it runs in, and fails its start if told to.
     */
    static final String SECRETIVE_SOURCE = """
            package secretive;

            import io.certstream.plugin.Plugin;
            import io.certstream.plugin.PluginConfig;
            import io.certstream.plugin.PluginContext;
            import io.certstream.plugin.PluginFactory;
            import io.vertx.core.Future;
            import io.vertx.core.json.JsonObject;
            import java.util.Set;

            public final class SecretiveFactory implements PluginFactory {
                public String type() { return "secretive"; }
                public String description() { return "holds a token (a test plugin)"; }
                public Set<String> secretKeys() { return Set.of("token"); }
                public Plugin create() {
                    return new Plugin() {
                        public Future<Void> start(PluginContext c) {
                            PluginConfig config = PluginConfig.of(c).allowOnly("token", "tokenEnv", "fail");
                            String token = config.secret("token", "tokenEnv", true);
                            c.logger().warning("connecting with " + token);
                            c.eventBus().publish("test.secretive", new JsonObject().put("spiVersion", c.spiVersion())
                                    .put("builtAgainst", PluginContext.SPI_VERSION));
                            return switch (config.string("fail", "no")) {
                                case "config" -> Future.failedFuture(c.configError("token", "was refused: " + token));
                                case "crash" -> Future.failedFuture(new IllegalStateException("cannot log in as " + token));
                                default -> Future.succeededFuture();
                            };
                        }

                        public Future<Void> stop() { return Future.succeededFuture(); }
                    };
                }
            }
            """;

    @TempDir
    Path dir;
    private Vertx vertx;
    private SimulatedCtLog log;
    private Path pluginDir;
    private final Map<String, List<JsonObject>> echoes = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(16).withSeed(7)));
        pluginDir = dir.resolve("plugins");
        PluginJars.build(pluginDir.resolve("echo.jar"), Map.of("dropin.EchoFactory", ECHO_SOURCE), "dropin.EchoFactory");
        vertx.eventBus().<JsonObject>localConsumer("test.echo", m -> echoes
                .computeIfAbsent(m.body().getString("plugin"), p -> new CopyOnWriteArrayList<>()).add(m.body()));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    /** Overrides for the hub: the simulated log, temp directories, and no plugins (those come from a file). */
    private JsonObject hubSettings() {
        return new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("stateDir", dir.resolve("state").toString())
                .put("pluginDir", pluginDir.toString());
    }

    private JsonObject hubConfig(JsonArray plugins) {
        return hubSettings().put("plugins", plugins);
    }

    private Path configFile(JsonArray plugins) throws Exception {
        Path file = dir.resolve("my-hub.json");
        Files.writeString(file, new JsonObject().put("plugins", plugins).encodePrettily());
        return file;
    }

    @Test
    void aJarDroppedIntoThePluginsDirectoryIsLoadedConfiguredAndFedCertificates() throws Exception {
        RunningHub hub = await(RunningHub.start(vertx, hubConfig(new JsonArray()
                .add(new JsonObject().put("type", "echo").put("address", "test.echo"))
                .add(new JsonObject().put("type", "echo").put("name", "second").put("address", "test.echo")))));
        await(log.append(30));

        Async.waitFor(WAIT, "30 echoes from each instance", () -> echoes.getOrDefault("echo#1", List.of()).size() >= 30
                && echoes.getOrDefault("second", List.of()).size() >= 30);
        for (String instance : List.of("echo#1", "second")) {
            List<JsonObject> got = echoes.get(instance);
            assertEquals(LongStream.range(0, 30).boxed().toList(), got.stream().map(e -> e.getLong("index")).toList());
            for (JsonObject e : got) {
                assertEquals(log.entry(e.getLong("index")).domains(), e.getJsonArray("domains").getList());
                assertEquals("plugin:echo.jar", e.getString("loader"), "the jar's own class loader");
            }
            assertEquals(dir.resolve("state").resolve("plugins").resolve(instance).toAbsolutePath().toString(),
                    got.get(0).getString("dataDir"));
            assertTrue(Files.isDirectory(Path.of(got.get(0).getString("dataDir"))));
        }
        JsonObject stats = hub.metrics().toJson().getJsonObject("plugins");
        assertEquals("echo", stats.getJsonObject("second").getString("type"));
        assertEquals(30, stats.getJsonObject("echo#1").getLong("echoed"));
    }

    @Test
    void theHubMasksTheSecretKeysAPluginNamesAndTellsItsSpiVersion() throws Exception {
        PluginJars.build(pluginDir.resolve("secretive.jar"), Map.of("secretive.SecretiveFactory", SECRETIVE_SOURCE),
                "secretive.SecretiveFactory");
        List<JsonObject> reports = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>localConsumer("test.secretive", m -> reports.add(m.body()));
        String token = "tok-9f8e7d6c5b4a";
        try (LogCapture logged = LogCapture.of("io.certstream.plugin")) {
            RunningHub hub = await(RunningHub.start(vertx, hubConfig(new JsonArray()
                    .add(new JsonObject().put("type", "secretive").put("name", "inline").put("token", token)))));
            Async.waitFor(WAIT, "the plugin's report", () -> reports.size() == 1);
            assertEquals(PluginContext.SPI_VERSION, reports.get(0).getInteger("spiVersion"));
            assertEquals(PluginContext.SPI_VERSION, reports.get(0).getInteger("builtAgainst"));
            assertEquals(List.of("WARNING connecting with <secret token>"), logged.matching("connecting with"));
            await(hub.stop());
        }

        ConfigException refused = startFails(null, hubConfig(new JsonArray()
                .add(new JsonObject().put("type", "secretive").put("token", token).put("fail", "config"))));
        assertTrue(refused.getMessage().endsWith("plugins[0] (secretive#1, type secretive): token was refused: <secret token>"),
                refused.getMessage());

        Future<RunningHub> crashed = RunningHub.start(vertx, hubConfig(new JsonArray()
                .add(new JsonObject().put("type", "secretive").put("token", token).put("fail", "crash"))));
        ExecutionException e = Assertions.assertThrows(ExecutionException.class, () -> await(crashed));
        StringWriter trace = new StringWriter();
        e.getCause().printStackTrace(new PrintWriter(trace));
        assertTrue(trace.toString().contains("cannot log in as <secret token>"), trace.toString());
        assertFalse(trace.toString().contains(token), "the token in the hub's error: " + trace);
    }

    @Test
    void instancesStopOneAfterTheOtherInConfigOrder() throws Exception {
        RunningHub hub = await(RunningHub.start(vertx, hubConfig(new JsonArray()
                .add(new JsonObject().put("type", "echo").put("name", "source").put("address", "test.echo").put("stopDelayMillis", 300))
                .add(new JsonObject().put("type", "echo").put("name", "middle").put("address", "test.echo").put("stopDelayMillis", 100))
                .add(new JsonObject().put("type", "echo").put("name", "sink").put("address", "test.echo")))));
        await(hub.stop());
        Async.waitFor(WAIT, "three stops", () -> echoes.getOrDefault("stops", List.of()).size() == 3);
        assertEquals(List.of("source", "middle", "sink"),
                echoes.get("stops").stream().map(e -> e.getString("stopped")).toList());
    }

    @Test
    void aSinkListedBeforeItsSourceStillGetsWhatTheSourceRaisesWhileStopping() throws Exception {
        PluginJars.build(pluginDir.resolve("collect.jar"), Map.of("collect.CollectFactory", COLLECT_SOURCE), "collect.CollectFactory");
        List<JsonObject> reports = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>localConsumer("test.collected", m -> reports.add(m.body()));
        // The sink first, as a config may well list a webhook before keyword-alert; the source is slow, so
        // certificates still wait in its queue when the hub stops, and their messages are raised while it stops.
        RunningHub hub = await(RunningHub.start(vertx, hubConfig(new JsonArray()
                .add(new JsonObject().put("type", "collect").put("name", "sink").put("address", "test.echo")
                        .put("report", "test.collected"))
                .add(new JsonObject().put("type", "echo").put("name", "source").put("address", "test.echo")
                        .put("busyMillis", 5).put("stopDelayMillis", 100)))));
        await(log.append(100));
        Async.waitFor(WAIT, "the source under way", () -> echoes.getOrDefault("source", List.of()).size() >= 5);
        await(hub.stop());

        Async.waitFor(WAIT, "the sink's report", () -> reports.size() == 1);
        Thread.sleep(200);   // anything published after the sink stopped would have reached the test by now
        long echoed = echoes.getOrDefault("source", List.of()).size();
        assertTrue(echoed > 5 && echoed <= 100, "the source matched the certificates it held when the hub stopped: " + echoed);
        assertEquals(List.of("source"), echoes.get("stops").stream().map(e -> e.getString("stopped")).toList());
        // Every echo and the source's last message on stop: none published after the sink stopped.
        assertEquals(echoed + 1, reports.get(0).getLong("collected"), "the sink got all " + echoed + " echoes and the stop message");
    }

    @Test
    void aHubStoppedWhileCertificatesFlowDiscardsNoBusMessage() throws Exception {
        // A log with a backlog, caught up from index 0: the hub publishes certificates until its watcher stops. Its
        // plugins' bus consumers must not be unregistered while deliveries are still queued for them, or Vert.x
        // discards those with a warning at every stop ("Discarding message since the consumer is not registered").
        SimulatedCtLog busy = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(5_000).withEntriesPerSecond(0).withBatchCap(16).withSeed(11)));
        JsonObject config = hubConfig(new JsonArray()
                .add(new JsonObject().put("type", "echo").put("name", "first").put("address", "test.echo"))
                .add(new JsonObject().put("type", "echo").put("name", "second").put("address", "test.echo").put("queueSize", 50)))
                .put("logs", new JsonArray().add(new JsonObject().put("url", busy.url()).put("start", 0)));
        try (LogCapture bus = LogCapture.of("io.vertx.core.eventbus")) {
            RunningHub hub = await(RunningHub.start(vertx, config));
            Async.waitFor(WAIT, "the catch-up under way", () -> echoes.getOrDefault("first", List.of()).size() >= 200);
            await(hub.stop());
            long echoed = echoes.get("first").size();
            assertTrue(echoed < 5_000, "the hub stopped while certificates were still being published: " + echoed);
            List<String> discarded = bus.matching("Discarding message");
            assertTrue(discarded.isEmpty(), "Vert.x's event bus discarded " + discarded.size() + " deliveries at the hub's stop, e.g. "
                    + discarded.stream().findFirst().orElse(""));
        }
    }

    @Test
    void aPluginThatCannotKeepUpLosesCertificatesNotTheHub() throws Exception {
        List<Long> published = new CopyOnWriteArrayList<>();
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> published.add(m.body().certIndex()));
        RunningHub hub = await(RunningHub.start(vertx, hubConfig(new JsonArray().add(new JsonObject()
                .put("type", "echo").put("name", "slow").put("address", "test.echo").put("busyMillis", 20).put("queueSize", 5)))));
        await(log.append(200));

        Async.waitFor(WAIT, "all 200 published", () -> published.size() >= 200);
        Async.waitFor(WAIT, "the slow plugin done with what it kept", () -> {
            JsonObject slow = hub.metrics().toJson().getJsonObject("plugins").getJsonObject("slow");
            return slow.getLong("echoed", 0L) + slow.getLong("dropped_certstream_updates", 0L) == 200;
        });
        JsonObject slow = hub.metrics().toJson().getJsonObject("plugins").getJsonObject("slow");
        assertEquals(LongStream.range(0, 200).boxed().toList(), published, "the hub published everything, in order");
        assertTrue(slow.getLong("dropped_certstream_updates") > 0, "the plugin's bounded queue overflowed: " + slow);
        assertEquals(0, slow.getLong("queued_certstream_updates"));
    }

    @Test
    void anUnknownTypeNamesTheEntryTheFileAndWhatIsLoaded() throws Exception {
        JsonArray plugins = new JsonArray().add(new JsonObject().put("type", "echo").put("address", "x"))
                .add(new JsonObject().put("type", "ecko"));
        Path file = configFile(plugins);
        ConfigException e = startFails(file, hubSettings());
        assertTrue(e.getMessage().startsWith(file + ": plugins[1].type \"ecko\" is not a loaded plugin"), e.getMessage());
        assertTrue(e.getMessage().contains("echo (" + pluginDir.resolve("echo.jar")), e.getMessage());
    }

    @Test
    void aBadPluginConfigNamesThePluginTheKeyAndTheFile() throws Exception {
        JsonArray plugins = new JsonArray().add(new JsonObject().put("type", "echo").put("adress", "x"));
        Path file = configFile(plugins);
        ConfigException e = startFails(file, hubSettings());
        assertTrue(e.getMessage().startsWith(file + ": plugins[0] (echo#1, type echo): adress is not a known key"), e.getMessage());

        Files.writeString(file, new JsonObject().put("plugins", new JsonArray().add(new JsonObject().put("type", "echo"))).encode());
        e = startFails(file, hubSettings());
        assertEquals(file + ": plugins[0] (echo#1, type echo): address is required", e.getMessage());
    }

    @Test
    void twoJarsClaimingOneTypeStopTheHub() throws Exception {
        Files.copy(pluginDir.resolve("echo.jar"), pluginDir.resolve("echo-copy.jar"));
        ConfigException e = startFails(null, hubSettings());
        assertTrue(e.getMessage().startsWith("two plugins have the type \"echo\": " + pluginDir.resolve("echo-copy.jar")
                + " and " + pluginDir.resolve("echo.jar")), e.getMessage());
    }

    @Test
    void mainExitsWithStatus2AndNamesTheKeyAndFile() throws Exception {
        Path file = dir.resolve("bad-plugin.json");
        Files.writeString(file, new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", 0))
                .put("logList", new JsonObject().put("enabled", false))
                .put("stateDir", dir.resolve("state").toString())
                .put("pluginDir", pluginDir.toString())
                .put("plugins", new JsonArray().add(new JsonObject().put("type", "echo").put("address", 42))).encode());
        Path out = Files.createDirectories(Path.of("target", "main-exit")).resolve("stdout-stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", PluginJars.classPath(), "io.certstream.hub.Main", "--config", file.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the hub did not stop");
        String output = Files.readString(out);
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("configuration error: " + file + ": plugins[0] (echo#1, type echo): address must be a string"), output);
    }

    private ConfigException startFails(Path file, JsonObject overrides) throws Exception {
        Future<RunningHub> started = RunningHub.start(vertx, file, overrides);
        ExecutionException e = Assertions.assertThrows(ExecutionException.class, () -> await(started));
        return assertInstanceOf(ConfigException.class, e.getCause());
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
