package io.certstream.hub.web;

import io.certstream.hub.wire.StreamType;
import io.certstream.hub.metrics.HubMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.concurrent.atomic.LongAdder;
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

    /**
     * Vert.x flushes every frame it writes outside a read of the same connection: one system call per message per
     * client, which is what bounds fan-out (see docs/performance.md). Netty's {@link FlushConsolidationHandler}, at
     * the socket end of the pipeline, turns the flushes of one event-loop turn into one (at the latest after
     * {@value #FLUSH_EVERY} frames), so a burst of messages reaches each client in a few large writes. Written but
     * unflushed frames count in the channel's outbound buffer, so {@code writeQueueFull()} and the drop policy see
     * them exactly as before. Between it and the socket, {@link FlushCounter} counts the flushes that remain.
     */
    private static void consolidateFlushes(ServerWebSocket socket, HttpConnection connection) {
        ChannelPipeline pipeline = pipeline(socket, connection);
        if (pipeline != null) {
            if (pipeline.get(FlushConsolidationHandler.class) == null) {
                pipeline.addFirst("certstream-flush", new FlushConsolidationHandler(FLUSH_EVERY, true));
                pipeline.addFirst("certstream-flush-count", FlushCounter.INSTANCE);
            }
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

    /** Socket flushes since start, after consolidation, of every client of this JVM: for tests and profiling. */
    static long socketFlushes() {
        return FlushCounter.FLUSHES.sum();
    }

    /** Counts the flushes that reach the socket (each is a write system call when there is something to write). */
    @ChannelHandler.Sharable
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        static final FlushCounter INSTANCE = new FlushCounter();
        static final LongAdder FLUSHES = new LongAdder();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            FLUSHES.increment();
            ctx.flush();
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
