package io.certstream.hub;

import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.ConfigLoader;
import io.certstream.hub.config.HubConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.metrics.PrometheusMetrics;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.certstream.hub.cluster.ClusterSetup;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** {@code java -jar certstream-hub.jar [--config FILE] [--demo]}: loads the configuration and runs the hub. */
public final class Main {
    /** Vert.x worker and internal blocking threads: twice the cores, at least 4 (docs/performance.md, "Footprint"). */
    static final int WORKER_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private static final String USAGE = """
            Usage: java -jar hub/target/certstream-hub.jar [--config FILE] [--demo] [--demo-log] [--cluster-node N]

              --config FILE     JSON configuration to use on top of the defaults (see config/hub.json and README.md)
              --demo            run offline against two simulated CT logs on 127.0.0.1 (one RFC 6962, one tiled)
                                instead of the real CT logs
              --demo-log        run only the demo's simulated CT logs, on 127.0.0.1:8090, for a demo cluster
              --cluster-node N  with --demo: run node N (1..3) of a three-node demo cluster on this machine,
                                following the logs of --demo-log: port 808N, cluster port 570N (docs/cluster.md)
              --check-config    validate the configuration, print it as in effect (secrets masked) and exit:
                                status 0 when it is valid, 2 when not (for deployment scripts)
              --version         print the version and the git commit it was built from
              --help            show this help

            Plugins: jars in the plugins directory (pluginDir, default ./plugins) are loaded at start-up;
            configure instances under "plugins" (see config/plugins/README.md).

            Every key can also be set by an environment variable: server.port -> CERTSTREAM_SERVER_PORT.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        OneLineLogFormat.install();
        Path configFile = null;
        boolean demo = false;
        boolean demoLog = false;
        int clusterNode = 0;
        boolean checkConfig = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        fail("--config needs a file name\n\n" + USAGE);
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--demo" -> demo = true;
                case "--demo-log" -> demoLog = true;
                case "--cluster-node" -> {
                    if (i + 1 >= args.length || !args[i + 1].matches("[1-3]")) {
                        fail("--cluster-node needs a node number, 1, 2 or 3\n\n" + USAGE);
                    }
                    clusterNode = Integer.parseInt(args[++i]);
                }
                case "--check-config" -> checkConfig = true;
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    return;
                }
                case "--version", "-V" -> {
                    System.out.println(BuildInfo.describe());
                    return;
                }
                default -> fail("unknown argument: " + args[i] + "\n\n" + USAGE);
            }
        }
        if (clusterNode > 0 && !demo) {
            fail("--cluster-node is for the demo cluster: use it with --demo (a real cluster is configured under \"cluster\", see docs/cluster.md)");
        }
        if (demoLog) {
            DemoCluster.runLogs();
            return;
        }
        Path file = configFile;
        if (checkConfig) {
            System.exit(CheckConfig.run(file, System.getenv(), System.out, System.err));
        }
        Logger.getLogger(Main.class.getName()).info(() -> "Starting " + BuildInfo.describe());
        // --cluster-node: the node's ports, name and members, and the shared simulated logs instead of its own.
        JsonObject nodeOverrides = clusterNode > 0 ? DemoCluster.node(clusterNode) : new JsonObject();
        boolean ownDemoLog = demo && clusterNode == 0;
        HubConfig validated = null;
        try {
            // Validate before starting anything, so a bad value stops the hub with a clear message.
            validated = ConfigLoader.load(file, System.getenv(), nodeOverrides, "--cluster-node");
        } catch (ConfigException e) {
            fail("configuration error: " + e.getMessage());
        }
        Path demoState = ownDemoLog ? freshDemoState(Path.of(validated.stateDir())) : null;
        if (clusterNode > 0) {
            // A demo node follows --demo-log's logs, new each time it starts: fresh positions as for --demo.
            nodeOverrides.put("stateDir", freshDemoState(Path.of(validated.stateDir())).toString());
        }

        // Vert.x's own meters (HTTP, event bus, pools) land in the registry that /metrics serves.
        PrometheusMetrics prometheus = new PrometheusMetrics();
        VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                // Not the event bus: Vert.x would look up a meter per address for every message each consumer gets
                // (a few per cent of the hub's CPU during catch-up); the hub counts what it publishes and drops itself.
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS))
                // Vert.x's default of 20 worker threads is all created and kept after a few minutes (a thread pool
                // starts a new thread per task until it has them all); the hub's blocking work is parsing and
                // decoding batches, one at a time per log, on as many cores as there are: 20 threads only cost stacks.
                .setWorkerPoolSize(WORKER_THREADS)
                .setInternalBlockingPoolSize(WORKER_THREADS);
        VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus.registry()));
        Future<Vertx> started;
        if (validated.cluster().enabled()) {
            // Only here does anything of Hazelcast load: a single hub never touches it.
            started = ClusterSetup.startVertx(builder, options, validated.cluster());
        } else {
            started = Future.succeededFuture(builder.build());
        }
        started.onFailure(e -> fail(e instanceof ConfigException ? "configuration error: " + e.getMessage() : e.getMessage()))
                .onSuccess(vertx -> run(vertx, prometheus, file, nodeOverrides, demoState));
    }

    /** @param demoState the state folder of {@code --demo}'s own simulated logs; null without them */
    private static void run(Vertx vertx, PrometheusMetrics prometheus, Path file, JsonObject nodeOverrides, Path demoState) {
        boolean demo = demoState != null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Straight to stderr: java.util.logging resets its handlers in a shutdown hook of its own, so log
            // records made from here may never be printed.
            System.err.println("certstream-hub: stopping (saving every log's position, stopping plugins)...");
            try {
                // Longer than a plugin's stop timeout, so a webhook can finish writing its queue to disk.
                vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
                System.err.println("certstream-hub: stopped");
            } catch (Exception e) {
                System.err.println("certstream-hub: stopped without finishing cleanly: " + e);
            }
        }, "certstream-shutdown"));

        Future<JsonObject> overrides = demo ? startDemoLog(vertx, demoState) : Future.succeededFuture(nodeOverrides);
        HubMetrics metrics = new HubMetrics(prometheus);
        overrides
                .compose(o -> {
                    HubConfig config = ConfigLoader.load(file, System.getenv(), o, demo ? "--demo" : "--cluster-node");
                    return vertx.deployVerticle(new Hub(config, metrics)).map(config);
                })
                .onSuccess(Main::banner)
                .onFailure(e -> {
                    String message = e instanceof ConfigException ? "configuration error: " + e.getMessage()
                            : e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")
                            ? "cannot listen: " + e.getMessage() + " (another program uses the port: set server.port "
                              + "in the config or CERTSTREAM_SERVER_PORT)"
                            : "cannot start: " + e;
                    vertx.close();
                    fail(message);
                });
    }

    /**
     * Two simulated logs, one followed through its RFC 6962 API and one through its static-ct-api tiled view, both
     * named by the first one's log list, so the demo shows both kinds of watcher at work.
     */
    /**
     * The demo's simulated logs listen on new ports each run, so their positions would only pile up as dead URLs in
     * a real run's {@code positions.json}: the demo keeps its state in {@code <stateDir>/demo}, and its positions
     * start fresh each run (plugins keep their own state there across demo runs).
     */
    private static Path freshDemoState(Path stateDir) {
        Path dir = stateDir.resolve("demo");
        try {
            Files.deleteIfExists(dir.resolve("positions.json"));
        } catch (IOException e) {
            fail("cannot reset the demo's state in " + dir + ": " + e.getMessage() + " (set stateDir to a writable folder)");
        }
        return dir;
    }

    private static Future<JsonObject> startDemoLog(Vertx vertx, Path stateDir) {
        Future<SimulatedCtLog> tiled = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withSeed(2).withDescription("CertStream simulated tiled log"));
        return tiled.compose(t -> SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()))
                .map(log -> {
                    log.listAsTiled(tiled.result());
                    Logger.getLogger(Main.class.getName()).info(() -> "Demo mode: simulated CT logs at " + log.url()
                            + " (RFC 6962) and " + tiled.result().tiledUrl() + " (static-ct-api, tiled)"
                            + " (no internet needed); they issue new certificates every second. Demo state: " + stateDir
                            + " (fresh each run; a real run's positions are not touched)");
                    return new JsonObject()
                            .put("stateDir", stateDir.toString())
                            .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                            .put("watcher", new JsonObject().put("start", 0).put("pollSeconds", 1));
                });
    }

    private static void banner(HubConfig config) {
        String host = config.server().host().equals("0.0.0.0") ? "localhost" : config.server().host();
        String base = host + ":" + config.server().port();
        boolean tls = config.server().access().tls() != null;
        String ws = tls ? "wss://" : "ws://";
        String http = tls ? "https://" : "http://";
        Logger.getLogger(Main.class.getName()).info(() -> "CertStream hub is up:\n"
                + "    " + ws + base + "/              lite stream\n"
                + "    " + ws + base + "/full-stream   full stream (DER and chain)\n"
                + "    " + ws + base + "/domains-only  domains only\n"
                + "    " + http + base + "/stats       logs, positions, clients, certificates/s\n"
                + "    " + http + base + "/metrics     Prometheus metrics\n"
                + "    " + http + base + "/health      which logs are stalled"
                + (config.bridge().sockjs()
                    ? "\n    " + http + base + "/live        live table in the browser (SockJS event-bus bridge at /eventbus)" : "")
                + (config.bridge().tcpPort() > 0
                    ? "\n    tcp://" + config.bridge().tcpHost() + ":" + config.bridge().tcpPort() + "       TCP event-bus bridge (docs/bridge.md)" : ""));
    }

    private static void fail(String message) {
        System.err.println("certstream-hub: " + message);
        System.exit(2);
    }
}
