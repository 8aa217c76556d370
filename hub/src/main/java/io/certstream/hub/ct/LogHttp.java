package io.certstream.hub.ct;

import io.certstream.hub.metrics.FaultKind;
import io.certstream.retry.RetryAfter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GETs against one CT log, RFC 6962 or tiled. Every failure becomes a {@link LogFetchException} whose kind is
 * the metric label and whose message names the URL, so watchers count and report all logs the same way. An answer
 * is read into memory only up to a cap ({@link #MAX_RESPONSE_BYTES} by default, counted after decompression, so a
 * gzip bomb is cut too): one that crosses it fails as {@code too_large} at once, and its connection is closed so
 * that the rest is never read. Each request also has an overall deadline ({@code watcher.requestDeadlineSeconds}):
 * a log that trickles bytes, never silent long enough for the idle timeout and never over the cap, is cut when it
 * passes and counted as {@code timeout}.
 */
public final class LogHttp {
    /**
     * The most a log's answer may hold: a 1024-entry get-entries batch of large chains is a few tens of MiB of JSON,
     * a data tile a few MiB. Anything larger is a broken or hostile log, not a bigger batch.
     */
    public static final long MAX_RESPONSE_BYTES = 64L << 20;

    private final HttpClient client;
    /** Where requests run: a response's handlers must be set in the turn its headers arrive, before its body. */
    private final Context context;
    private final long timeoutMillis;
    private final long deadlineMillis;
    private final long maxBytes;
    private OperatorThrottle throttle;

    /**
     * @param timeoutMillis  how long the log may stay silent, while connecting or answering
     * @param deadlineMillis how long a request may take in all, from asking to the last byte of the answer
     * @param maxBytes       the largest answer body read (after decompression)
     */
    public LogHttp(HttpClient client, Context context, long timeoutMillis, long deadlineMillis, long maxBytes) {
        this.client = client;
        this.context = context;
        this.timeoutMillis = timeoutMillis;
        this.deadlineMillis = deadlineMillis;
        this.maxBytes = maxBytes;
    }

    /** A client for one log: keep-alive, and gzip accepted (static-ct-api logs may gzip without negotiation). */
    public static LogHttp create(Vertx vertx, int timeoutSeconds) {
        return create(vertx, timeoutSeconds, DEFAULT_DEADLINE_SECONDS, MAX_RESPONSE_BYTES);
    }

    public static LogHttp create(Vertx vertx, int timeoutSeconds, long maxBytes) {
        return create(vertx, timeoutSeconds, DEFAULT_DEADLINE_SECONDS, maxBytes);
    }

    /** The default of {@code watcher.requestDeadlineSeconds} (config/hub.json), for clients made without a config. */
    public static final int DEFAULT_DEADLINE_SECONDS = 120;

    public static LogHttp create(Vertx vertx, int timeoutSeconds, int deadlineSeconds, long maxBytes) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(timeoutSeconds * 1000)
                .setDecompressionSupported(true)
                .setKeepAlive(true));
        return new LogHttp(client, vertx.getOrCreateContext(), timeoutSeconds * 1000L, deadlineSeconds * 1000L, maxBytes);
    }

    /**
     * The body of a 200 answer (empty when there is none); any other answer or failure is a LogFetchException. May
     * be called from any thread: off the client's context, the request is handed to it, since a response whose
     * handlers were set a turn late may already have delivered its body ("Response already ended").
     */
    public Future<Buffer> get(String url) {
        if (throttle != null) {
            long wait = throttle.reserveMillis();
            if (wait > 0) {
                Promise<Buffer> answer = Promise.promise();
                context.owner().setTimer(wait, t -> context.runOnContext(v -> paced(url).onComplete(answer)));
                return answer.future();
            }
        }
        if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
            return paced(url);
        }
        Promise<Buffer> answer = Promise.promise();
        context.runOnContext(v -> paced(url).onComplete(answer));
        return answer.future();
    }

    /**
     * Paces this client's requests with the other logs of the same operator ({@code watcher.operatorRequestsPerSecond});
     * null: no pacing.
     */
    public LogHttp throttledBy(OperatorThrottle operatorThrottle) {
        this.throttle = operatorThrottle;
        return this;
    }

    /** The fetch; a 429 holds back every log of the operator for its Retry-After (1 s when it gives none). */
    private Future<Buffer> paced(String url) {
        Future<Buffer> answer = fetch(url);
        if (throttle == null) {
            return answer;
        }
        return answer.onFailure(e -> {
            if (e instanceof LogFetchException f && f.kind() == io.certstream.hub.metrics.FaultKind.HTTP_429) {
                throttle.holdOff(f.retryAfterMillis() > 0 ? f.retryAfterMillis() : 1000);
            }
        });
    }

    private Future<Buffer> fetch(String url) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url)
                .setFollowRedirects(true)
                .setIdleTimeout(timeoutMillis)
                .putHeader(HttpHeaders.USER_AGENT, "certstream-hub");
        Promise<Buffer> answer = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long deadline = context.owner().setTimer(deadlineMillis, t -> {
            if (answer.tryFail(new LogFetchException(FaultKind.TIMEOUT, url + ": no complete answer within " + deadlineMillis / 1000.0
                    + " s (watcher.requestDeadlineSeconds); request cut", 0))) {
                HttpClientRequest request = sent.get();
                if (request != null) {
                    request.reset(); // closes the connection: whatever is still trickling in is not read
                }
            }
        });
        client.request(options)
                .compose(request -> {
                    sent.set(request);
                    return request.send();
                })
                .compose(response -> read(url, response))
                .recover(e -> Future.failedFuture(e instanceof LogFetchException f ? f : classify(url, e)))
                .onComplete(result -> {
                    context.owner().cancelTimer(deadline);
                    if (result.succeeded()) {
                        answer.tryComplete(result.result());
                    } else {
                        answer.tryFail(result.cause());
                    }
                });
        return answer.future();
    }

    /** Reads the body up to the cap; answers other than 200 fail with their status (their body is not needed). */
    private Future<Buffer> read(String url, HttpClientResponse response) {
        Promise<Buffer> done = Promise.promise();
        // Sized from Content-Length when the log sends one: a growing buffer copied a 2-8 MB get-entries body
        // about twice over (10% of what a catch-up allocated).
        Buffer body = Buffer.buffer(initialSize(response.getHeader("Content-Length")));
        response.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            if ((long) body.length() + chunk.length() > maxBytes) {
                done.fail(new LogFetchException(FaultKind.TOO_LARGE, url + ": the answer is larger than " + maxBytes
                        + " bytes (LogHttp.MAX_RESPONSE_BYTES); not read further", 0));
                response.request().reset(); // closes the connection: the rest is never read, nor kept
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> done.tryComplete(body));
        return done.future().compose(complete -> response.statusCode() == 200
                ? Future.succeededFuture(complete)
                : Future.failedFuture(httpError(url, response)));
    }

    /**
     * The body's declared length, within the cap and at most 8 MiB (a declared length is not trusted with more of a
     * small heap before the bytes arrive), else a small start.
     */
    private int initialSize(String contentLength) {
        try {
            long declared = contentLength == null ? -1 : Long.parseLong(contentLength.trim());
            return declared > 0 ? (int) Math.min(declared, Math.min(maxBytes, 8 << 20)) : 1024;
        } catch (NumberFormatException e) {
            return 1024;
        }
    }

    public void close() {
        client.close();
    }

    private static LogFetchException classify(String url, Throwable e) {
        if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
            return new LogFetchException(FaultKind.TIMEOUT, url + ": no answer in time", 0);
        }
        if (e instanceof ConnectException) {
            return new LogFetchException(FaultKind.CONNECTION, url + ": cannot connect: " + e.getMessage(), 0);
        }
        return new LogFetchException(FaultKind.CONNECTION, url + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), 0);
    }

    private static LogFetchException httpError(String url, HttpClientResponse response) {
        int status = response.statusCode();
        return new LogFetchException(FaultKind.ofHttpStatus(status), url + ": HTTP " + status,
                retryAfterMillis(response.getHeader("Retry-After")), status);
    }

    /** The log's Retry-After (seconds or an HTTP date), 0 if it sent none the hub can read. */
    static long retryAfterMillis(String header) {
        return Math.max(0, RetryAfter.millis(header, Instant.now()));
    }
}
