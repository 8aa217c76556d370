package io.certstream.hub.web;

import io.certstream.hub.wire.StreamType;
import io.certstream.hub.metrics.HubMetrics;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.logging.Logger;

/**
 * One websocket client of one channel. Its write queue is bounded: while it is full, messages for this client are
 * dropped (and counted) so a slow reader never delays others or grows memory; a client that stays behind for
 * {@code slowMillis} is closed with code 1013 and a reason it can log.
 */
final class ClientConnection {
    static final short CLOSE_TOO_SLOW = 1013;
    /** Most frames written to one client before a flush even while its event loop stays busy. */
    private static final int FLUSH_EVERY = 64;
    private static volatile boolean warnedNoConsolidation;

    private final ServerWebSocket socket;
    private final StreamType channel;
    private final HubMetrics metrics;
    private final long slowMillis;
    private long behindSince = -1;
    private boolean closing;

    ClientConnection(ServerWebSocket socket, StreamType channel, HubMetrics metrics, int queueBytes, long slowMillis) {
        this.socket = socket;
        this.channel = channel;
        this.metrics = metrics;
        this.slowMillis = slowMillis;
        socket.setWriteQueueMaxSize(queueBytes);
        consolidateFlushes(socket);
    }

    /**
     * Vert.x flushes every frame it writes outside a read of the same connection: one system call per message per
     * client, which is what bounds fan-out (see docs/performance.md). Netty's {@link FlushConsolidationHandler}, at
     * the socket end of the pipeline, turns the flushes of one event-loop turn into one (at the latest after
     * {@value #FLUSH_EVERY} frames), so a burst of messages reaches each client in a few large writes. Written but
     * unflushed frames count in the channel's outbound buffer, so {@code writeQueueFull()} and the drop policy see
     * them exactly as before.
     */
    private static void consolidateFlushes(ServerWebSocket socket) {
        if (socket instanceof WebSocketInternal internal) {
            ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
            if (pipeline.get(FlushConsolidationHandler.class) == null) {
                pipeline.addFirst("certstream-flush", new FlushConsolidationHandler(FLUSH_EVERY, true));
            }
        } else if (!warnedNoConsolidation) {
            // Only a Vert.x upgrade that changed its internals gets here: everything works, one flush per frame.
            warnedNoConsolidation = true;
            Logger.getLogger(ClientConnection.class.getName()).warning("websocket " + socket.getClass().getName()
                    + " exposes no Netty pipeline: flushing every frame, fan-out will cost more CPU");
        }
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
