package io.certstream.hub.web;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.publish.Published;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A server-sent-events client of {@code /sse}: one event per message ({@code id:} the cursor), heartbeats as
 * comments. Same slow-client rules as websockets: the response's write queue is bounded by
 * {@code server.clientQueueBytes}; while it is full messages are dropped and counted, and a client behind for
 * {@code server.slowClientSeconds} is disconnected (EventSource then reconnects with {@code Last-Event-ID}).
 */
final class SseSubscriber extends Subscriber {
    private final HttpServerResponse response;
    private final HubMetrics metrics;
    private final String endpoint;
    private final long slowMillis;
    private long behindSince = -1;
    private long drainWaitSince = -1;
    private boolean closed;

    SseSubscriber(HttpServerResponse response, StreamQuery query, HubMetrics metrics, int queueBytes, long slowMillis) {
        super(query.stream(), query.filter());
        this.response = response;
        this.metrics = metrics;
        this.endpoint = endpoint(query);
        this.slowMillis = slowMillis;
        response.setWriteQueueMaxSize(queueBytes);
    }

    /** The connection is gone (its close handler, set by {@link SseEndpoint}). */
    void markClosed() {
        closed = true;
    }

    /** The metrics endpoint label: {@code sse/lite}, {@code sse/full-stream}, {@code sse/domains-only}. */
    static String endpoint(StreamQuery query) {
        return "sse/" + query.stream().label();
    }

    @Override
    Buffer frame(Published p, SharedFrames frames) {
        return frames.sse(stream);
    }

    @Override
    boolean deliver(Buffer bytes, SharedFrames frames, long now) {
        if (isClosed()) {
            return false;
        }
        if (response.writeQueueFull()) {
            metrics.messageDropped(endpoint);
            if (behindSince < 0) {
                behindSince = now;
            } else if (now - behindSince > slowMillis) {
                tooSlow("messages dropped");
                return false;
            }
            return true;
        }
        behindSince = -1;
        response.write(bytes);
        return true;
    }

    @Override
    boolean heartbeat(Buffer comment, long now) {
        return deliver(comment, null, now);
    }

    @Override
    void write(Buffer bytes) {
        response.write(bytes);
    }

    @Override
    void writeNotice(Buffer json) {
        response.write(SharedFrames.event(null, json));
    }

    @Override
    boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    void onDrain(Runnable then) {
        drainWaitSince = System.currentTimeMillis();
        response.drainHandler(v -> {
            response.drainHandler(null);
            drainWaitSince = -1;
            then.run();
        });
    }

    @Override
    boolean isClosed() {
        return closed || response.closed() || response.ended();
    }

    @Override
    boolean stalledInReplay(long now) {
        if (isClosed()) {
            return true;
        }
        if (drainWaitSince >= 0 && now - drainWaitSince > slowMillis) {
            tooSlow("replay stalled");
            return true;
        }
        return false;
    }

    private void tooSlow(String what) {
        closed = true;
        metrics.disconnectedSlow(endpoint);
        // No close code in HTTP: a last comment says why, for whoever reads the raw stream (curl).
        response.write(": client too slow: " + what + " for " + slowMillis / 1000 + " s\n\n");
        response.reset();
    }
}
