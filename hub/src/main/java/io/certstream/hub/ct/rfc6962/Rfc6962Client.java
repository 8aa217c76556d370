package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.metrics.FaultKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The RFC 6962 calls a watcher needs (tree head, entries, consistency proof). Failures are {@link LogFetchException}s (see {@link LogHttp}).
 */
public final class Rfc6962Client {
    private final LogHttp http;
    private final String baseUrl;

    public Rfc6962Client(LogHttp http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
    }

    public Future<SignedTreeHead> getSth() {
        String url = baseUrl + "/ct/v1/get-sth";
        return http.get(url).map(body -> {
            try {
                JsonObject json = body.toJsonObject();
                return new SignedTreeHead(
                        json.getLong("tree_size"),
                        json.getLong("timestamp"),
                        Base64.getDecoder().decode(json.getString("sha256_root_hash")),
                        Base64.getDecoder().decode(json.getString("tree_head_signature", "")));
            } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
                throw new LogFetchException(FaultKind.BAD_RESPONSE, url + ": not a valid STH: " + e.getMessage(), 0);
            }
        });
    }

    /** RFC 6962 {@code get-sth-consistency}: the hashes proving that the tree of {@code first} leaves is a prefix of {@code second}. */
    public Future<List<byte[]>> getSthConsistency(long first, long second) {
        String url = baseUrl + "/ct/v1/get-sth-consistency?first=" + first + "&second=" + second;
        return http.get(url).map(body -> {
            try {
                List<byte[]> proof = new ArrayList<>();
                for (Object hash : body.toJsonObject().getJsonArray("consistency")) {
                    proof.add(Base64.getDecoder().decode((String) hash));
                }
                return proof;
            } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
                throw new LogFetchException(FaultKind.BAD_RESPONSE, url + ": not a valid consistency proof: " + e.getMessage(), 0);
            }
        });
    }

    /** The raw get-entries body; {@link EntriesParser} turns it into entries off the event loop. */
    public Future<Buffer> getEntries(long start, long end) {
        return http.get(entriesUrl(baseUrl, start, end));
    }

    public static String entriesUrl(String baseUrl, long start, long end) {
        return baseUrl + "/ct/v1/get-entries?start=" + start + "&end=" + end;
    }
}
