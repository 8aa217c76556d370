package io.certstream.hub.web;

import io.certstream.hub.config.HubConfig.ServerConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code GET /sse?stream=lite|full|domains-only&...filters}: the streams as server-sent events, for {@code curl -N}
 * and a browser's {@code EventSource}. Each message is one event whose {@code id:} is its cursor, so EventSource
 * resumes by itself ({@code Last-Event-ID}); heartbeats are comments. The response is never HTTP-compressed: that
 * would deflate every event once per client and hold events back in the compressor.
 */
final class SseEndpoint implements Handler<RoutingContext> {
    static final String PATH = "/sse";
    /** EventSource waits this long before reconnecting after the connection drops (its default is ~3 s). */
    private static final int RETRY_MILLIS = 2000;

    private final ServerConfig config;
    private final HubMetrics metrics;
    private final BiConsumer<Subscriber, StreamQuery> subscribe;
    private final Consumer<Subscriber> unsubscribe;

    SseEndpoint(ServerConfig config, HubMetrics metrics, BiConsumer<Subscriber, StreamQuery> subscribe,
                Consumer<Subscriber> unsubscribe) {
        this.config = config;
        this.metrics = metrics;
        this.subscribe = subscribe;
        this.unsubscribe = unsubscribe;
    }

    @Override
    public void handle(RoutingContext ctx) {
        StreamQuery query;
        try {
            query = StreamQuery.parseSse(ctx.request().params(), ctx.request().getHeader("Last-Event-ID"));
        } catch (StreamQuery.BadQuery e) {
            badRequest(ctx, e);
            return;
        }
        HttpServerResponse response = ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
                // Tells nginx-style proxies not to buffer the stream.
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true);
        SseSubscriber subscriber = new SseSubscriber(response, query, metrics, config.clientQueueBytes(),
                config.slowClientSeconds() * 1000L);
        response.closeHandler(v -> {
            subscriber.markClosed();
            unsubscribe.accept(subscriber);
        });
        // Sends the headers at once: EventSource reports "open" and curl shows the stream has started.
        response.write("retry: " + RETRY_MILLIS + "\n: certstream " + query.stream().label() + "\n\n");
        subscribe.accept(subscriber, query);
    }

    /** The heartbeat as an SSE comment ({@code : heartbeat {...}}), which EventSource ignores. */
    static Buffer heartbeat(Buffer json) {
        return Buffer.buffer(json.length() + 16).appendString(": heartbeat ").appendBuffer(json).appendString("\n\n");
    }

    /** HTTP 400 with the one-line reason, before any upgrade or stream. */
    static void badRequest(RoutingContext ctx, StreamQuery.BadQuery e) {
        ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(e.getMessage() + "\n");
    }
}
