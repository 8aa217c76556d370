package io.certstream.bench.load;

import io.certstream.hub.ct.merkle.MerkleTree;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * An RFC 6962 log for load tests: a real Merkle tree with consistency proofs, signed tree heads and a Chrome v3
 * log list naming it with its key (so the hub verifies both as it does for real logs), over
 * a backlog of {@code backlog} entries drawn from an {@link EntryPool} and then a live tail appended at a fixed
 * rate. The tree head stays at size 0 until {@link #openGate()}, so clients can connect to the hub before it
 * starts catching up. Everything but the backlog's hashing runs on this verticle's event loop.
 */
final class BacklogLog extends VerticleBase {
    private static final long APPEND_TICK_MS = 10;

    private final EntryPool pool;
    private final int backlog;
    private final int batchCap;
    private final long backlogTimestamp = System.currentTimeMillis();
    /** Timestamps of live entries (index - backlog); written on the event loop, read by the clients' threads. */
    private final AtomicLongArray liveTimestamps;
    /** When the hub first fetched each live entry: the end of its poll wait, the start of the hub's own work. */
    private final AtomicLongArray liveServed;
    private final MerkleTree tree = new MerkleTree();
    private KeyPair key;
    private HttpServer server;
    private volatile long visibleSize;
    private volatile long liveAppended;
    private long liveTimer = -1;
    private JsonObject cachedSth;
    /** Requests served, to say how often each server polls the log. */
    final LongAdder sthRequests = new LongAdder();
    final LongAdder entriesRequests = new LongAdder();

    BacklogLog(EntryPool pool, int backlog, int batchCap, int maxLiveEntries) {
        this.pool = pool;
        this.backlog = backlog;
        this.batchCap = batchCap;
        this.liveTimestamps = new AtomicLongArray(Math.max(1, maxLiveEntries));
        this.liveServed = new AtomicLongArray(Math.max(1, maxLiveEntries));
    }

    @Override
    public Future<?> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            key = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
        // Hashing a million leaves takes seconds: do it off the event loop, before the server answers.
        return vertx.executeBlocking(() -> {
                    for (long i = 0; i < backlog; i++) {
                        tree.append(pool.leafInput(i, backlogTimestamp));
                    }
                    return null;
                })
                .compose(v -> vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"))
                .onSuccess(s -> server = s);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    String logListUrl() {
        return url() + "/log_list.json";
    }

    int backlog() {
        return backlog;
    }

    /** Makes the backlog (and whatever was appended since) visible in the next tree head. */
    void openGate() {
        context.runOnContext(v -> visibleSize = tree.size());
    }

    /** Shows an empty log again, to a new server that is to catch up from index 0 once its client is connected. */
    void closeGate() {
        context.runOnContext(v -> visibleSize = 0);
    }

    /**
     * Appends {@code perSecond} new entries a second, stamped with the time they are appended, until stopped or
     * until {@code maxEntries} live entries exist in all.
     */
    void startLive(int perSecond, int maxEntries) {
        context.runOnContext(v -> {
            long started = System.currentTimeMillis();
            long base = liveAppended;
            liveTimer = vertx.setPeriodic(APPEND_TICK_MS, t -> {
                long owed = Math.min(maxEntries, base + perSecond * (System.currentTimeMillis() - started) / 1000);
                long now = System.currentTimeMillis();
                for (long n = liveAppended; n < owed && n < liveTimestamps.length(); n++) {
                    long index = backlog + n;
                    tree.append(pool.leafInput(index, now));
                    liveTimestamps.set((int) n, now);
                    liveAppended = n + 1;
                }
                visibleSize = tree.size();
            });
        });
    }

    void stopLive() {
        context.runOnContext(v -> vertx.cancelTimer(liveTimer));
    }

    long liveAppended() {
        return liveAppended;
    }

    /** When entry {@code index} entered the log (epoch millis), or -1 for backlog entries and unknown ones. */
    long timestamp(long index) {
        long n = index - backlog;
        return n >= 0 && n < liveTimestamps.length() ? liveTimestamps.get((int) n) : -1;
    }

    /** When the hub first received entry {@code index} in a get-entries answer (epoch millis), or -1. */
    long served(long index) {
        long n = index - backlog;
        long at = n >= 0 && n < liveServed.length() ? liveServed.get((int) n) : 0;
        return at == 0 ? -1 : at;
    }

    private void handle(HttpServerRequest request) {
        // A log URL ending in '/' may come back as '//ct/v1/...' from clients that append the path as it is.
        String path = request.path().replaceFirst("^/+", "/");
        if (path.equals("/ct/v1/get-sth")) {
            sthRequests.increment();
        } else if (path.equals("/ct/v1/get-entries")) {
            entriesRequests.increment();
        }
        switch (path) {
            case "/ct/v1/get-sth" -> json(request, sth().toBuffer());
            case "/ct/v1/get-entries" -> getEntries(request);
            case "/ct/v1/get-sth-consistency" -> consistency(request);
            case "/log_list.json" -> json(request, logList().toBuffer());
            default -> request.response().setStatusCode(404).end();
        }
    }

    private void getEntries(HttpServerRequest request) {
        long start;
        long end;
        try {
            start = Long.parseLong(request.getParam("start"));
            end = Long.parseLong(request.getParam("end"));
        } catch (NumberFormatException e) {
            request.response().setStatusCode(400).end("start and end must be integers");
            return;
        }
        long size = visibleSize;
        if (start < 0 || end < start || start >= size) {
            request.response().setStatusCode(400).end("need 0 <= start <= end and start < " + size);
            return;
        }
        long last = Math.min(Math.min(end, size - 1), start + batchCap - 1);
        Buffer out = Buffer.buffer((int) (last - start + 1) * 4096);
        out.appendString("{\"entries\":[");
        Base64.Encoder base64 = Base64.getEncoder();
        for (long i = start; i <= last; i++) {
            if (i > start) {
                out.appendByte((byte) ',');
            }
            long timestamp = i < backlog ? backlogTimestamp : timestamp(i);
            out.appendString("{\"leaf_input\":\"").appendBytes(base64.encode(pool.leafInput(i, timestamp)))
                    .appendString("\",\"extra_data\":\"").appendBytes(pool.extraDataBase64(i)).appendString("\"}");
        }
        json(request, out.appendString("]}"));
        long now = System.currentTimeMillis();
        for (long i = Math.max(start, backlog); i <= last && i - backlog < liveServed.length(); i++) {
            liveServed.compareAndSet((int) (i - backlog), 0, now);
        }
    }

    /** RFC 6962 get-sth-consistency: the hub checks each new tree head against the previous one. */
    private void consistency(HttpServerRequest request) {
        long first;
        long second;
        try {
            first = Long.parseLong(request.getParam("first"));
            second = Long.parseLong(request.getParam("second"));
        } catch (NumberFormatException e) {
            request.response().setStatusCode(400).end("first and second must be integers");
            return;
        }
        if (first < 0 || first > second || second > visibleSize) {
            request.response().setStatusCode(400).end("need 0 <= first <= second <= " + visibleSize);
            return;
        }
        JsonArray proof = new JsonArray();
        for (byte[] hash : tree.consistencyProof(first, second)) {
            proof.add(Base64.getEncoder().encodeToString(hash));
        }
        json(request, new JsonObject().put("consistency", proof).toBuffer());
    }

    private JsonObject sth() {
        long size = visibleSize;
        if (cachedSth != null && cachedSth.getLong("tree_size") == size) {
            return cachedSth;
        }
        long timestamp = System.currentTimeMillis();
        byte[] root = size == 0 ? MerkleTree.emptyRoot() : tree.rootHash(size);
        ByteBuffer signed = ByteBuffer.allocate(2 + 8 + 8 + 32)
                .put((byte) 0).put((byte) 1).putLong(timestamp).putLong(size).put(root);
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key.getPrivate());
            ecdsa.update(signed.array());
            byte[] signature = ecdsa.sign();
            // DigitallySigned: hash sha256(4), signature ecdsa(3), opaque<0..2^16-1>
            ByteBuffer digitallySigned = ByteBuffer.allocate(4 + signature.length)
                    .put((byte) 4).put((byte) 3).putShort((short) signature.length).put(signature);
            cachedSth = new JsonObject()
                    .put("tree_size", size)
                    .put("timestamp", timestamp)
                    .put("sha256_root_hash", Base64.getEncoder().encodeToString(root))
                    .put("tree_head_signature", Base64.getEncoder().encodeToString(digitallySigned.array()));
            return cachedSth;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a tree head", e);
        }
    }

    private JsonObject logList() {
        byte[] spki = key.getPublic().getEncoded();
        String logId;
        try {
            logId = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        JsonObject log = new JsonObject()
                .put("description", "CertStream load harness log")
                .put("log_id", logId)
                .put("key", Base64.getEncoder().encodeToString(spki))
                .put("url", url() + "/")
                .put("mmd", 86400)
                .put("state", new JsonObject().put("usable", new JsonObject().put("timestamp", "2020-01-01T00:00:00Z")))
                .put("temporal_interval", new JsonObject()
                        .put("start_inclusive", "2020-01-01T00:00:00Z")
                        .put("end_exclusive", "2100-01-01T00:00:00Z"));
        return new JsonObject()
                .put("version", "1.0")
                .put("log_list_timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("operators", new JsonArray().add(new JsonObject()
                        .put("name", "CertStream load harness")
                        .put("email", new JsonArray())
                        .put("logs", new JsonArray().add(log))
                        .put("tiled_logs", new JsonArray())));
    }

    private static void json(HttpServerRequest request, Buffer body) {
        request.response().putHeader("content-type", "application/json").end(body);
    }

}
