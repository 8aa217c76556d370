package io.certstream.bench;

import io.certstream.hub.ct.rfc6962.EntriesParser;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.WireFormat;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * CPU time per certificate of each stage of the decode path, measured with the thread's CPU clock instead of the
 * wall clock: on a machine shared with other work (CI, other builds) JMH's wall-clock scores drop with the load,
 * while CPU time per operation barely moves. {@code 1e9 / ns-per-op} is the single-core ceiling.
 * Run: {@code java -cp bench/target/certstream-bench.jar io.certstream.bench.CpuCost [sim|ctdata] [seconds] [stage]}.
 */
public final class CpuCost {
    private static final LogSource SOURCE = new LogSource("Bench log", "https://ct.example/log", null, LogSource.RFC6962);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile Object sink;
    private static String only;

    private CpuCost() {
    }

    public static void main(String[] args) {
        String set = args.length > 0 ? args[0] : "sim";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        only = args.length > 2 ? args[2] : null;
        List<RawEntry> raw = BenchEntries.named(set, 1024);
        LogEntryDecoder decoder = new LogEntryDecoder();
        IntFunction<CertificateUpdate> decode = i -> {
            RawEntry e = raw.get(i % raw.size());
            return decoder.decode(e, SOURCE, "https://ct.example/log/ct/v1/get-entries?start=" + e.index(), 1_700_000_000_000L);
        };
        List<CertificateUpdate> decoded = raw.stream().map(e -> decode.apply((int) e.index())).toList();
        System.out.printf(Locale.ROOT, "entries: %s (%d), CPU time per certificate on one thread%n", set, raw.size());
        JsonArray array = new JsonArray();
        for (RawEntry e : raw) {
            array.add(new JsonObject()
                    .put("leaf_input", Base64.getEncoder().encodeToString(e.leafInput()))
                    .put("extra_data", Base64.getEncoder().encodeToString(e.extraData())));
        }
        Buffer body = new JsonObject().put("entries", array).toBuffer();
        int perBody = raw.size();
        measurePer("parse get-entries", seconds, perBody, i -> EntriesParser.parse(body, 0, "bench"));
        measure("decode", seconds, decode::apply);
        measure("serialize full", seconds, i -> WireFormat.full(decoded.get(i % decoded.size())));
        measure("serialize lite", seconds, i -> WireFormat.lite(decoded.get(i % decoded.size())));
        measure("serialize domains-only", seconds, i -> WireFormat.domainsOnly(decoded.get(i % decoded.size())));
        int log = Cursor.logId(SOURCE.url());
        measure("decode + all three messages", seconds, i -> EncodedUpdate.of(decode.apply(i), log));
        long[] stamp = {Cursor.stamp(1_700_000_000_000L, 0)};
        measure("... + cursor stamped", seconds, i -> EncodedUpdate.of(decode.apply(i), log).stamp(stamp[0]++).toString());
    }

    private static void measure(String name, double seconds, IntFunction<Object> op) {
        if (only != null && !name.startsWith(only)) {
            return;
        }
        run(op, seconds / 2); // warm-up: let the JIT compile the path
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        int n = run(op, seconds);
        double cpuNs = (THREADS.getCurrentThreadCpuTime() - cpu0) / (double) n;
        double wallNs = (System.nanoTime() - wall0) / (double) n;
        System.out.printf(Locale.ROOT, "%-30s %9.1f us CPU/op = %,9.0f ops/s per core   (wall: %,9.0f ops/s)%n",
                name, cpuNs / 1000, 1e9 / cpuNs, 1e9 / wallNs);
    }

    /** Like {@link #measure} for an operation that handles {@code per} certificates at once. */
    private static void measurePer(String name, double seconds, int per, IntFunction<Object> op) {
        if (only != null && !name.startsWith(only)) {
            return;
        }
        run(op, seconds / 2);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        int n = run(op, seconds) * per;
        double cpuNs = (THREADS.getCurrentThreadCpuTime() - cpu0) / (double) n;
        System.out.printf(Locale.ROOT, "%-30s %9.1f us CPU/op = %,9.0f ops/s per core%n", name, cpuNs / 1000, 1e9 / cpuNs);
    }

    private static int run(IntFunction<Object> op, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int n = 0;
        while (System.nanoTime() < end) {
            for (int k = 0; k < 4; k++) {
                sink = op.apply(n++);
            }
        }
        return n;
    }
}
