package io.certstream.hub.sim;

import io.certstream.hub.decode.RawEntry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local RFC 6962 CT log over real HTTP, for the offline demo and for tests, with a static-ct-api view of the
 * same tree under {@link #tiledUrl()}.
 *
 * <p>It issues certificates from a simulated CA ({@link CertificateMint}), grows by
 * {@link SimulatedLogOptions#entriesPerSecond()} and on {@link #append(int)}, signs its tree heads
 * with its own P-256 key and publishes itself in {@code /log_list.json}. Issuing runs on the log's
 * own one-thread worker pool, one batch at a time, so entries get consecutive indexes, the event
 * loop only serves what is already issued, and the hub's worker pool is left alone.
 */
public final class SimulatedCtLog {

    public static final String HOST = "127.0.0.1";

    private static final long GROWTH_TICK_MS = 200;
    private static final int MAX_ISSUE_BATCH = 1000;
    private static final String TILED_PREFIX = "/tiled";
    private static final AtomicInteger LOG_NUMBER = new AtomicInteger();

    private final Vertx vertx;
    private final WorkerExecutor issuing;
    private final SimulatedLogOptions options;
    private final SimulatedLogStore store = new SimulatedLogStore();
    private final EntryIssuer issuer;
    private final CertificateMint mint;
    private final TreeHeadSigner signer;
    private final AtomicReference<SignedTreeHead> latestTreeHead = new AtomicReference<>();
    private final AtomicBoolean growing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<SimulatedCtLog> alsoListedAsTiled = new CopyOnWriteArrayList<>();
    private final FaultInjector faults;
    private long lastTimestamp; // issuing thread only
    // Set on the event loop, read by tests and close() from other threads.
    private volatile HttpServer server;
    private volatile long growthTimer = -1;
    private long growthStartMillis; // event loop only, like grownByTimer
    private long grownByTimer;

    private SimulatedCtLog(Vertx vertx, WorkerExecutor issuing, SimulatedLogOptions options, CertificateMint mint,
                           TreeHeadSigner signer) {
        this.vertx = vertx;
        this.issuing = issuing;
        this.options = options;
        this.mint = mint;
        this.signer = signer;
        this.issuer = new EntryIssuer(mint, options.seed(), options.precertRatio());
        this.faults = new FaultInjector(vertx);
    }

    /** Starts a log on a free port of 127.0.0.1. */
    public static Future<SimulatedCtLog> start(Vertx vertx, SimulatedLogOptions options) {
        return start(vertx, options, 0);
    }

    /**
     * Starts a log on {@code port} of 127.0.0.1 (0 = a free port). The future completes once the
     * initial entries are issued and the server listens.
     */
    public static Future<SimulatedCtLog> start(Vertx vertx, SimulatedLogOptions options, int port) {
        WorkerExecutor issuing = vertx.createSharedWorkerExecutor(
                "certstream-sim-issuer-" + LOG_NUMBER.incrementAndGet(), 1);
        return issuing.executeBlocking(() -> {
            CertificateMint mint = CertificateMint.create();
            TreeHeadSigner signer = new TreeHeadSigner(KeyPool.ec());
            SimulatedCtLog log = new SimulatedCtLog(vertx, issuing, options, mint, signer);
            log.issueNow(options.initialSize());
            return log;
        }, true).compose(log -> log.listen(port)).onFailure(failure -> issuing.close());
    }

    private Future<SimulatedCtLog> listen(int port) {
        Router router = Router.router(vertx);
        router.route("/ct/v1/*").handler(faults::handle);
        new Rfc6962Api(store, this::treeHead, mint.roots(), options.batchCap(), faults::corrupted).mount(router);
        new TiledApi(store, this::treeHead, signer.logId(), faults::corrupted).mount(router, TILED_PREFIX, this::origin);
        router.get("/log_list.json").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json")
                .end(LogListDocument.forLogs(List.of(this), alsoListedAsTiled).toBuffer()));
        router.get(TILED_PREFIX + "/log_list.json").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json")
                .end(LogListDocument.forLogs(List.of(), List.of(this)).toBuffer()));
        // Like real logs and CDNs, gzip when asked: static-ct-api clients must accept Content-Encoding: gzip.
        return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
                .requestHandler(router).listen(port, HOST).map(listening -> {
            server = listening;
            startGrowth();
            return this;
        }).onFailure(failure -> closed.set(true))
                .recover(failure -> Future.failedFuture(new IllegalStateException(
                        "simulated CT log cannot listen on " + HOST + ":" + port + ": " + failure.getMessage(), failure)));
    }

    /**
     * Answers RFC 6962 requests past {@code limit}'s rate with 429 (Retry-After: 1), as real operators throttle at
     * about 10 requests/s; share one limit between logs to simulate one operator. Null lifts it.
     */
    public void limitRequests(RequestRateLimit limit) {
        faults.limitRate(limit);
    }

    /** The most get-entries requests this log was answering at the same time (a watcher's fetch concurrency). */
    public int maxEntriesRequestsInFlight() {
        return faults.maxEntriesInFlight();
    }

    /** Base URL without a trailing slash, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://" + HOST + ":" + server.actualPort();
    }

    /** Where this log serves a Chrome v3 log list that names it (as an RFC 6962 log; see {@link #listAsTiled}). */
    public String logListUrl() {
        return url() + "/log_list.json";
    }

    /** The monitoring prefix of this log's static-ct-api view (same tree), without a trailing slash. */
    public String tiledUrl() {
        return url() + TILED_PREFIX;
    }

    /** Where this log serves a log list that names only its tiled view, under {@code tiled_logs}. */
    public String tiledLogListUrl() {
        return tiledUrl() + "/log_list.json";
    }

    /** The checkpoint origin: the submission prefix (the RFC 6962 URL) without scheme, as static-ct-api says. */
    public String origin() {
        return url().substring("http://".length());
    }

    /**
     * Adds the tiled view of {@code other} to this log's {@link #logListUrl()} list, so that one list names an
     * RFC 6962 log and a tiled log (the demo watches both kinds without showing a certificate twice).
     */
    public void listAsTiled(SimulatedCtLog other) {
        alsoListedAsTiled.add(other);
    }

    public SimulatedLogOptions options() {
        return options;
    }

    /** Entries issued so far (the tree size {@code get-sth} reports next). */
    public long size() {
        return store.size();
    }

    /** What the log issued at {@code index}; throws IndexOutOfBoundsException beyond {@link #size()}. */
    public IssuedEntry entry(long index) {
        return store.entry(index);
    }

    /** The Merkle root of the first {@code treeSize} entries. */
    public byte[] rootHash(long treeSize) {
        return store.rootHash(treeSize);
    }

    /** The log's SubjectPublicKeyInfo, base64 (the {@code key} of its log list entry). */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(signer.publicKeySpki());
    }

    public PublicKey publicKey() {
        return signer.key().getPublic();
    }

    /** SHA-256 of the SubjectPublicKeyInfo, base64 (the {@code log_id} of its log list entry). */
    public String logId() {
        return Base64.getEncoder().encodeToString(signer.logId());
    }

    /** DER of the roots {@code get-roots} serves (the chains' last certificates). */
    public List<byte[]> roots() {
        return mint.roots();
    }

    /**
     * From now on, answers a share of RFC 6962 requests with faults (429, 500, resets, slow, garbage, truncated
     * JSON) as {@code plan} says; replaces any earlier plan. Safe to call from any thread.
     */
    public void injectFaults(FaultPlan plan) {
        faults.start(plan);
    }

    /**
     * From now on, {@code get-entries} serves the entries at {@code indexes} with a corrupted {@code leaf_input}
     * (MerkleTreeLeaf version 7), so that they cannot be decoded; the rest of the answer is normal. Replaces an
     * earlier set; an empty set ends it. Independent of {@link #injectFaults}.
     */
    public void corruptEntries(Set<Long> indexes) {
        Map<Long, EntryFault> faulty = new HashMap<>();
        indexes.forEach(index -> faulty.put(index, EntryFault.LEAF_VERSION));
        corruptEntries(faulty);
    }

    /**
     * From now on, both views (RFC 6962 {@code get-entries} and the tiled data tiles) serve the entry at each index
     * broken in its own way; the rest of each answer is normal. Replaces an earlier set; an empty map ends it.
     */
    public void corruptEntries(Map<Long, EntryFault> entries) {
        faults.corrupt(entries);
    }

    /**
     * From now on, {@code get-sth} (and the tiled checkpoint) serve a correctly signed tree head of the first
     * {@code treeSize} entries, as a stale cache in front of a log would: the tree seems to go backwards. Until
     * {@link #serveCurrentTreeHead}; independent of {@link #injectFaults}.
     */
    public void serveStaleTreeHead(long treeSize) {
        if (treeSize < 0 || treeSize > size()) {
            throw new IllegalArgumentException("a stale tree head needs 0 <= treeSize <= " + size() + ", got " + treeSize);
        }
        faults.staleTreeHead(treeSize);
    }

    /** Ends {@link #serveStaleTreeHead}: the current tree head again. */
    public void serveCurrentTreeHead() {
        faults.staleTreeHead(-1);
    }

    /** Answers every request normally again (but for {@link #corruptEntries} and {@link #serveStaleTreeHead}). */
    public void stopFaults() {
        faults.stop();
    }

    /** How many faults of each kind were injected so far. */
    public Map<FaultPlan.Fault, Long> injectedFaults() {
        return faults.injected();
    }

    /** Issues {@code n} more entries; the future completes once they are in the tree. */
    public Future<Void> append(int n) {
        if (n < 0) {
            return Future.failedFuture(new IllegalArgumentException("cannot append " + n + " entries"));
        }
        if (closed.get()) {
            return Future.failedFuture(new IllegalStateException("simulated CT log " + describe() + " is closed; cannot append"));
        }
        return issuing.executeBlocking(() -> {
            issueNow(n);
            return null;
        }, true);
    }

    /**
     * Appends entries {@code [from, to)} of {@code other} to this log, byte for byte (leaf input, timestamp and chain
     * unchanged, only the index is this log's): the same certificates logged in two logs, as real CAs do.
     */
    public Future<Void> appendCopiesOf(SimulatedCtLog other, long from, long to) {
        if (closed.get()) {
            return Future.failedFuture(new IllegalStateException("simulated CT log " + describe() + " is closed; cannot append"));
        }
        return issuing.executeBlocking(() -> {
            List<IssuedEntry> batch = new ArrayList<>();
            long next = store.size();
            for (long i = from; i < to; i++) {
                IssuedEntry e = other.entry(i);
                long index = next + batch.size();
                batch.add(new IssuedEntry(index, e.type(), e.timestamp(), e.leafDer(), e.chainDer(), e.domains(),
                        new RawEntry(index, e.raw().leafInput(), e.raw().extraData())));
            }
            store.append(batch);
            return null;
        }, true);
    }

    /**
     * Rewrites history, as a forked or compromised log would: entry {@code index} is issued again (a later
     * timestamp, so another leaf) and {@code grow} more entries are appended, in one step, so that no tree head
     * between is served. Tree heads from then on, correctly signed, are over the rewritten tree, in both views.
     */
    public Future<Void> fork(long index, int grow) {
        if (index < 0 || index >= size() || grow < 0) {
            return Future.failedFuture(new IllegalArgumentException("cannot rewrite entry " + index + " of a log of "
                    + size() + " and grow it by " + grow));
        }
        return issuing.executeBlocking(() -> {
            lastTimestamp = Math.max(lastTimestamp + 1, System.currentTimeMillis());
            IssuedEntry replacement = issuer.issue(index, lastTimestamp);
            List<IssuedEntry> then = new ArrayList<>(grow);
            for (long next = store.size(); then.size() < grow; next++) {
                then.add(issuer.issue(next, lastTimestamp));
            }
            store.rewrite(replacement, then);
            return null;
        }, true);
    }

    /** Stops growing and closes the HTTP server. */
    public Future<Void> close() {
        if (!closed.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        if (growthTimer >= 0) {
            vertx.cancelTimer(growthTimer);
        }
        Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
        return stopped.eventually(issuing::close);
    }

    private String describe() {
        return server == null ? "'" + options.description() + "'" : url();
    }

    // Runs on the ordered worker only, so indexes and timestamps never interleave.
    private void issueNow(int n) {
        int remaining = n;
        while (remaining > 0 && !closed.get()) {
            int batchSize = Math.min(remaining, 256);
            List<IssuedEntry> batch = new ArrayList<>(batchSize);
            long next = store.size();
            for (int i = 0; i < batchSize; i++) {
                // CT timestamps never go backwards within a log, even if the wall clock does.
                lastTimestamp = Math.max(lastTimestamp, System.currentTimeMillis());
                batch.add(issuer.issue(next + i, lastTimestamp));
            }
            store.append(batch);
            remaining -= batchSize;
        }
    }

    private void startGrowth() {
        if (options.entriesPerSecond() == 0) {
            return;
        }
        growthStartMillis = System.currentTimeMillis();
        growthTimer = vertx.setPeriodic(GROWTH_TICK_MS, id -> grow());
    }

    // Issues what the rate owes since the start; a slow worker makes ticks skip, not pile up.
    private void grow() {
        if (closed.get() || !growing.compareAndSet(false, true)) {
            return;
        }
        long owed = options.entriesPerSecond() * (System.currentTimeMillis() - growthStartMillis) / 1000 - grownByTimer;
        int n = (int) Math.min(owed, MAX_ISSUE_BATCH);
        if (n <= 0) {
            growing.set(false);
            return;
        }
        grownByTimer += n;
        append(n).onComplete(done -> growing.set(false));
    }

    // Signing costs a fraction of a millisecond, and only happens when the tree has grown.
    private SignedTreeHead treeHead() {
        long stale = faults.staleTreeSize();
        if (stale >= 0) {
            return signer.sign(stale, System.currentTimeMillis(), store.rootHash(stale));
        }
        long size = store.size();
        SignedTreeHead current = latestTreeHead.get();
        if (current != null && current.treeSize() == size) {
            return current;
        }
        long timestamp = Math.max(System.currentTimeMillis(), current == null ? 0 : current.timestamp());
        SignedTreeHead signed = signer.sign(size, timestamp, store.rootHash(size));
        latestTreeHead.set(signed);
        return signed;
    }
}
