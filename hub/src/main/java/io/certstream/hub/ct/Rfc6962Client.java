package io.certstream.hub.ct;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The two RFC 6962 calls a watcher needs, over Vert.x WebClient. Failures become {@link LogFetchException}s
 * whose kind is the metric label and whose message names the URL.
 */
public final class Rfc6962Client {
    private final WebClient client;
    private final String baseUrl;
    private final long timeoutMillis;

    public Rfc6962Client(WebClient client, String baseUrl, long timeoutMillis) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.timeoutMillis = timeoutMillis;
    }

    public Future<SignedTreeHead> getSth() {
        String url = baseUrl + "/ct/v1/get-sth";
        return get(url).map(body -> {
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

    /** RFC 6962 {@code get-sth-consistency}: the hashes proving that the tree of {@code first} leaves is a prefix of {@code second}. */
    public Future<List<byte[]>> getSthConsistency(long first, long second) {
        String url = baseUrl + "/ct/v1/get-sth-consistency?first=" + first + "&second=" + second;
        return get(url).map(body -> {
            try {
                List<byte[]> proof = new ArrayList<>();
                for (Object hash : body.toJsonObject().getJsonArray("consistency")) {
                    proof.add(Base64.getDecoder().decode((String) hash));
                }
                return proof;
            } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
                throw new LogFetchException("bad_response", url + ": not a valid consistency proof: " + e.getMessage(), 0);
            }
        });
    }

    /** The raw get-entries body; {@link EntriesParser} turns it into entries off the event loop. */
    public Future<Buffer> getEntries(long start, long end) {
        return get(entriesUrl(baseUrl, start, end));
    }

    public static String entriesUrl(String baseUrl, long start, long end) {
        return baseUrl + "/ct/v1/get-entries?start=" + start + "&end=" + end;
    }

    private Future<Buffer> get(String url) {
        return client.getAbs(url)
                .timeout(timeoutMillis)
                .send()
                .recover(e -> Future.failedFuture(classify(url, e)))
                .compose(response -> response.statusCode() == 200
                        ? Future.succeededFuture(response.body() == null ? Buffer.buffer() : response.body())
                        : Future.failedFuture(httpError(url, response)));
    }

    private static LogFetchException classify(String url, Throwable e) {
        if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
            return new LogFetchException("timeout", url + ": no answer in time", 0);
        }
        if (e instanceof ConnectException) {
            return new LogFetchException("connection", url + ": cannot connect: " + e.getMessage(), 0);
        }
        return new LogFetchException("connection", url + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), 0);
    }

    private static LogFetchException httpError(String url, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        String kind = status == 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
        return new LogFetchException(kind, url + ": HTTP " + status, retryAfterMillis(response.getHeader("Retry-After")));
    }

    /** Retry-After in seconds (the HTTP-date form is rare for CT logs and treated as absent). */
    static long retryAfterMillis(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
