package io.certstream.hub.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Base64;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The RFC 6962 section 4 read API of a simulated log. Answers come straight from the store; a
 * fault-injecting handler can later be mounted in front of these routes without changing them.
 */
final class Rfc6962Api {

    private final SimulatedLogStore store;
    private final Supplier<SignedTreeHead> treeHead;
    private final List<byte[]> roots;
    private final int batchCap;
    private final LongFunction<EntryFault> corrupted;

    Rfc6962Api(SimulatedLogStore store, Supplier<SignedTreeHead> treeHead, List<byte[]> roots, int batchCap,
               LongFunction<EntryFault> corrupted) {
        this.store = store;
        this.treeHead = treeHead;
        this.roots = roots;
        this.batchCap = batchCap;
        this.corrupted = corrupted;
    }

    void mount(Router router) {
        router.get("/ct/v1/get-sth").handler(ctx -> json(ctx, treeHead.get().toJson()));
        router.get("/ct/v1/get-entries").handler(this::getEntries);
        router.get("/ct/v1/get-sth-consistency").handler(this::getConsistency);
        router.get("/ct/v1/get-proof-by-hash").handler(this::getProofByHash);
        router.get("/ct/v1/get-entry-and-proof").handler(this::getEntryAndProof);
        router.get("/ct/v1/get-roots").handler(this::getRoots);
    }

    private void getEntries(RoutingContext ctx) {
        long size = store.size();
        Long start = longParam(ctx, "start");
        Long end = longParam(ctx, "end");
        if (start == null || end == null) {
            return;
        }
        if (start < 0 || end < start) {
            badRequest(ctx, "get-entries needs 0 <= start <= end, got start=" + start + " end=" + end);
            return;
        }
        if (start >= size) {
            badRequest(ctx, "get-entries start=" + start + " is beyond the tree size " + size);
            return;
        }
        // Like real logs, answer with fewer entries than asked; clients must continue from there.
        long last = Math.min(Math.min(end, size - 1), start + batchCap - 1);
        Base64.Encoder base64 = Base64.getEncoder();
        JsonArray entries = new JsonArray();
        for (IssuedEntry entry : store.entries(start, last)) {
            EntryFault fault = corrupted.apply(entry.index());
            JsonObject json = new JsonObject();
            if (fault == EntryFault.BAD_BASE64) {
                json.put("leaf_input", "not*base64!" + base64.encodeToString(entry.raw().leafInput()));
            } else {
                json.put("leaf_input", base64.encodeToString(fault == null ? entry.raw().leafInput()
                        : fault.leafInput(entry.raw().leafInput())));
            }
            if (fault != EntryFault.MISSING_FIELD) {
                json.put("extra_data", base64.encodeToString(fault == null ? entry.raw().extraData()
                        : fault.extraData(entry.raw().extraData())));
            }
            entries.add(json);
        }
        json(ctx, new JsonObject().put("entries", entries));
    }

    private void getConsistency(RoutingContext ctx) {
        long size = store.size();
        Long first = longParam(ctx, "first");
        Long second = longParam(ctx, "second");
        if (first == null || second == null) {
            return;
        }
        if (first < 0 || first > second || second > size) {
            badRequest(ctx, "get-sth-consistency needs 0 <= first <= second <= tree size " + size
                    + ", got first=" + first + " second=" + second);
            return;
        }
        json(ctx, new JsonObject().put("consistency", hashes(store.consistencyProof(first, second))));
    }

    private void getProofByHash(RoutingContext ctx) {
        long size = store.size();
        String hashParam = ctx.request().getParam("hash");
        Long treeSize = longParam(ctx, "tree_size");
        if (treeSize == null) {
            return;
        }
        byte[] hash;
        try {
            hash = Base64.getDecoder().decode(hashParam == null ? "" : hashParam);
        } catch (IllegalArgumentException e) {
            badRequest(ctx, "get-proof-by-hash parameter hash is not base64: " + hashParam);
            return;
        }
        if (hash.length != 32 || treeSize < 1 || treeSize > size) {
            badRequest(ctx, "get-proof-by-hash needs a 32-byte base64 hash and 1 <= tree_size <= " + size
                    + ", got hash=" + hashParam + " tree_size=" + treeSize);
            return;
        }
        long index = store.indexOfLeafHash(hash);
        if (index < 0 || index >= treeSize) {
            error(ctx, 404, "no leaf with hash " + hashParam + " in the tree of size " + treeSize);
            return;
        }
        json(ctx, new JsonObject().put("leaf_index", index).put("audit_path", hashes(store.inclusionProof(index, treeSize))));
    }

    private void getEntryAndProof(RoutingContext ctx) {
        long size = store.size();
        Long index = longParam(ctx, "leaf_index");
        Long treeSize = longParam(ctx, "tree_size");
        if (index == null || treeSize == null) {
            return;
        }
        if (treeSize < 1 || treeSize > size || index < 0 || index >= treeSize) {
            badRequest(ctx, "get-entry-and-proof needs 0 <= leaf_index < tree_size <= " + size
                    + ", got leaf_index=" + index + " tree_size=" + treeSize);
            return;
        }
        IssuedEntry entry = store.entry(index);
        Base64.Encoder base64 = Base64.getEncoder();
        json(ctx, new JsonObject()
                .put("leaf_input", base64.encodeToString(entry.raw().leafInput()))
                .put("extra_data", base64.encodeToString(entry.raw().extraData()))
                .put("audit_path", hashes(store.inclusionProof(index, treeSize))));
    }

    private void getRoots(RoutingContext ctx) {
        JsonArray certificates = new JsonArray();
        roots.forEach(der -> certificates.add(Base64.getEncoder().encodeToString(der)));
        json(ctx, new JsonObject().put("certificates", certificates));
    }

    private static JsonArray hashes(List<byte[]> hashes) {
        JsonArray array = new JsonArray();
        hashes.forEach(hash -> array.add(Base64.getEncoder().encodeToString(hash)));
        return array;
    }

    /** The parameter as a long, or null after answering 400 when it is missing or not a number. */
    private static Long longParam(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null) {
            badRequest(ctx, ctx.normalizedPath() + " is missing the parameter " + name);
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            badRequest(ctx, ctx.normalizedPath() + " parameter " + name + " is not an integer: " + value);
            return null;
        }
    }

    private static void badRequest(RoutingContext ctx, String message) {
        error(ctx, 400, message);
    }

    private static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status);
        json(ctx, new JsonObject().put("success", false).put("error_message", message));
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        HttpServerResponse response = ctx.response();
        if (!response.ended()) {
            Buffer bytes = body.toBuffer();
            if (Boolean.TRUE.equals(ctx.get(FaultInjector.TRUNCATE))) {
                // A complete HTTP answer whose JSON stops half-way, like a proxy that gave up mid-body.
                bytes = bytes.getBuffer(0, bytes.length() / 2);
            }
            response.putHeader("content-type", "application/json").end(bytes);
        }
    }
}
