package io.certstream.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one harness run does. {@code --smoke} is the seconds-long CI run; without it the defaults are the full run
 * whose figures docs/performance.md reports. Every figure can be overridden.
 */
record LoadOptions(boolean smoke, Path out, int backlog, int pool, String entries, int batchCap, double pollSeconds,
                   int catchupTimeoutSeconds, int liteClients, int domainsClients, int rate, int liveSeconds,
                   int hubInstances, int clientQueueMb, List<String> hubJvmArgs, boolean jfr) {

    static final String USAGE = """
            Usage: bench/run-load [--smoke] [options]
              --smoke                 seconds-long run with small numbers (what CI runs)
              --out DIR               where results go (default bench/target/load or bench/target/load-smoke)
              --backlog N             entries the log holds before the hub starts (full: 1000000)
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
              --hub-jvm-args "..."    JVM options of the hub (default "-Xmx1g -Xms1g")
              --jfr                   record a JFR profile of the hub to OUT/hub.jfr
            """;

    static LoadOptions parse(String[] args) {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        Path out = Path.of(smoke ? "bench/target/load-smoke" : "bench/target/load");
        int backlog = smoke ? 2000 : 1_000_000;
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
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-Xms1g"));
        boolean jfr = false;
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
                        case "--lite-clients" -> lite = count(a, v);
                        case "--domains-clients" -> domains = count(a, v);
                        case "--rate" -> rate = positive(a, v);
                        case "--live-seconds" -> liveSeconds = positive(a, v);
                        case "--hub-instances" -> instances = count(a, v);
                        case "--client-queue-mb" -> queueMb = positive(a, v);
                        case "--hub-jvm-args" -> jvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                        default -> throw new IllegalArgumentException("unknown option " + a + "\n\n" + USAGE);
                    }
                }
            }
        }
        if (!entries.equals("sim") && !entries.equals("ctdata")) {
            throw new IllegalArgumentException("--entries must be sim or ctdata, got " + entries);
        }
        return new LoadOptions(smoke, out, backlog, pool, entries, batchCap, poll, catchupTimeout, lite, domains, rate,
                liveSeconds, instances, queueMb, jvm, jfr);
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
