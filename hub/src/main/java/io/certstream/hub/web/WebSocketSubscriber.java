package io.certstream.hub.web;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.publish.Published;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/** A websocket stream client: live messages go through its {@link ClientConnection} (bounded queue, drops, 1013). */
final class WebSocketSubscriber extends Subscriber {
    private final ClientConnection connection;
    private final HubMetrics metrics;
    private final long slowMillis;
    private long drainWaitSince = -1;

    WebSocketSubscriber(ClientConnection connection, StreamQuery query, HubMetrics metrics, long slowMillis) {
        super(query.stream(), query.filter());
        this.connection = connection;
        this.metrics = metrics;
        this.slowMillis = slowMillis;
    }

    ServerWebSocket socket() {
        return connection.socket();
    }

    @Override
    Buffer frame(Published p, SharedFrames frames) {
        return p.message(stream);
    }

    @Override
    boolean deliver(Buffer bytes, SharedFrames frames, long now) {
        return connection.send(bytes, frames, now);
    }

    @Override
    boolean heartbeat(Buffer json, long now) {
        return connection.send(json, null, now);
    }

    @Override
    void write(Buffer bytes) {
        socket().writeFrame(SharedTextFrame.of(bytes));
    }

    @Override
    void writeNotice(Buffer json) {
        write(json);
    }

    @Override
    boolean writeQueueFull() {
        return socket().writeQueueFull();
    }

    @Override
    void onDrain(Runnable then) {
        drainWaitSince = System.currentTimeMillis();
        socket().drainHandler(v -> {
            socket().drainHandler(null);
            drainWaitSince = -1;
            then.run();
        });
    }

    @Override
    boolean isClosed() {
        return socket().isClosed();
    }

    @Override
    boolean stalledInReplay(long now) {
        if (isClosed()) {
            return true;
        }
        if (drainWaitSince >= 0 && now - drainWaitSince > slowMillis) {
            metrics.disconnectedSlow(stream.label());
            socket().close(ClientConnection.CLOSE_TOO_SLOW, "client too slow: replay stalled for " + slowMillis / 1000 + " s");
            return true;
        }
        return false;
    }
}
