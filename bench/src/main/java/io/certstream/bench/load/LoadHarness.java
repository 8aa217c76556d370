package io.certstream.bench.load;

import io.certstream.bench.BenchEntries;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Certificate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end load harness ({@code bench/run-load [--smoke]}): a log with a large backlog, the hub in its own
 * JVM, websocket clients in this one. Phases:
 * <ol>
 *   <li>catch-up: one full-stream client; the log reveals its backlog; certificates/s until the last arrives;</li>
 *   <li>live lite: N lite clients while the log appends at a fixed rate; delivery latency from the entry's log
 *       timestamp to receipt;</li>
 *   <li>live domains-only: the same with N domains-only clients.</li>
 * </ol>
 * Throughout, once a second: the hub's CPU, heap and RSS. At the end: drops from the hub's {@code /stats}.
 * Writes {@code results.json}, {@code results.md} and {@code chart.svg} to the output folder.
 */
public final class LoadHarness {
    private final LoadOptions options;
    private final List<JsonObject> timeline = new ArrayList<>();
    private final long startMillis = System.currentTimeMillis();
    private volatile String phase = "setup";
    private static volatile boolean progressToStderr;
    private Vertx vertx;
    /** The log's own event loop: a 5 MB get-entries answer being built must not hold up the clients' reads. */
    private Vertx logVertx;
    private HubProcess hub;
    private BacklogLog log;
    private StreamClients clients;
    private HttpClient http;
    private int hubPort;
    private HubProcess.Sample lastSample;
    private long lastSampleMillis;
    private long lastFull;
    private long lastLite;
    private long lastDomains;
    private double maxHeapUsedMb;
    private double maxRssMb;
    private double maxHeapAfterGcMb;

    private LoadHarness(LoadOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        progressToStderr = true;
        JsonObject results = run(options);
        System.out.println(Files.readString(options.out().resolve("results.md")));
        System.out.println("results: " + options.out().toAbsolutePath().resolve("results.json") + ", chart.svg");
        System.exit(results.getBoolean("complete") ? 0 : 1);
    }

    /** Runs the harness and returns what it also wrote to {@code results.json}. */
    public static JsonObject run(String... args) throws Exception {
        return run(LoadOptions.parse(args));
    }

    static JsonObject run(LoadOptions options) throws Exception {
        return new LoadHarness(options).execute();
    }

    private JsonObject execute() throws Exception {
        Files.createDirectories(options.out());
        Files.deleteIfExists(options.out().resolve("harness.log"));
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        logVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-sampler");
            t.setDaemon(true);
            return t;
        });
        JsonObject results = new JsonObject()
                .put("started", Instant.ofEpochMilli(startMillis).toString())
                .put("mode", options.smoke() ? "smoke" : "full")
                .put("machine", machine())
                .put("options", optionsJson());
        try {
            say("minting a pool of " + options.pool() + " entries (" + options.entries() + ")");
            EntryPool pool = pool();
            int maxLive = options.rate() * (options.liveSeconds() + 5) * 2;
            log = new BacklogLog(pool, options.backlog(), options.batchCap(), maxLive);
            long t0 = System.currentTimeMillis();
            say("building a backlog of " + options.backlog() + " entries");
            logVertx.deployVerticle(log).await();
            results.put("backlog_build_seconds", (System.currentTimeMillis() - t0) / 1000.0);

            startHub();
            sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
            clients = new StreamClients(vertx, hubPort, log);

            results.put("catchup", catchUp());
            results.put("live_lite", live("live-lite", StreamClients.Kind.LITE, options.liteClients()));
            results.put("live_domains_only", live("live-domains", StreamClients.Kind.DOMAINS_ONLY, options.domainsClients()));
            phase = "end";
            JsonObject stats = hubStats();
            results.put("hub_stats", stats);
            results.put("hub", new JsonObject()
                    .put("max_heap_used_mb", round(maxHeapUsedMb))
                    .put("max_heap_after_gc_mb", round(maxHeapAfterGcMb))
                    .put("max_rss_mb", round(maxRssMb))
                    .put("jvm_args", new JsonArray(options.hubJvmArgs()))
                    .put("dropped_messages", dropped(stats)));
            results.put("complete", true);
        } catch (Exception e) {
            results.put("complete", false).put("error", e.toString());
            say("failed: " + e);
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            if (clients != null) {
                clients.closeAll().await();
            }
            if (hub != null) {
                hub.close();
            }
            vertx.close().await();
            logVertx.close().await();
        }
        results.put("timeline", new JsonArray(new ArrayList<>(timeline)));
        Report.write(options.out(), results);
        return results;
    }

    private EntryPool pool() {
        List<RawEntry> raw = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        if (options.entries().equals("ctdata")) {
            for (RawEntry e : BenchEntries.ctdata()) {
                raw.add(e);
                leaves.add(leafDer(e));
            }
        } else {
            SimulatedCtLog sim = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                    .withInitialSize(options.pool()).withEntriesPerSecond(0).withSeed(7)).await();
            for (int i = 0; i < options.pool(); i++) {
                IssuedEntry e = sim.entry(i);
                raw.add(e.raw());
                leaves.add(e.leafDer());
            }
            sim.close().await();
        }
        return EntryPool.of(raw, leaves);
    }

    /** The leaf certificate of a real entry: in leaf_input for x509 entries, first in extra_data for precerts. */
    private static byte[] leafDer(RawEntry e) {
        byte[] leaf = e.leafInput();
        int entryType = ((leaf[10] & 0xff) << 8) | (leaf[11] & 0xff);
        byte[] source = entryType == 0 ? leaf : e.extraData();
        int offset = entryType == 0 ? 12 : 0;
        int length = ((source[offset] & 0xff) << 16) | ((source[offset + 1] & 0xff) << 8) | (source[offset + 2] & 0xff);
        byte[] der = Arrays.copyOfRange(source, offset + 3, offset + 3 + length);
        Certificate.getInstance(ASN1Sequence.getInstance(der)); // fails loudly on a misread
        return der;
    }

    private void startHub() throws Exception {
        hubPort = HubProcess.freePort();
        Path config = options.out().resolve("hub-config.json");
        JsonObject hubConfig = new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", hubPort)
                        .put("instances", options.hubInstances())
                        // The catch-up client reads 50+ MB/s in a JVM that also runs the log; a GC pause there must
                        // not turn into drops (the default 4 MiB queue is 50 ms of catch-up, 16 MiB is 200 ms).
                        .put("clientQueueBytes", options.clientQueueMb() << 20))
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                .put("watcher", new JsonObject().put("start", 0).put("batchSize", options.batchCap())
                        .put("pollSeconds", options.pollSeconds())
                        // The simulated log is local and unthrottled: pacing would measure the pace, not the hub.
                        .put("operatorRequestsPerSecond", 0))
                .put("stateDir", options.out().resolve("hub-state").toAbsolutePath().toString());
        Files.writeString(config, hubConfig.encodePrettily());
        List<String> jvm = new ArrayList<>(options.hubJvmArgs());
        if (options.jfr()) {
            jvm.add("-XX:StartFlightRecording=filename=" + options.out().toAbsolutePath().resolve("hub.jfr")
                    + ",settings=profile,dumponexit=true");
        }
        say("starting the hub (" + String.join(" ", jvm) + ") on port " + hubPort + "; its log: "
                + options.out().resolve("hub.log"));
        hub = HubProcess.start(config.toAbsolutePath(), options.out().resolve("hub.log").toAbsolutePath(), jvm);
        http = vertx.createHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                hubStats();
                break;
            } catch (Exception e) {
                if (!hub.alive() || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the hub did not come up on port " + hubPort
                            + "; see " + options.out().resolve("hub.log"), e);
                }
                Thread.sleep(200);
            }
        }
        hub.attach(30_000);
    }

    private JsonObject catchUp() throws Exception {
        phase = "catch-up";
        clients.fullHalfIndex = options.backlog() / 2;
        clients.connect(StreamClients.Kind.FULL, 1, 1, 0, true).await();
        waitForClients("full-stream", 1);
        say("catch-up: revealing " + options.backlog() + " entries to the hub");
        HubProcess.Sample before = hub.sample();
        long opened = System.currentTimeMillis();
        log.openGate();
        long deadline = opened + options.catchupTimeoutSeconds() * 1000L;
        long last = options.backlog() - 1;
        long reported = opened;
        StreamClients.Stats fullStats = clients.stats(StreamClients.Kind.FULL);
        long checked = opened;
        while (clients.fullLastIndex.get() < last && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            // The hub may drop the last messages for a client that reads too slowly (counted in /stats).
            if (System.currentTimeMillis() - checked >= 1000) {
                checked = System.currentTimeMillis();
                if (fullStats.messages.sum() + dropped(hubStats()).getLong("full-stream", 0L) >= options.backlog()) {
                    break;
                }
            }
            if (System.currentTimeMillis() - reported >= 10_000) {
                reported = System.currentTimeMillis();
                say("catch-up: " + (clients.fullLastIndex.get() + 1) + " of " + options.backlog());
            }
        }
        HubProcess.Sample after = hub.sample();
        long droppedByHub = dropped(hubStats()).getLong("full-stream", 0L);
        StreamClients.Stats full = clients.stats(StreamClients.Kind.FULL);
        long received = full.messages.sum();
        double hubCpu = after.cpuSeconds() - before.cpuSeconds();
        double seconds = (clients.fullLastMillis.get() - clients.fullFirstMillis.get()) / 1000.0;
        double halfSeconds = (clients.fullLastMillis.get() - clients.fullHalfMillis.get()) / 1000.0;
        boolean complete = received + droppedByHub >= options.backlog();
        JsonObject r = new JsonObject()
                .put("entries", options.backlog())
                .put("received", received)
                .put("dropped_by_hub", droppedByHub)
                .put("complete", complete)
                .put("out_of_order", full.outOfOrder.sum())
                .put("first_after_reveal_seconds", (clients.fullFirstMillis.get() - opened) / 1000.0)
                .put("seconds", seconds)
                .put("certs_per_second", seconds > 0 ? Math.round(received / seconds) : 0)
                // The second half, once the JIT has compiled the hot paths: what a long catch-up runs at.
                .put("second_half_certs_per_second", halfSeconds > 0 ? Math.round(clients.fullSinceHalf.sum() / halfSeconds) : 0)
                .put("mb_per_second", seconds > 0 ? round(full.bytes.sum() / seconds / 1e6) : 0)
                .put("hub_cpu_seconds", round(hubCpu))
                .put("hub_cpu_us_per_cert", received > 0 ? Math.round(hubCpu * 1e6 / received) : 0)
                .put("hub_cpu_percent", round(hubCpu / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100));
        say("catch-up: " + r.encode());
        if (!complete) {
            throw new IllegalStateException("catch-up incomplete after " + options.catchupTimeoutSeconds()
                    + " s: the full-stream client got " + received + " of " + options.backlog());
        }
        Thread.sleep(1500); // a quiet second in the timeline between phases
        return r;
    }

    private JsonObject live(String name, StreamClients.Kind kind, int count) throws Exception {
        if (count == 0) {
            return new JsonObject().put("skipped", true);
        }
        phase = name + "-connect";
        StreamClients.Stats s = clients.stats(kind);
        long t0 = System.currentTimeMillis();
        long next = options.backlog() + log.liveAppended();
        clients.connect(kind, count, 64, next, false).await();
        String endpoint = kind == StreamClients.Kind.LITE ? "lite" : "domains-only";
        waitForClients(endpoint, count);
        double connectSeconds = (System.currentTimeMillis() - t0) / 1000.0;
        say(name + ": " + count + " clients connected in " + connectSeconds + " s; appending " + options.rate()
                + " entries/s for " + options.liveSeconds() + " s");
        long droppedBefore = dropped(hubStats()).getLong(endpoint, 0L);
        long messagesBefore = s.messages.sum();
        long appendedBefore = log.liveAppended();
        s.latency.snapshot(true);
        s.window.snapshot(true);
        s.fromFetch.snapshot(true);
        HubProcess.Sample before = hub.sample();
        phase = name;
        log.startLive(options.rate(), (int) (appendedBefore + (long) options.rate() * options.liveSeconds()));
        Thread.sleep(options.liveSeconds() * 1000L);
        log.stopLive();
        phase = name + "-drain";
        long appended = log.liveAppended() - appendedBefore;
        long expected = appended * count;
        long drainDeadline = System.currentTimeMillis() + 10_000;
        while (s.messages.sum() - messagesBefore < expected && System.currentTimeMillis() < drainDeadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        long received = s.messages.sum() - messagesBefore;
        LatencyHistogram.Snapshot latency = s.latency.snapshot(false);
        LatencyHistogram.Snapshot fromFetch = s.fromFetch.snapshot(false);
        HubProcess.Sample after = hub.sample();
        long dropped = dropped(hubStats()).getLong(endpoint, 0L) - droppedBefore;
        JsonObject r = new JsonObject()
                .put("clients", count)
                .put("connect_seconds", connectSeconds)
                .put("rate", options.rate())
                .put("seconds", options.liveSeconds())
                .put("entries", appended)
                .put("messages_expected", expected)
                .put("messages_received", received)
                .put("messages_per_second", Math.round(received / (double) options.liveSeconds()))
                .put("dropped_by_hub", dropped)
                .put("closed_by_hub", s.closed.get())
                .put("latency_samples", latency.total())
                .put("latency_p50_ms", latency.percentile(0.50))
                .put("latency_p99_ms", latency.percentile(0.99))
                .put("latency_max_ms", latency.max())
                .put("hub_share_p50_ms", fromFetch.percentile(0.50))
                .put("hub_share_p99_ms", fromFetch.percentile(0.99))
                .put("hub_cpu_percent", round((after.cpuSeconds() - before.cpuSeconds())
                        / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100));
        say(name + ": " + r.encode());
        phase = name + "-close";
        clients.closeAll().await();
        clients = new StreamClients(vertx, hubPort, log);
        waitForHubIdle();
        return r;
    }

    /** Lets an overloaded hub work off what it still holds, so the next phase starts from a quiet hub (60 s at most). */
    private void waitForHubIdle() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        HubProcess.Sample last = hub.sample();
        int quiet = 0;
        while (quiet < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            HubProcess.Sample now = hub.sample();
            double busy = (now.cpuSeconds() - last.cpuSeconds()) / ((now.wallMillis() - last.wallMillis()) / 1000.0);
            quiet = busy < 0.15 ? quiet + 1 : 0;
            last = now;
        }
    }

    private void waitForClients(String endpoint, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonObject e = hubStats().getJsonObject("endpoints", new JsonObject()).getJsonObject(endpoint, new JsonObject());
            if (e.getLong("clients", 0L) >= count) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the hub reports " + e.getLong("clients", 0L) + " " + endpoint
                        + " clients, expected " + count);
            }
            Thread.sleep(100);
        }
    }

    private JsonObject hubStats() {
        return http.request(HttpMethod.GET, hubPort, "127.0.0.1", "/stats")
                .compose(req -> req.send().compose(HttpClientResponse::body))
                .map(Buffer::toJsonObject)
                .timeout(10, TimeUnit.SECONDS)
                .await();
    }

    /** Per endpoint, what the hub dropped: for slow readers ({@code dropped_messages}) and for overload. */
    private static JsonObject dropped(JsonObject stats) {
        JsonObject out = new JsonObject();
        JsonObject endpoints = stats.getJsonObject("endpoints", new JsonObject());
        for (String name : endpoints.fieldNames()) {
            // Both ways the hub drops: for one slow reader (its queue is full) and for an overloaded web event loop
            // (server.maxPendingMessages); either way the message is counted, never silently lost.
            JsonObject endpoint = endpoints.getJsonObject(name);
            out.put(name, endpoint.getLong("dropped_messages", 0L) + endpoint.getLong("dropped_overload", 0L));
        }
        return out;
    }

    /** Once a second: the hub's resources and what the clients received since the last sample. */
    private void sample() {
        try {
            long now = System.currentTimeMillis();
            HubProcess.Sample s = hub.sample();
            double dt = lastSample == null ? 1 : (now - lastSampleMillis) / 1000.0;
            StreamClients c = clients;
            long full = c == null ? 0 : c.stats(StreamClients.Kind.FULL).messages.sum();
            long lite = c == null ? 0 : c.stats(StreamClients.Kind.LITE).messages.sum();
            long domains = c == null ? 0 : c.stats(StreamClients.Kind.DOMAINS_ONLY).messages.sum();
            JsonObject row = new JsonObject()
                    .put("t", round((now - startMillis) / 1000.0))
                    .put("phase", phase)
                    .put("full_per_second", lastSample == null ? 0 : Math.max(0, Math.round((full - lastFull) / dt)))
                    .put("lite_per_second", lastSample == null ? 0 : Math.max(0, Math.round((lite - lastLite) / dt)))
                    .put("domains_per_second", lastSample == null ? 0 : Math.max(0, Math.round((domains - lastDomains) / dt)))
                    .put("hub_cpu_percent", lastSample == null ? 0 : round((s.cpuSeconds() - lastSample.cpuSeconds()) / dt * 100))
                    .put("heap_used_mb", round(s.heapUsed() / 1e6 / 1.048576))
                    .put("heap_committed_mb", round(s.heapCommitted() / 1e6 / 1.048576))
                    .put("heap_after_gc_mb", round(s.heapAfterGc() / 1e6 / 1.048576))
                    .put("rss_mb", round(s.rssBytes() / 1e6 / 1.048576))
                    .put("gc_count", s.gcCount())
                    .put("gc_millis", s.gcMillis());
            if (c != null) {
                for (StreamClients.Kind kind : List.of(StreamClients.Kind.LITE, StreamClients.Kind.DOMAINS_ONLY)) {
                    LatencyHistogram.Snapshot w = c.stats(kind).window.snapshot(true);
                    if (w.total() > 0) {
                        String k = kind == StreamClients.Kind.LITE ? "lite" : "domains";
                        row.put(k + "_p50_ms", w.percentile(0.5)).put(k + "_p99_ms", w.percentile(0.99));
                    }
                }
            }
            maxHeapUsedMb = Math.max(maxHeapUsedMb, row.getDouble("heap_used_mb"));
            maxHeapAfterGcMb = Math.max(maxHeapAfterGcMb, row.getDouble("heap_after_gc_mb"));
            maxRssMb = Math.max(maxRssMb, row.getDouble("rss_mb"));
            synchronized (timeline) {
                timeline.add(row);
            }
            lastSample = s;
            lastSampleMillis = now;
            lastFull = full;
            lastLite = lite;
            lastDomains = domains;
        } catch (Exception e) {
            // a sample lost while the hub starts or stops; the next one will do
        }
    }

    private JsonObject machine() {
        JsonObject m = new JsonObject()
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
            m.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (Exception ignored) {
            // not Linux
        }
        return m;
    }

    private JsonObject optionsJson() {
        return new JsonObject()
                .put("backlog", options.backlog())
                .put("pool", options.pool())
                .put("entries", options.entries())
                .put("batch_cap", options.batchCap())
                .put("poll_seconds", options.pollSeconds())
                .put("lite_clients", options.liteClients())
                .put("domains_clients", options.domainsClients())
                .put("rate", options.rate())
                .put("live_seconds", options.liveSeconds())
                .put("hub_instances", options.hubInstances())
                .put("client_queue_mb", options.clientQueueMb())
                .put("hub_jvm_args", new JsonArray(options.hubJvmArgs()));
    }

    /** Progress goes to {@code harness.log} in the output folder, and to stderr when run from the command line. */
    private void say(String message) {
        String line = String.format(Locale.ROOT, "[load %6.1fs] %s%n", (System.currentTimeMillis() - startMillis) / 1000.0, message);
        if (progressToStderr) {
            System.err.print(line);
        }
        try {
            Files.writeString(options.out().resolve("harness.log"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // progress lines are a convenience; the results say what happened
        }
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
