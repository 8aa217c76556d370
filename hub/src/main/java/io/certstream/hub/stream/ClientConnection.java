package io.certstream.hub.stream;

import io.certstream.hub.metrics.HubMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * One websocket client of one channel. Its write queue is bounded: while it is full, messages for this client are
 * dropped (and counted) so a slow reader never delays others or grows memory; a client that stays behind for
 * {@code slowMillis} is closed with code 1013 and a reason it can log.
 */
final class ClientConnection {
    static final short CLOSE_TOO_SLOW = 1013;

    private final ServerWebSocket socket;
    private final Channel channel;
    private final HubMetrics metrics;
    private final long slowMillis;
    private long behindSince = -1;
    private boolean closing;

    ClientConnection(ServerWebSocket socket, Channel channel, HubMetrics metrics, int queueBytes, long slowMillis) {
        this.socket = socket;
        this.channel = channel;
        this.metrics = metrics;
        this.slowMillis = slowMillis;
        socket.setWriteQueueMaxSize(queueBytes);
    }

    ServerWebSocket socket() {
        return socket;
    }

    /** Sends a message, or drops it when the client is behind. Returns false once the client is closing or closed. */
    boolean send(Buffer message, long nowMillis) {
        // A client that sent its close frame is closed for Vert.x (which refuses to even look at its write queue)
        // before the connection is gone and the close handler runs; on a busy loop broadcasts reach it in between.
        if (closing || socket.isClosed()) {
            return false;
        }
        if (socket.writeQueueFull()) {
            metrics.messageDropped(channel.label());
            if (behindSince < 0) {
                behindSince = nowMillis;
            } else if (nowMillis - behindSince > slowMillis) {
                closing = true;
                metrics.disconnectedSlow(channel.label());
                socket.close(CLOSE_TOO_SLOW, "client too slow: messages dropped for " + slowMillis / 1000 + " s");
                return false;
            }
            return true;
        }
        behindSince = -1;
        socket.writeFrame(SharedTextFrame.of(message));
        return true;
    }
}
