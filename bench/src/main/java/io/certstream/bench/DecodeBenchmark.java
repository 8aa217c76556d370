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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hub's per-certificate CPU path, one stage at a time and end to end: get-entries JSON -> raw entry ->
 * {@link CertificateUpdate} (BouncyCastle, chain certificates from the cache as in the hub) -> the three wire
 * messages. One operation is one certificate and every benchmark runs on one thread, so the scores are
 * certificates per second per core. Run: {@code java -jar bench/target/certstream-bench.jar} (see docs/performance.md).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class DecodeBenchmark {
    private static final LogSource SOURCE = new LogSource("Bench log", "https://ct.example/log", null, LogSource.RFC6962);
    private static final int LOG_ID = Cursor.logId(SOURCE.url());

    /** {@code sim}: entries minted by the simulated log; {@code ctdata}: 1024 real Navigli entries (needs ../shared). */
    @Param({"sim"})
    public String entries;

    private List<RawEntry> raw;
    private List<CertificateUpdate> decoded;
    private Buffer getEntriesBody;
    private LogEntryDecoder decoder;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        raw = BenchEntries.named(entries, 1024);
        decoder = new LogEntryDecoder();
        decoded = raw.stream().map(this::decode).toList();
        JsonArray array = new JsonArray();
        Base64.Encoder base64 = Base64.getEncoder();
        for (RawEntry e : raw.subList(0, Math.min(256, raw.size()))) {
            array.add(new JsonObject().put("leaf_input", base64.encodeToString(e.leafInput()))
                    .put("extra_data", base64.encodeToString(e.extraData())));
        }
        getEntriesBody = new JsonObject().put("entries", array).toBuffer();
    }

    private CertificateUpdate decode(RawEntry e) {
        return decoder.decode(e, SOURCE, "https://ct.example/log/ct/v1/get-entries?start=" + e.index() + "&end=" + e.index(),
                1_700_000_000_000L);
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == raw.size() ? 0 : i + 1;
        return i;
    }

    /** get-entries JSON body (256 entries) -> raw entries; the score is entries per second. */
    @Benchmark
    @OperationsPerInvocation(256)
    public List<RawEntry> parseGetEntries() {
        return EntriesParser.parse(getEntriesBody, 0, "bench");
    }

    /** Raw entry -> CertificateUpdate (TLS structures, BouncyCastle, hashes, extension text; chain from the cache). */
    @Benchmark
    public CertificateUpdate decode() {
        return decode(raw.get(nextIndex()));
    }

    @Benchmark
    public Buffer serializeFull() {
        return WireFormat.full(decoded.get(nextIndex()));
    }

    @Benchmark
    public Buffer serializeLite() {
        return WireFormat.lite(decoded.get(nextIndex()));
    }

    @Benchmark
    public Buffer serializeDomainsOnly() {
        return WireFormat.domainsOnly(decoded.get(nextIndex()));
    }

    /** What the hub does per certificate on its workers: decode, then serialize once per channel. */
    @Benchmark
    public EncodedUpdate decodeAndEncodeAll() {
        return EncodedUpdate.of(decode(raw.get(nextIndex())), LOG_ID);
    }
}
