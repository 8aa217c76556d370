package io.certstream.hub.sim;

import io.certstream.hub.ct.Sha256;
import io.certstream.hub.ct.tiled.CheckpointVerifier;
import io.certstream.hub.ct.tiled.TileLeaf;
import io.certstream.hub.ct.tiled.TilePath;
import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.model.UpdateType;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The static-ct-api monitoring view (c2sp.org/static-ct-api) of a simulated log, mounted under a prefix: the
 * same tree and tree heads as its RFC 6962 API, served as a signed {@code checkpoint}, hash tiles
 * {@code tile/<L>/<N>[.p/<W>]}, data tiles {@code tile/data/<N>[.p/<W>]} and {@code issuer/<sha256 hex>}.
 * The checkpoint carries the log's RFC 6962 tree head signature as an RFC6962NoteSignature.
 */
final class TiledApi {
    private static final int TILE_HEIGHT = 8;

    private final SimulatedLogStore store;
    private final Supplier<SignedTreeHead> treeHead;
    private final byte[] logId;
    private final LongFunction<EntryFault> corrupted;

    TiledApi(SimulatedLogStore store, Supplier<SignedTreeHead> treeHead, byte[] logId, LongFunction<EntryFault> corrupted) {
        this.corrupted = corrupted;
        this.store = store;
        this.treeHead = treeHead;
        this.logId = logId.clone();
    }

    /** Mounts the view under {@code prefix} (e.g. {@code /tiled}); {@code origin} is the checkpoint origin line. */
    void mount(Router router, String prefix, Supplier<String> origin) {
        router.get(prefix + "/checkpoint").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; charset=utf-8")
                .putHeader("cache-control", "no-store")
                .end(checkpoint(origin.get())));
        router.getWithRegex(prefix + "/tile/data/(.+)").handler(ctx -> dataTile(ctx, ctx.pathParam("param0")));
        router.getWithRegex(prefix + "/tile/([0-5])/(.+)").handler(ctx -> hashTile(ctx, ctx.pathParam("param0"), ctx.pathParam("param1")));
        router.get(prefix + "/issuer/:sha256").handler(this::issuer);
    }

    /** A signed checkpoint of the current tree head. */
    String checkpoint(String origin) {
        SignedTreeHead head = treeHead.get();
        byte[] digitallySigned = head.treeHeadSignature();
        byte[] signature = ByteBuffer.allocate(4 + 8 + digitallySigned.length)
                .putInt(CheckpointVerifier.keyId(origin, logId))
                .putLong(head.timestamp())
                .put(digitallySigned)
                .array();
        return origin + "\n" + head.treeSize() + "\n" + Base64.getEncoder().encodeToString(head.rootHash()) + "\n"
                + "\n\u2014 " + origin + " " + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    private void dataTile(RoutingContext ctx, String path) {
        long[] tile = tile(ctx, path);
        if (tile == null) {
            return;
        }
        long first = tile[0] * TilePath.WIDTH;
        long last = first + tile[1] - 1;
        if (last >= store.size()) {
            notFound(ctx, "data tile " + path + " needs entries up to " + last + "; the log has " + store.size());
            return;
        }
        Buffer body = Buffer.buffer();
        for (IssuedEntry entry : store.entries(first, last)) {
            List<byte[]> fingerprints = entry.chainDer().stream().map(Sha256::digest).toList();
            byte[] preCertificate = entry.type() == UpdateType.PrecertLogEntry ? entry.leafDer() : null;
            byte[] leaf = TileLeaf.fromMerkleTreeLeaf(entry.index(), entry.raw().leafInput(), preCertificate,
                    fingerprints).encode();
            EntryFault fault = corrupted.apply(entry.index());
            body.appendBytes(fault == null ? leaf : fault.tileLeaf(leaf, entry.raw().leafInput().length - 2));
        }
        binary(ctx, body);
    }

    private void hashTile(RoutingContext ctx, String levelText, String path) {
        int level = Integer.parseInt(levelText);
        long[] tile = tile(ctx, path);
        if (tile == null) {
            return;
        }
        int height = TILE_HEIGHT * level;
        long firstSubtree = tile[0] * TilePath.WIDTH;
        // Each hash covers 256^level leaves; the last one must be complete within the tree.
        if (firstSubtree + tile[1] > store.size() >> height) {
            notFound(ctx, "hash tile " + level + "/" + path + " is beyond the tree of " + store.size() + " entries");
            return;
        }
        Buffer body = Buffer.buffer((int) tile[1] * MerkleTree.HASH_SIZE);
        for (int i = 0; i < tile[1]; i++) {
            body.appendBytes(store.completeSubtreeHash(height, firstSubtree + i));
        }
        binary(ctx, body);
    }

    private void issuer(RoutingContext ctx) {
        byte[] der = store.issuer(ctx.pathParam("sha256"));
        if (der == null) {
            notFound(ctx, "no issuer " + ctx.pathParam("sha256"));
            return;
        }
        ctx.response().putHeader("content-type", "application/pkix-cert").end(Buffer.buffer(der));
    }

    /** {index, width}, or null after answering 404 for a path that is not a canonical tile path. */
    private static long[] tile(RoutingContext ctx, String path) {
        try {
            return TilePath.parse(path);
        } catch (IllegalArgumentException | ArithmeticException e) {
            notFound(ctx, e.getMessage());
            return null;
        }
    }

    private static void binary(RoutingContext ctx, Buffer body) {
        ctx.response().putHeader("content-type", "application/octet-stream").end(body);
    }

    private static void notFound(RoutingContext ctx, String message) {
        ctx.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8").end(message + "\n");
    }
}
