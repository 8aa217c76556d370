package io.certstream.hub.web;

import io.certstream.hub.wire.StreamType;
import io.certstream.hub.metrics.HubMetrics;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.logging.Logger;

/**
 * One websocket client of one channel. Its write queue is bounded: while it is full, messages for this client are
 * dropped (and counted) so a slow reader never delays others or grows memory; a client that stays behind for
 * {@code slowMillis} is closed with code 1013 and a reason it can log.
 */
final class ClientConnection {
    static final short CLOSE_TOO_SLOW = 1013;
    private static volatile boolean warnedNoConsolidation;

    private final ServerWebSocket socket;
    private final StreamType channel;
    private final HubMetrics metrics;
    private final long slowMillis;
    private long behindSince = -1;
    private boolean closing;

    /**
     * @param connection the HTTP connection the socket was upgraded from: the way to its Netty pipeline when the
     *                   socket is vertx-web's wrapper (every socket served through the router), which hides its own
     */
    ClientConnection(ServerWebSocket socket, HttpConnection connection, StreamType channel, HubMetrics metrics,
                     int queueBytes, long slowMillis) {
        this.socket = socket;
        this.channel = channel;
        this.metrics = metrics;
        this.slowMillis = slowMillis;
        socket.setWriteQueueMaxSize(queueBytes);
        consolidateFlushes(socket, connection);
    }

    /** Consolidates the socket's flushes ({@link SocketFlushes}); warns once when its pipeline cannot be reached. */
    private static void consolidateFlushes(ServerWebSocket socket, HttpConnection connection) {
        ChannelPipeline pipeline = pipeline(socket, connection);
        if (pipeline != null) {
            SocketFlushes.consolidate(pipeline);
        } else if (!warnedNoConsolidation) {
            // Only a Vert.x upgrade that changed its internals gets here: everything works, one flush per frame.
            warnedNoConsolidation = true;
            Logger.getLogger(ClientConnection.class.getName()).warning("websocket " + socket.getClass().getName()
                    + " exposes no Netty pipeline: flushing every frame, fan-out will cost more CPU");
        }
    }

    /**
     * The socket's Netty pipeline. Vert.x's own sockets expose it ({@link WebSocketInternal}); vertx-web wraps
     * every socket upgraded through a router in a class that does not, but the HTTP connection it was upgraded
     * from is the same channel (Vert.x's {@link HttpServerConnection}, which bridge/VertxInternals closes the same way).
     */
    private static ChannelPipeline pipeline(ServerWebSocket socket, HttpConnection connection) {
        if (socket instanceof WebSocketInternal internal) {
            return internal.channelHandlerContext().pipeline();
        }
        if (connection instanceof HttpServerConnection server) {
            return server.channelHandlerContext().pipeline();
        }
        return null;
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
