package io.certstream.hub.testing;

import io.certstream.hub.ct.Sha256;
import io.certstream.hub.ct.tiled.CheckpointVerifier;
import io.certstream.hub.sim.CtEncoding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

/**
 * The real Navigli 2025h2 static-ct-api tiles and issuers of {@code ../shared/ctdata/static-ct/} served on 127.0.0.1,
 * under {@code /tiled}, with checkpoints signed by a test key (no real signed Navigli checkpoint exists), and the
 * same 1024 entries as RFC 6962 {@code get-entries} under {@code /rfc6962} (from {@code navigli2025h2_derived/}).
 * {@code /log_list.json} names both with the test key. Data tiles 000 and 002 are served gzip-encoded, as real
 * logs do without negotiation. Faults can be switched on: a truncated data tile, a missing issuer.
 */
public final class NavigliTiledLog {
    public static final String ORIGIN = "navigli2025h2.sunlight.geomys.org";
    public static final String DESCRIPTION = "Navigli 2025h2 (test copy)";
    private static final Set<String> GZIPPED = Set.of("000", "002");
    private static final int RFC6962_BATCH_CAP = 256;

    private final Vertx vertx;
    private final Path tiles;
    private final JsonObject expected;
    private final JsonArray rfc6962Entries;
    private final KeyPair key = ecKey();
    private final AtomicReference<String> checkpoint = new AtomicReference<>();
    private final AtomicReference<JsonObject> sth = new AtomicReference<>();
    private final Map<String, Integer> truncatedServes = new ConcurrentHashMap<>();
    private final Map<String, Integer> missingServes = new ConcurrentHashMap<>();
    private final AtomicInteger checkpointRequests = new AtomicInteger();
    private volatile boolean partialTilesDeleted;
    private final Map<String, Integer> tamperedServes = new ConcurrentHashMap<>();
    private final Path overlay;
    private HttpServer server;

    private NavigliTiledLog(Vertx vertx, Path ctdata) {
        this.vertx = vertx;
        this.tiles = ctdata.resolve("static-ct/navigli2025h2");
        this.overlay = ctdata.resolve("static-ct/navigli2025h2_derived_overlay");
        this.expected = json(tiles.resolve("EXPECTED.derived.json"));
        this.rfc6962Entries = json(ctdata.resolve("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json"))
                .getJsonArray("entries");
    }

    /** Starts the server with a checkpoint of {@code treeSize} (778 or 1024); skips the test when ctdata is absent. */
    public static Future<NavigliTiledLog> start(Vertx vertx, long treeSize) {
        CtData.file("static-ct/navigli2025h2/tile/data/000");
        CtData.file("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json");
        NavigliTiledLog log = new NavigliTiledLog(vertx, CtData.dir());
        log.publish(treeSize);
        Router router = Router.router(vertx);
        router.get("/log_list.json").handler(ctx -> ctx.json(log.logList()));
        router.get("/tiled/checkpoint").handler(ctx -> {
            log.checkpointRequests.incrementAndGet();
            ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end(log.checkpoint.get());
        });
        router.getWithRegex("/tiled/tile/data/(.+)").handler(ctx -> log.dataTile(ctx, ctx.pathParam("param0")));
        router.getWithRegex("/tiled/tile/([0-9])/(.+)").handler(ctx -> log.hashTile(ctx, ctx.pathParam("param0"), ctx.pathParam("param1")));
        router.get("/tiled/issuer/:hex").handler(log::issuer);
        router.get("/rfc6962/ct/v1/get-sth").handler(ctx -> ctx.json(log.sth.get()));
        router.get("/rfc6962/ct/v1/get-entries").handler(log::getEntries);
        return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> {
            log.server = s;
            return log;
        });
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public String tiledUrl() {
        return url() + "/tiled";
    }

    public String rfc6962Url() {
        return url() + "/rfc6962";
    }

    public String logListUrl() {
        return url() + "/log_list.json";
    }

    public String keyBase64() {
        return Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
    }

    /** EXPECTED.derived.json: roots for sizes 778 and 1024, and the issuers' subjects by SHA-256 hex. */
    public JsonObject expected() {
        return expected;
    }

    public int checkpointRequests() {
        return checkpointRequests.get();
    }

    /** From now on serves a checkpoint (and get-sth) of {@code treeSize}, signed by the log's test key. */
    public void publish(long treeSize) {
        checkpoint.set(signedCheckpoint(treeSize, key, rootOf(treeSize)));
        JsonObject size = expected.getJsonObject("tree_sizes").getJsonObject(Long.toString(treeSize));
        byte[] root = Base64.getDecoder().decode(size.getString("root_hash_b64"));
        long timestamp = timestamp(treeSize);
        sth.set(new JsonObject().put("tree_size", treeSize).put("timestamp", timestamp)
                .put("sha256_root_hash", size.getString("root_hash_b64"))
                .put("tree_head_signature", Base64.getEncoder().encodeToString(digitallySigned(key, treeSize, timestamp, root))));
    }

    /** From now on serves a checkpoint of {@code treeSize} whose log signature line is made with another key. */
    public void publishForged(long treeSize) {
        checkpoint.set(signedCheckpoint(treeSize, ecKey(), rootOf(treeSize)));
    }

    /** From now on serves a checkpoint of {@code treeSize}, validly signed, but with a root its tiles do not give. */
    public void publishWrongRoot(long treeSize) {
        byte[] root = rootOf(treeSize);
        root[0] ^= 1;
        checkpoint.set(signedCheckpoint(treeSize, key, root));
    }

    /** The next {@code times} requests for data tile {@code path} (e.g. {@code 001}) get a truncated body. */
    public void truncateDataTile(String path, int times) {
        truncatedServes.put(path, times);
    }

    /** From now on partial data tiles answer 404, as a log may once the full tile exists. */
    public void deletePartialTiles() {
        partialTilesDeleted = true;
    }

    /** The next {@code times} requests for data tile {@code path} get it with one byte of a certificate changed. */
    public void tamperDataTile(String path, int times) {
        tamperedServes.put(path, times);
    }

    /** The next {@code times} requests for issuer {@code hex} get 404. */
    public void hideIssuer(String hex, int times) {
        missingServes.put(hex, times);
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private byte[] rootOf(long treeSize) {
        return Base64.getDecoder().decode(expected.getJsonObject("tree_sizes").getJsonObject(Long.toString(treeSize))
                .getString("root_hash_b64"));
    }

    private String signedCheckpoint(long treeSize, KeyPair signer, byte[] root) {
        long timestamp = timestamp(treeSize);
        byte[] logId = Sha256.digest(key.getPublic().getEncoded()); // the log's key ID even when forged: only the signature lies
        byte[] ds = digitallySigned(signer, treeSize, timestamp, root);
        byte[] body = ByteBuffer.allocate(4 + 8 + ds.length)
                .putInt(CheckpointVerifier.keyId(ORIGIN, logId)).putLong(timestamp).put(ds).array();
        // A witness cosignature the hub does not know: it must be ignored, as signed-note requires.
        byte[] witness = new byte[4 + 72];
        witness[0] = 0x12;
        return ORIGIN + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(root) + "\n\n"
                + "\u2014 witness.example/w1 " + Base64.getEncoder().encodeToString(witness) + "\n"
                + "\u2014 " + ORIGIN + " " + Base64.getEncoder().encodeToString(body) + "\n";
    }

    private static long timestamp(long treeSize) {
        return 1746292700000L + treeSize;
    }

    private static byte[] digitallySigned(KeyPair signer, long treeSize, long timestamp, byte[] root) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(signer.getPrivate());
            ecdsa.update(CtEncoding.treeHeadSignatureInput(timestamp, treeSize, root));
            return CtEncoding.digitallySignedEcdsaSha256(ecdsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject logList() {
        JsonObject state = new JsonObject().put("usable", new JsonObject().put("timestamp", "2025-05-01T00:00:00Z"));
        String logId = Base64.getEncoder().encodeToString(Sha256.digest(key.getPublic().getEncoded()));
        return new JsonObject().put("version", "test").put("operators", new JsonArray().add(new JsonObject()
                .put("name", "Geomys (test copy)")
                .put("logs", new JsonArray().add(new JsonObject()
                        .put("description", DESCRIPTION + " via get-entries").put("log_id", logId).put("key", keyBase64())
                        .put("url", rfc6962Url() + "/").put("state", state)))
                .put("tiled_logs", new JsonArray().add(new JsonObject()
                        .put("description", DESCRIPTION).put("log_id", logId).put("key", keyBase64())
                        .put("submission_url", "https://" + ORIGIN + "/").put("monitoring_url", tiledUrl() + "/")
                        .put("state", state)))));
    }

    private void dataTile(RoutingContext ctx, String path) {
        Path file = tiles.resolve("tile/data").resolve(path).normalize();
        if (!file.startsWith(tiles) || !Files.isRegularFile(file) || (partialTilesDeleted && path.contains(".p/"))) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        vertx.fileSystem().readFile(file.toString()).onSuccess(body -> {
            if (truncatedServes.merge(path, -1, Integer::sum) >= 0) {
                // Cut inside an entry, as a dropped connection or a broken cache would.
                body = body.getBuffer(0, body.length() / 2 + 7);
            }
            if (tamperedServes.merge(path, -1, Integer::sum) >= 0) {
                // A byte inside the first entry's TBSCertificate: the tile still parses, but no longer hashes to the tree.
                body = body.copy();
                body.setByte(60, (byte) (body.getByte(60) ^ 1));
            }
            if (GZIPPED.contains(path)) {
                ctx.response().putHeader("content-encoding", "gzip");
                body = gzip(body);
            }
            ctx.response().putHeader("content-type", "application/octet-stream").end(body);
        }).onFailure(ctx::fail);
    }

    private void hashTile(RoutingContext ctx, String level, String path) {
        Path base = level.equals("0") ? tiles : overlay;
        Path file = base.resolve("tile").resolve(level).resolve(path).normalize();
        if (!file.startsWith(base) || !Files.isRegularFile(file)) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        ctx.response().putHeader("content-type", "application/octet-stream").sendFile(file.toString());
    }

    private void issuer(RoutingContext ctx) {
        String hex = ctx.pathParam("hex");
        Path file = tiles.resolve("issuer").resolve(hex).normalize();
        if (missingServes.merge(hex, -1, Integer::sum) >= 0 || !file.startsWith(tiles) || !Files.isRegularFile(file)) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        ctx.response().putHeader("content-type", "application/pkix-cert").sendFile(file.toString());
    }

    private void getEntries(RoutingContext ctx) {
        int start = Integer.parseInt(ctx.request().getParam("start"));
        int end = Integer.parseInt(ctx.request().getParam("end"));
        long size = sth.get().getLong("tree_size");
        if (start < 0 || end < start || start >= size) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        int last = (int) Math.min(Math.min(end, size - 1), start + RFC6962_BATCH_CAP - 1);
        JsonArray entries = new JsonArray();
        for (int i = start; i <= last; i++) {
            entries.add(rfc6962Entries.getValue(i));
        }
        ctx.json(new JsonObject().put("entries", entries));
    }

    private static Buffer gzip(Buffer body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body.getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static JsonObject json(Path file) {
        try {
            return new JsonObject(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
