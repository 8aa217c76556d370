package io.certstream.hub.ct;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * GETs against one CT log, RFC 6962 or tiled. Every failure becomes a {@link LogFetchException} whose kind is
 * the metric label and whose message names the URL, so watchers count and report all logs the same way.
 */
public final class LogHttp {
    private final WebClient client;
    private final long timeoutMillis;

    public LogHttp(WebClient client, long timeoutMillis) {
        this.client = client;
        this.timeoutMillis = timeoutMillis;
    }

    /** A client for one log: keep-alive, and gzip accepted (static-ct-api logs may gzip without negotiation). */
    public static LogHttp create(Vertx vertx, int timeoutSeconds) {
        WebClient client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("certstream-hub")
                .setConnectTimeout(timeoutSeconds * 1000)
                .setDecompressionSupported(true)
                .setKeepAlive(true));
        return new LogHttp(client, timeoutSeconds * 1000L);
    }

    /** The body of a 200 answer (empty when there is none); any other answer or failure is a LogFetchException. */
    public Future<Buffer> get(String url) {
        return client.getAbs(url)
                .timeout(timeoutMillis)
                .send()
                .recover(e -> Future.failedFuture(classify(url, e)))
                .compose(response -> response.statusCode() == 200
                        ? Future.succeededFuture(response.body() == null ? Buffer.buffer() : response.body())
                        : Future.failedFuture(httpError(url, response)));
    }

    public void close() {
        client.close();
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
        return new LogFetchException(kind, url + ": HTTP " + status,
                retryAfterMillis(response.getHeader("Retry-After")), status);
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
