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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Certificate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 *   <li>live domains-only: the same with N domains-only clients;</li>
 *   <li>with {@code --filtered-clients N}: the cost of filters, one unfiltered lite client at the same rate, then
 *       the same plus N lite clients with a different {@code domain=} filter each ({@link #filtered}).</li>
 * </ol>
 * Throughout, once a second: the hub's CPU, heap and RSS. At the end: drops from the hub's {@code /stats}.
 * Writes {@code results.json}, {@code results.md} and {@code chart.svg} to the output folder.
 */
public final class LoadHarness {
    /** Longest wait for a live phase's last messages after the log stops appending them. */
    private static final int DRAIN_SECONDS = 10;
    private final LoadOptions options;
    private final List<JsonObject> timeline = new ArrayList<>();
    private final long startMillis = System.currentTimeMillis();
    private volatile String phase = "setup";
    private static volatile boolean progressToStderr;
    private final ProgressLog progress;
    private Vertx vertx;
    /** The log's own event loop: a 5 MB get-entries answer being built must not hold up the clients' reads. */
    private Vertx logVertx;
    private ServerProcess server;
    private BacklogLog log;
    private StreamClients clients;
    private ServerProcess.Sample lastSample;
    private long lastSampleMillis;
    private long lastFull;
    private long lastLite;
    private long lastDomains;
    private double maxHeapUsedMb;
    private double maxRssMb;
    private double maxHeapAfterGcMb;
    /** Highest RSS since the current phase began (reset by each phase). */
    private volatile double phaseMaxRssMb;

    private LoadHarness(LoadOptions options) {
        this.options = options;
        this.progress = new ProgressLog(options.out(), startMillis, progressToStderr);
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
        System.out.println("results: " + options.out().toAbsolutePath().resolve("results.md")
                + (options.nodes() > 0 ? ", results.json" : options.server() == null ? ", results.json, chart.svg" : ", chart.svg; each server's in its folder"));
        System.exit(results.getBoolean("complete") ? 0 : 1);
    }

    /** Runs the harness and returns what it also wrote to {@code results.json}. */
    public static JsonObject run(String... args) throws Exception {
        return run(LoadOptions.parse(args));
    }

    /** Where the harness finds certstream-server-go (null: not found); see {@code --peer}. */
    public static Path peerDir() {
        return PeerProcess.findDir();
    }

    /** The {@code shared/peers} folder beside the checkout, when there is one (null otherwise). */
    public static Path sharedPeersDir() {
        Path dir = PeerProcess.findDir();
        return dir != null && Files.isDirectory(dir.getParent()) ? dir.getParent() : null;
    }

    static JsonObject run(LoadOptions options) throws Exception {
        if (options.nodes() > 0) {
            return new ClusterRun(options, progressToStderr).execute();
        }
        if (options.server() == null) {
            return new LoadHarness(options).execute();
        }
        // Side by side: each server in its own run (same log, same clients, same phases), then one table of both.
        List<String> servers = options.server().equals(LoadOptions.BOTH)
                ? List.of(PeerProcess.NAME, LoadOptions.HUB) : List.of(options.server());
        JsonObject all = new JsonObject().put("complete", true);
        for (String name : servers) {
            JsonObject r = new LoadHarness(options.forServer(name)).execute();
            all.put(name, r);
            if (!r.getBoolean("complete")) {
                all.put("complete", false).put("error", name + ": " + r.getString("error"));
            }
        }
        Comparison.write(options.out());
        return servers.size() == 1 ? all.getJsonObject(servers.get(0)) : all;
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
            EntryPool pool = pool(vertx, options);
            // Live phases: lite and domains-only, plus with --filtered-clients a warm-up, two baselines and the filtered one.
            int maxLive = options.server() == null
                    ? options.rate() * (options.liveSeconds() + 5) * (2 + (options.filteredClients() > 0 ? 4 : 0))
                    : options.everydayRate() * (options.everydaySeconds() + options.warmupSeconds() + 2 * DRAIN_SECONDS + 10)
                    + options.fanoutRate() * (options.fanoutSeconds() + DRAIN_SECONDS + 5) * options.fanoutClients().size();
            log = new BacklogLog(pool, options.backlog(), options.batchCap(), maxLive);
            long t0 = System.currentTimeMillis();
            say("building a backlog of " + options.backlog() + " entries");
            logVertx.deployVerticle(log).await();
            results.put("backlog_build_seconds", (System.currentTimeMillis() - t0) / 1000.0);

            if (options.server() == null) {
                startServer(true, "");
                sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
                clients = new StreamClients(vertx, server.port(), log);
                results.put("catchup", catchUp());
                results.put("live_lite", live("live-lite", StreamClients.Kind.LITE, options.liteClients(),
                        options.rate(), options.liveSeconds()));
                results.put("live_domains_only", live("live-domains", StreamClients.Kind.DOMAINS_ONLY,
                        options.domainsClients(), options.rate(), options.liveSeconds()));
                if (options.filteredClients() > 0) {
                    results.put("filtered", filtered(DomainFilters.of(pool, options.filteredClients())));
                }
            } else {
                sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
                sideBySidePhases(results);
            }
            phase = "end";
            ServerProcess.Counts counts = server.counts();
            if (server instanceof HubProcess h) {
                results.put("hub_stats", h.stats());
            }
            results.put("hub", new JsonObject()
                    .put("server", server.name())
                    .put("max_heap_used_mb", round(maxHeapUsedMb))
                    .put("max_heap_after_gc_mb", round(maxHeapAfterGcMb))
                    .put("max_rss_mb", round(maxRssMb))
                    .put("threads_at_end", ServerProcess.threads(server.pid()))
                    .put("jvm_args", server instanceof HubProcess ? new JsonArray(options.hubJvmArgs()) : new JsonArray())
                    .put("dropped_messages", counts.dropped()));
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
            if (server != null) {
                server.close();
            }
            StateDirs.deleteReplays(options.out());
            vertx.close().await();
            logVertx.close().await();
        }
        results.put("timeline", new JsonArray(new ArrayList<>(timeline)));
        Report.write(options.out(), results);
        return results;
    }

    static EntryPool pool(Vertx vertx, LoadOptions options) {
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

    /**
     * Starts the server under test. {@code fromStart}: at index 0 of the log (the catch-up); otherwise at the log's
     * current head, as a server that follows logs live does. {@code tag} names its files ("" or "-catchup").
     */
    private void startServer(boolean fromStart, String tag) throws Exception {
        lastSample = null; // the sampler's CPU deltas start over with a new process
        int port = HubProcess.freePort();
        if (PeerProcess.NAME.equals(options.server())) {
            Path dir = options.peerDir() != null ? options.peerDir() : PeerProcess.findDir();
            if (dir == null) {
                throw new IllegalStateException(PeerProcess.NAME + " not found: looked for ../shared/peers/"
                        + PeerProcess.NAME + " from " + Path.of("").toAbsolutePath() + "; give --peer DIR");
            }
            say("starting " + PeerProcess.NAME + " from " + dir + " on port " + port + "; its log: "
                    + options.out().resolve("peer" + tag + ".log"));
            server = PeerProcess.start(dir, options.out(), log.url(), port, fromStart, tag);
            server.awaitReady(60_000);
            return;
        }
        startHub(port, fromStart, tag);
    }

    private void startHub(int hubPort, boolean fromStart, String tag) throws Exception {
        Path config = options.out().resolve("hub-config" + tag + ".json");
        Path stateDir = options.out().resolve("hub-state" + tag).toAbsolutePath();
        // Each hub starts afresh: positions and replay left by an earlier run in the same folder would resume it.
        StateDirs.delete(stateDir);
        JsonObject hubConfig = new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", hubPort)
                        .put("instances", options.hubInstances())
                        // The catch-up client reads 50+ MB/s in a JVM that also runs the log; a GC pause there must
                        // not turn into drops (the default 4 MiB queue is 50 ms of catch-up, 16 MiB is 200 ms).
                        .put("clientQueueBytes", options.clientQueueMb() << 20)
                        // Thousands of clients, all from 127.0.0.1: the public-hub limits (100 per address) would refuse them.
                        .put("maxConnections", 0)
                        .put("maxConnectionsPerIp", 0))
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                .put("watcher", new JsonObject().put("start", fromStart ? (Object) 0 : "head")
                        .put("pollSeconds", options.pollSeconds())
                        // The simulated log is local and unthrottled: pacing would measure the pace, not the hub.
                        .put("operatorRequestsPerSecond", 0))
                .put("stateDir", stateDir.toString());
        if (options.server() == null) {
            hubConfig.getJsonObject("watcher").put("batchSize", options.batchCap());
        }
        // Side by side: the hub's own watcher.batchSize (config/hub.json), as it ships; the log answers up to
        // --batch-cap entries whatever a server asks for.
        Files.writeString(config, hubConfig.encodePrettily());
        List<String> jvm = new ArrayList<>(options.hubJvmArgs());
        if (options.jfr()) {
            jvm.add("-XX:StartFlightRecording=filename=" + options.out().toAbsolutePath().resolve("hub.jfr")
                    + ",settings=profile,dumponexit=true");
        }
        say("starting the hub (" + String.join(" ", jvm) + ") on port " + hubPort + "; its log: "
                + options.out().resolve("hub" + tag + ".log"));
        // JMX (for the heap figures) only in the hub's own runs: its agent would add to the RSS compared side by side.
        server = HubProcess.start(config.toAbsolutePath(), options.out().resolve("hub" + tag + ".log").toAbsolutePath(), jvm,
                hubPort, options.server() == null);
        server.awaitReady(60_000);
    }

    private JsonObject catchUp() throws Exception {
        phase = "catch-up";
        clients.fullHalfIndex = options.backlog() / 2;
        clients.connect(StreamClients.Kind.FULL, 1, 1, 0, true).await();
        waitForClients("full-stream", 1);
        say("catch-up: revealing " + options.backlog() + " entries to the hub");
        phaseMaxRssMb = 0;
        ServerProcess.Sample before = server.sample();
        long droppedBefore = server.counts().dropped("full-stream");
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
                if (fullStats.messages.sum() + server.counts().dropped("full-stream") - droppedBefore >= options.backlog()) {
                    break;
                }
            }
            if (System.currentTimeMillis() - reported >= 10_000) {
                reported = System.currentTimeMillis();
                say("catch-up: " + (clients.fullLastIndex.get() + 1) + " of " + options.backlog());
            }
        }
        ServerProcess.Sample after = server.sample();
        long droppedByHub = server.counts().dropped("full-stream") - droppedBefore;
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
                .put("max_rss_mb", round(phaseMaxRssMb))
                .put("hub_cpu_percent", round(hubCpu / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100));
        say("catch-up: " + r.encode());
        if (!complete) {
            throw new IllegalStateException("catch-up incomplete after " + options.catchupTimeoutSeconds()
                    + " s: the full-stream client got " + received + " of " + options.backlog());
        }
        Thread.sleep(1500); // a quiet second in the timeline between phases
        return r;
    }

    private JsonObject live(String name, StreamClients.Kind kind, int count, int rate, int liveSeconds) throws Exception {
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
        say(name + ": " + count + " clients connected in " + connectSeconds + " s; appending " + rate
                + " entries/s for " + liveSeconds + " s");
        long droppedBefore = server.counts().dropped(endpoint);
        long sthBefore = log.sthRequests.sum();
        long entriesBefore = log.entriesRequests.sum();
        long messagesBefore = s.messages.sum();
        long appendedBefore = log.liveAppended();
        s.latency.snapshot(true);
        s.window.snapshot(true);
        s.fromFetch.snapshot(true);
        ServerProcess.Sample before = server.sample();
        double harnessCpuBefore = ServerProcess.cpuSeconds(ProcessHandle.current().pid());
        phase = name;
        phaseMaxRssMb = 0;
        // Exactly rate x seconds entries (a multiple of 100 with the defaults): certstream-server-go fetches only
        // whole batches of 100 while it follows a log, so a phase ending mid-batch would leave entries it holds back.
        long target = appendedBefore + (long) rate * liveSeconds;
        boolean sideBySide = options.server() != null;
        if (sideBySide) {
            clients.countFrom = options.backlog() + appendedBefore;
            clients.countBelow = options.backlog() + target;
        }
        log.startLive(rate, (int) target);
        Thread.sleep(liveSeconds * 1000L);
        long appendDeadline = System.currentTimeMillis() + 5_000;
        while (log.liveAppended() < target && System.currentTimeMillis() < appendDeadline) {
            Thread.sleep(10);
        }
        log.stopLive();
        phase = name + "-drain";
        long appended = log.liveAppended() - appendedBefore;
        long expected = appended * count;
        if (sideBySide) {
            // The log keeps growing while the clients drain, as real logs do (those entries are not counted):
            // certstream-server-go fetches only whole batches of 100 while it follows a log, and would otherwise
            // hold back the phase's last entries for good.
            log.startLive(rate, (int) (target + (long) rate * DRAIN_SECONDS));
        }
        long drainDeadline = System.currentTimeMillis() + DRAIN_SECONDS * 1000L;
        while (s.messages.sum() - messagesBefore < expected && System.currentTimeMillis() < drainDeadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        if (sideBySide) {
            log.stopLive();
        }
        long received = s.messages.sum() - messagesBefore;
        LatencyHistogram.Snapshot latency = s.latency.snapshot(false);
        LatencyHistogram.Snapshot fromFetch = s.fromFetch.snapshot(false);
        ServerProcess.Sample after = server.sample();
        long dropped = server.counts().dropped(endpoint) - droppedBefore;
        double cpu = after.cpuSeconds() - before.cpuSeconds();
        // The log and the clients: near 200% (both cores) says the clients, not the server, were the bound.
        double harnessCpu = ServerProcess.cpuSeconds(ProcessHandle.current().pid()) - harnessCpuBefore;
        JsonObject r = new JsonObject()
                .put("clients", count)
                .put("connect_seconds", connectSeconds)
                .put("rate", rate)
                .put("seconds", liveSeconds)
                .put("entries", appended)
                .put("messages_expected", expected)
                .put("messages_received", received)
                .put("messages_missing", expected - received)
                .put("messages_per_second", Math.round(received / (double) liveSeconds))
                .put("dropped_by_hub", dropped)
                .put("closed_by_hub", s.closed.get())
                .put("latency_samples", latency.total())
                .put("latency_p50_ms", latency.percentile(0.50))
                .put("latency_p99_ms", latency.percentile(0.99))
                .put("latency_max_ms", latency.max())
                .put("hub_share_p50_ms", fromFetch.percentile(0.50))
                .put("hub_share_p99_ms", fromFetch.percentile(0.99))
                .put("hub_cpu_percent", round(cpu / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100))
                .put("cpu_us_per_message", received > 0 ? round(cpu * 1e6 / received) : 0)
                .put("harness_cpu_percent", round(harnessCpu / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100))
                .put("log_sth_requests_per_second", round((log.sthRequests.sum() - sthBefore) / (double) liveSeconds))
                .put("log_entries_requests_per_second", round((log.entriesRequests.sum() - entriesBefore) / (double) liveSeconds))
                .put("max_rss_mb", round(phaseMaxRssMb))
                .put("rss_mb_at_end", mib(after.rssBytes()));
        say(name + ": " + r.encode());
        phase = name + "-close";
        clients.closeAll().await();
        clients = new StreamClients(vertx, server.port(), log);
        waitForHubIdle();
        return r;
    }

    /**
     * What {@code domain=} filters cost the hub: after an unmeasured warm-up with the filtered clients, the same live
     * load three times, with one unfiltered lite client (the baseline: decoding, publishing and one delivery per
     * certificate), then with that client and one client per filter, then the baseline again. The difference in hub
     * CPU per certificate between the filtered run and the mean of the two baselines is what the filters cost,
     * matching and delivering what they match (the two baselines' difference shows the noise); the unfiltered
     * client's latency in each says whether the others slowed it down.
     */
    private JsonObject filtered(DomainFilters filters) throws Exception {
        say("filtered: " + filters.names().size() + " clients with a domain= filter each, " + filters.matching()
                + " of them names the log's certificates carry");
        // Unmeasured, with the filters: after the catch-up the hub has yet to compile its live and filter paths (the
        // JIT's threads are the hub's CPU too) and to collect the catch-up's garbage.
        filteredPhase("filtered-warmup", filters);
        JsonObject baseline = filteredPhase("filtered-baseline", null);
        JsonObject with = filteredPhase("filtered", filters);
        // The baseline again: how far two runs of the same load differ on this machine (JIT, GC, other work).
        JsonObject again = filteredPhase("filtered-baseline-again", null);
        double base = (baseline.getDouble("hub_cpu_us_per_cert") + again.getDouble("hub_cpu_us_per_cert")) / 2;
        return new JsonObject()
                .put("clients", filters.names().size())
                .put("matching_filters", filters.matching())
                .put("baseline", baseline)
                .put("with_filters", with)
                .put("baseline_again", again)
                .put("extra_hub_cpu_us_per_cert", round(with.getDouble("hub_cpu_us_per_cert") - base));
    }

    /** One live phase of {@link #filtered}: the unfiltered client, plus one client per filter unless null. */
    private JsonObject filteredPhase(String name, DomainFilters filters) throws Exception {
        phase = name + "-connect";
        long t0 = System.currentTimeMillis();
        long next = options.backlog() + log.liveAppended();
        int n = filters == null ? 0 : filters.names().size();
        clients.connect(StreamClients.Kind.LITE, 1, 1, next, false).await();
        if (n > 0) {
            clients.connect(StreamClients.Kind.FILTERED, n, 64, -1, false,
                    filters.names().stream().map(d -> "domain=" + d).toList()).await();
        }
        waitForClients("lite", 1 + n);
        double connectSeconds = (System.currentTimeMillis() - t0) / 1000.0;
        say(name + ": 1 + " + n + " clients connected in " + connectSeconds + " s; appending " + options.rate()
                + " entries/s for " + options.liveSeconds() + " s");
        StreamClients.Stats probe = clients.stats(StreamClients.Kind.LITE);
        StreamClients.Stats matched = clients.stats(StreamClients.Kind.FILTERED);
        long probeBefore = probe.messages.sum();
        long matchedBefore = matched.messages.sum();
        for (StreamClients.Stats st : List.of(probe, matched)) {
            st.latency.snapshot(true);
            st.window.snapshot(true);
            st.fromFetch.snapshot(true);
        }
        long droppedBefore = server.counts().dropped("lite");
        long appendedBefore = log.liveAppended();
        ServerProcess.Sample before = server.sample();
        double harnessCpuBefore = ServerProcess.cpuSeconds(ProcessHandle.current().pid());
        phase = name;
        phaseMaxRssMb = 0;
        long target = appendedBefore + (long) options.rate() * options.liveSeconds();
        log.startLive(options.rate(), (int) target);
        Thread.sleep(options.liveSeconds() * 1000L);
        long appendDeadline = System.currentTimeMillis() + 5_000;
        while (log.liveAppended() < target && System.currentTimeMillis() < appendDeadline) {
            Thread.sleep(10);
        }
        log.stopLive();
        phase = name + "-drain";
        long appended = log.liveAppended() - appendedBefore;
        long first = options.backlog() + appendedBefore;
        long expectedMatched = filters == null ? 0 : filters.expected(first, first + appended);
        long drainDeadline = System.currentTimeMillis() + DRAIN_SECONDS * 1000L;
        while ((probe.messages.sum() - probeBefore < appended || matched.messages.sum() - matchedBefore < expectedMatched)
                && System.currentTimeMillis() < drainDeadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        ServerProcess.Sample after = server.sample();
        double seconds = (after.wallMillis() - before.wallMillis()) / 1000.0;
        double cpu = after.cpuSeconds() - before.cpuSeconds();
        double harnessCpu = ServerProcess.cpuSeconds(ProcessHandle.current().pid()) - harnessCpuBefore;
        JsonObject r = new JsonObject()
                .put("filtered_clients", n)
                .put("connect_seconds", connectSeconds)
                .put("rate", options.rate())
                .put("seconds", options.liveSeconds())
                .put("entries", appended)
                .put("hub_cpu_percent", round(cpu / seconds * 100))
                // Per certificate the log appended: what this load costs the hub, whoever gets the messages.
                .put("hub_cpu_us_per_cert", appended > 0 ? round(cpu * 1e6 / appended) : 0)
                .put("harness_cpu_percent", round(harnessCpu / seconds * 100))
                .put("max_rss_mb", round(phaseMaxRssMb))
                .put("rss_mb_at_end", mib(after.rssBytes()))
                .put("dropped_by_hub", server.counts().dropped("lite") - droppedBefore)
                .put("closed_by_hub", probe.closed.get() + matched.closed.get())
                .put("unfiltered", delivery(probe, probe.messages.sum() - probeBefore, appended))
                .put("filtered", delivery(matched, matched.messages.sum() - matchedBefore, expectedMatched));
        say(name + ": " + r.encode());
        phase = name + "-close";
        clients.closeAll().await();
        clients = new StreamClients(vertx, server.port(), log);
        waitForHubIdle();
        return r;
    }

    private static JsonObject delivery(StreamClients.Stats s, long received, long expected) {
        LatencyHistogram.Snapshot latency = s.latency.snapshot(false);
        LatencyHistogram.Snapshot fromFetch = s.fromFetch.snapshot(false);
        return new JsonObject()
                .put("messages_expected", expected)
                .put("messages_received", received)
                .put("latency_samples", latency.total())
                .put("latency_p50_ms", latency.percentile(0.50))
                .put("latency_p99_ms", latency.percentile(0.99))
                .put("latency_max_ms", latency.max())
                .put("hub_share_p50_ms", fromFetch.percentile(0.50))
                .put("hub_share_p99_ms", fromFetch.percentile(0.99));
    }

    /**
     * The side-by-side phases, the same for both servers: idle, catch-up from index 0, the everyday live case, fan-out
     * steps of more and more lite clients until one fails (p99 at or above the limit, or a message not delivered),
     * idle again.
     */
    private void sideBySidePhases(JsonObject results) throws Exception {
        // First a server that follows the log from its head, as one runs every day.
        log.openGate();
        Thread.sleep(200);
        startServer(false, "");
        clients = new StreamClients(vertx, server.port(), log);
        results.put("idle_start", idle("idle-start"));
        // The same load first, unmeasured: a JVM compiles its hot paths in its first seconds of work, and a hub
        // that runs every day has long done so (the Go peer has nothing to warm up; it gets the same treatment).
        results.put("warmup", live("warmup", StreamClients.Kind.LITE, options.everydayClients(),
                options.everydayRate(), options.warmupSeconds()));
        results.put("everyday", live("everyday", StreamClients.Kind.LITE, options.everydayClients(),
                options.everydayRate(), options.everydaySeconds()));
        JsonArray steps = new JsonArray();
        int capacity = 0;
        for (int n : options.fanoutClients()) {
            JsonObject step = live("fanout-" + n, StreamClients.Kind.LITE, n, options.fanoutRate(), options.fanoutSeconds());
            // Latency from the get-entries answer that carried the entry, i.e. from when the server saw it (its
            // `seen`): the poll interval before it, each server's own setting, is not fan-out.
            boolean passed = step.getLong("messages_missing") == 0 && step.getLong("dropped_by_hub") == 0
                    && step.getLong("hub_share_p99_ms") < options.p99LimitMs();
            steps.add(step.put("passed", passed));
            if (!passed) {
                break;
            }
            capacity = n;
        }
        results.put("fanout", new JsonObject()
                .put("rate", options.fanoutRate())
                .put("p99_limit_ms", options.p99LimitMs())
                .put("capacity_clients", capacity)
                .put("steps", steps));
        results.put("idle_end", idle("idle-end"));
        results.put("threads_at_end_of_live_phases", ServerProcess.threads(server.pid()));
        clients.closeAll().await();
        server.close();

        // Then a new server process that catches up from index 0: the log shows size 0 until its client is there.
        log.closeGate();
        Thread.sleep(200);
        startServer(true, "-catchup");
        clients = new StreamClients(vertx, server.port(), log);
        // Only the backlog counts; the live entries after it arrive too but are not measured.
        clients.countBelow = options.backlog();
        results.put("catchup", catchUp());
    }

    /** The server with no clients and a quiet log: its RSS, threads and CPU after {@code --idle-seconds}. */
    private JsonObject idle(String name) throws Exception {
        phase = name;
        ServerProcess.Sample before = server.sample();
        Thread.sleep(options.idleSeconds() * 1000L);
        ServerProcess.Sample after = server.sample();
        JsonObject r = new JsonObject()
                .put("seconds", options.idleSeconds())
                .put("rss_mb", mib(after.rssBytes()))
                .put("threads", ServerProcess.threads(server.pid()))
                .put("cpu_percent", round((after.cpuSeconds() - before.cpuSeconds())
                        / ((after.wallMillis() - before.wallMillis()) / 1000.0) * 100));
        say(name + ": " + r.encode());
        return r;
    }

    /** Lets an overloaded hub work off what it still holds, so the next phase starts from a quiet hub (60 s at most). */
    private void waitForHubIdle() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        ServerProcess.Sample last = server.sample();
        int quiet = 0;
        while (quiet < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            ServerProcess.Sample now = server.sample();
            double busy = (now.cpuSeconds() - last.cpuSeconds()) / ((now.wallMillis() - last.wallMillis()) / 1000.0);
            quiet = busy < 0.15 ? quiet + 1 : 0;
            last = now;
        }
    }

    private void waitForClients(String endpoint, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            long connected = server.counts().clients(endpoint);
            if (connected >= count) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(server.name() + " reports " + connected + " " + endpoint
                        + " clients, expected " + count);
            }
            Thread.sleep(100);
        }
    }

    /** Once a second: the hub's resources and what the clients received since the last sample. */
    private void sample() {
        try {
            long now = System.currentTimeMillis();
            ServerProcess.Sample s = server.sample();
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
                    .put("rss_mb", mib(s.rssBytes()));
            if (s.heapUsed() >= 0) {
                row.put("heap_used_mb", mib(s.heapUsed()))
                        .put("heap_committed_mb", mib(s.heapCommitted()))
                        .put("heap_after_gc_mb", mib(s.heapAfterGc()))
                        .put("gc_count", s.gcCount())
                        .put("gc_millis", s.gcMillis());
            }
            if (c != null) {
                for (StreamClients.Kind kind : List.of(StreamClients.Kind.LITE, StreamClients.Kind.DOMAINS_ONLY)) {
                    LatencyHistogram.Snapshot w = c.stats(kind).window.snapshot(true);
                    if (w.total() > 0) {
                        String k = kind == StreamClients.Kind.LITE ? "lite" : "domains";
                        row.put(k + "_p50_ms", w.percentile(0.5)).put(k + "_p99_ms", w.percentile(0.99));
                    }
                }
            }
            maxHeapUsedMb = Math.max(maxHeapUsedMb, row.getDouble("heap_used_mb", -1.0));
            maxHeapAfterGcMb = Math.max(maxHeapAfterGcMb, row.getDouble("heap_after_gc_mb", -1.0));
            maxRssMb = Math.max(maxRssMb, row.getDouble("rss_mb"));
            phaseMaxRssMb = Math.max(phaseMaxRssMb, row.getDouble("rss_mb"));
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

    static JsonObject machine() {
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
                .put("filtered_clients", options.filteredClients())
                .put("rate", options.rate())
                .put("live_seconds", options.liveSeconds())
                .put("hub_instances", options.hubInstances())
                .put("client_queue_mb", options.clientQueueMb())
                .put("hub_jvm_args", new JsonArray(options.hubJvmArgs()))
                .put("server", options.server())
                .put("everyday", options.everydayClients() + " lite clients at " + options.everydayRate() + "/s for "
                        + options.everydaySeconds() + " s")
                .put("fanout", "lite clients " + options.fanoutClients() + " at " + options.fanoutRate() + "/s for "
                        + options.fanoutSeconds() + " s each, p99 limit " + options.p99LimitMs() + " ms");
    }

    private void say(String message) {
        progress.say(message);
    }

    /** Bytes in MiB, rounded to a tenth. */
    static double mib(long bytes) {
        return round(bytes / 1e6 / 1.048576);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
