package io.certstream.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one harness run does. {@code --smoke} is the seconds-long CI run; without it the defaults are the full run
 * whose figures docs/performance.md reports. {@code --server} switches to the side-by-side phases (catch-up, the
 * everyday live case, fan-out capacity, idle) against the hub or certstream-server-go. Every figure can be overridden.
 *
 * @param server null for the hub's own phases (catch-up, 5,000 lite, 5,000 domains-only clients); else
 *               {@code hub}, {@code certstream-server-go} or {@code both} for the side-by-side phases
 */
record LoadOptions(boolean smoke, Path out, int backlog, int pool, String entries, int batchCap, double pollSeconds,
                   int catchupTimeoutSeconds, int liteClients, int domainsClients, int rate, int liveSeconds,
                   int hubInstances, int clientQueueMb, List<String> hubJvmArgs, boolean jfr,
                   String server, Path peerDir, int everydayRate, int everydayClients, int everydaySeconds,
                   int fanoutRate, List<Integer> fanoutClients, int fanoutSeconds, int p99LimitMs, int idleSeconds,
                   int warmupSeconds, int nodes, int filteredClients) {

    static final String HUB = "hub";
    static final String BOTH = "both";

    static final String USAGE = """
            Usage: bench/run-load [--smoke] [--server hub|certstream-server-go|both] [--nodes N] [options]
              --smoke                 seconds-long run with small numbers (what CI runs)
              --out DIR               where results go (default bench/target/load[-smoke], with --server
                                      bench/target/compare[-smoke]/SERVER; both: a side-by-side results.md there)
            Side by side with certstream-server-go (--server): catch-up from index 0, the everyday live case,
            fan-out capacity (lite clients at --fanout-rate until p99 >= --p99-limit-ms or a message is lost), idle.
              --server NAME           hub, certstream-server-go (from ../shared/peers) or both, one after the other
              --peer DIR              the folder of certstream-server-go and its config.template.yaml
                                      (default: -Dpeer.dir, $CERTSTREAM_PEER_DIR, or ../shared/peers/certstream-server-go)
              --everyday-rate N       entries/s of the everyday case (300)
              --everyday-clients N    lite clients of the everyday case (20)
              --everyday-seconds S    its length (30), after --warmup-seconds of the same load, unmeasured
              --warmup-seconds S      that unmeasured warm-up (20)
              --fanout-rate N         entries/s of the fan-out steps (1000)
              --fanout-clients A,B,.. lite clients of each step (25,50,100,150,200,300,400,600,800,1000)
              --fanout-seconds S      length of each step (20)
              --p99-limit-ms N        a step passes with p99 below this and every message delivered (1000)
              --idle-seconds S        how long the server sits idle (no clients, quiet log) before its RSS is read (10)
            A cluster (--nodes, docs/cluster.md): N hub JVMs clustered on 127.0.0.1 following one log; an idle phase,
            then --lite-clients (default 30) spread evenly over the nodes, then (N > 1) all of them on the node that
            owns the log, each at --rate for --live-seconds after --warmup-seconds of the spread load, unmeasured.
              --nodes N               1, 2 or 3 hub nodes (JVM options default "-Xmx256m -Xms256m"; out
                                      bench/target/cluster-N)
            The hub's own phases (without --server):
              --backlog N             entries the log holds before the server starts (full: 1000000, --server: 200000)
              --pool N                distinct minted certificates the backlog is made of (full: 2000)
              --entries sim|ctdata    pool from the simulated log's mint, or the real Navigli entries of ../shared/ctdata
              --batch-cap N           most entries per get-entries answer, also the hub's watcher.batchSize (1024)
              --poll-seconds S        the hub's watcher.pollSeconds, fractions allowed (1)
              --catchup-timeout S     give up waiting for the catch-up after S seconds (900)
              --lite-clients N        lite (/) clients of the live lite phase (full: 5000)
              --domains-clients N     /domains-only clients of the live domains phase (full: 5000)
              --rate N                live entries per second (1000)
              --live-seconds S        length of each live phase (full: 30)
              --hub-instances N       the hub's server.instances (0: one per core)
              --client-queue-mb N     the hub's server.clientQueueBytes in MiB (16)
              --hub-jvm-args "..."    JVM options of the hub (default "-Xmx1g -Xms1g"; with --server those of
                                      config/jvm.options, what ./certstream-hub ships)
              --jfr                   record a JFR profile of the hub to OUT/hub.jfr
              --filtered-clients N    after the domains-only phase, the cost of filters: after a warm-up, one
                                      unfiltered lite client at --rate for --live-seconds (the baseline), then the same plus N lite clients
                                      with a different domain= filter each (half of them names the log's
                                      certificates carry), then the baseline again; hub CPU per certificate, RSS,
                                      delivered, latency of each (full: 0, none; smoke: 10). Filter cost alone, e.g.:
                                      --backlog 20000 --lite-clients 0 --domains-clients 0 --filtered-clients 1000
            """;

    static LoadOptions parse(String[] args) {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        Path out = null;
        int backlog = -1;
        int pool = smoke ? 100 : 2000;
        String entries = "sim";
        int batchCap = 1024;
        double poll = 1;
        int catchupTimeout = smoke ? 120 : 900;
        int lite = smoke ? 20 : 5000;
        int domains = smoke ? 20 : 5000;
        int rate = smoke ? 200 : 1000;
        int liveSeconds = smoke ? 2 : 30;
        int instances = 0;
        int queueMb = 16;
        List<String> jvm = null;
        boolean jfr = false;
        String server = null;
        Path peerDir = null;
        int everydayRate = 300;
        int everydayClients = smoke ? 5 : 20;
        int everydaySeconds = smoke ? 3 : 30;
        int fanoutRate = smoke ? 300 : 1000;
        List<Integer> fanoutClients = smoke ? List.of(10, 20) : List.of(25, 50, 100, 150, 200, 300, 400, 600, 800, 1000);
        int fanoutSeconds = smoke ? 3 : 20;
        int p99Limit = 1000;
        int idleSeconds = smoke ? 2 : 10;
        int warmupSeconds = smoke ? 2 : 20;
        int nodes = 0;
        int filtered = smoke ? 10 : 0;
        boolean liteGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--smoke" -> { }
                case "--jfr" -> jfr = true;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value\n\n" + USAGE);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--out" -> out = Path.of(v);
                        case "--backlog" -> backlog = positive(a, v);
                        case "--pool" -> pool = positive(a, v);
                        case "--entries" -> entries = v;
                        case "--batch-cap" -> batchCap = positive(a, v);
                        case "--poll-seconds" -> poll = seconds(a, v);
                        case "--catchup-timeout" -> catchupTimeout = positive(a, v);
                        case "--lite-clients" -> {
                            lite = count(a, v);
                            liteGiven = true;
                        }
                        case "--nodes" -> nodes = positive(a, v);
                        case "--domains-clients" -> domains = count(a, v);
                        case "--filtered-clients" -> filtered = count(a, v);
                        case "--rate" -> rate = positive(a, v);
                        case "--live-seconds" -> liveSeconds = positive(a, v);
                        case "--hub-instances" -> instances = count(a, v);
                        case "--client-queue-mb" -> queueMb = positive(a, v);
                        case "--hub-jvm-args" -> jvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                        case "--server" -> server = v;
                        case "--peer" -> peerDir = Path.of(v);
                        case "--everyday-rate" -> everydayRate = positive(a, v);
                        case "--everyday-clients" -> everydayClients = positive(a, v);
                        case "--everyday-seconds" -> everydaySeconds = positive(a, v);
                        case "--fanout-rate" -> fanoutRate = positive(a, v);
                        case "--fanout-clients" -> fanoutClients = Arrays.stream(v.split(","))
                                .map(n -> positive(a, n.trim())).toList();
                        case "--fanout-seconds" -> fanoutSeconds = positive(a, v);
                        case "--p99-limit-ms" -> p99Limit = positive(a, v);
                        case "--idle-seconds" -> idleSeconds = positive(a, v);
                        case "--warmup-seconds" -> warmupSeconds = positive(a, v);
                        default -> throw new IllegalArgumentException("unknown option " + a + "\n\n" + USAGE);
                    }
                }
            }
        }
        if (!entries.equals("sim") && !entries.equals("ctdata")) {
            throw new IllegalArgumentException("--entries must be sim or ctdata, got " + entries);
        }
        if (server != null && !List.of(HUB, PeerProcess.NAME, BOTH).contains(server)) {
            throw new IllegalArgumentException("--server must be hub, " + PeerProcess.NAME + " or both, got " + server);
        }
        if (nodes > 3 || (nodes > 0 && server != null)) {
            throw new IllegalArgumentException("--nodes must be 1, 2 or 3, without --server, got " + nodes);
        }
        if (nodes > 0) {
            // A cluster follows the log live from its head: the backlog is only there for the log to have a head.
            backlog = backlog < 0 ? 1000 : backlog;
            lite = liteGiven ? lite : smoke ? 6 : 30;
            out = out != null ? out : Path.of("bench/target/cluster-" + nodes);
            jvm = jvm != null ? jvm : List.of("-Xmx256m", "-Xms256m");
        }
        if (backlog < 0) {
            // certstream-server-go reads 100 entries a request: a million would take it many minutes.
            backlog = smoke ? 2000 : server == null ? 1_000_000 : 200_000;
        }
        if (out == null) {
            out = server == null ? Path.of(smoke ? "bench/target/load-smoke" : "bench/target/load")
                    : Path.of(smoke ? "bench/target/compare-smoke" : "bench/target/compare");
        }
        if (jvm == null) {
            jvm = server == null ? List.of("-Xmx1g", "-Xms1g") : shippedJvmOptions();
        }
        return new LoadOptions(smoke, out, backlog, pool, entries, batchCap, poll, catchupTimeout, lite, domains, rate,
                liveSeconds, instances, queueMb, jvm, jfr, server, peerDir, everydayRate, everydayClients,
                everydaySeconds, fanoutRate, fanoutClients, fanoutSeconds, p99Limit, idleSeconds, warmupSeconds, nodes,
                filtered);
    }

    /** These options for one server of a side-by-side run: its own output folder under {@code out}. */
    LoadOptions forServer(String name) {
        return new LoadOptions(smoke, out.resolve(name), backlog, pool, entries, batchCap, pollSeconds,
                catchupTimeoutSeconds, liteClients, domainsClients, rate, liveSeconds, hubInstances, clientQueueMb,
                hubJvmArgs, jfr, name, peerDir, everydayRate, everydayClients, everydaySeconds, fanoutRate,
                fanoutClients, fanoutSeconds, p99LimitMs, idleSeconds, warmupSeconds, nodes, filteredClients);
    }

    /**
     * The JVM options {@code ./certstream-hub} starts the hub with ({@code config/jvm.options}, one per line, # for
     * comments), so the side-by-side runs measure what users run. Looked for from the repository root and a module.
     */
    static List<String> shippedJvmOptions() {
        for (Path p : List.of(Path.of("config", "jvm.options"), Path.of("..", "config", "jvm.options"))) {
            if (Files.isRegularFile(p)) {
                try {
                    return Files.readAllLines(p).stream().map(String::trim)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + p.toAbsolutePath(), e);
                }
            }
        }
        throw new IllegalArgumentException("config/jvm.options not found from " + Path.of("").toAbsolutePath()
                + "; give --hub-jvm-args");
    }

    private static int positive(String name, String value) {
        int n = count(name, value);
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return n;
    }

    private static double seconds(String name, String value) {
        try {
            double s = Double.parseDouble(value);
            if (!(s >= 0.1)) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, at least 0.1, got " + value);
        }
    }

    private static int count(String name, String value) {
        try {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a non-negative integer, got " + value);
        }
    }
}
