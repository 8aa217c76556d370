package io.certstream.hub.ct;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Base64;

/**
 * The two RFC 6962 calls a watcher needs. Failures are {@link LogFetchException}s (see {@link LogHttp}).
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
                throw new LogFetchException("bad_response", url + ": not a valid STH: " + e.getMessage(), 0);
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
