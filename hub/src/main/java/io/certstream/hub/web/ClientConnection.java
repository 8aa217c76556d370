package io.certstream.hub.web;

import io.certstream.hub.wire.StreamType;
import io.certstream.hub.metrics.HubMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * One websocket client of one channel. Its write queue is bounded: while it is full, messages for this client are
 * dropped (and counted) so a slow reader never delays others or grows memory; a client that stays behind for
 * {@code slowMillis} is closed with code 1013 and a reason it can log.
 *
 * <p>Live messages to a client without an extension (no permessage-deflate) over plain TCP skip Vert.x's write path:
 * the frame is the same for all such clients, so it is encoded once per message ({@link SharedFrames#websocket}) and
 * a duplicate of it is written into the socket's pipeline just below the websocket encoder (through the encoder's
 * own context, so every handler nearer the socket, the flush consolidation among them, still sees it). That saves,
 * per message and client, Vert.x's promise, locks and queue, the encoder and the copy into direct memory Netty makes
 * of every heap frame (docs/performance.md). What it keeps:
 * <ul>
 *   <li>the bound: the client is full while its channel is not writable ({@code setWriteQueueMaxSize} sets the
 *   channel's high-water mark), and every written byte, flushed or not, counts in the channel's outbound buffer;</li>
 *   <li>order: this runs on the socket's event loop, where Vert.x writes its own frames (pong, close, replayed
 *   messages, heartbeats) straight into the same pipeline while the channel is writable and queues them only while it
 *   is not, draining that queue as the channel becomes writable again, before anything else runs; a shared frame is
 *   written only while the channel is writable, so never ahead of a frame Vert.x still holds. Vert.x's
 *   {@code ChunkedWriteHandler} (TLS only) queues nothing but file transfers;</li>
 *   <li>Vert.x's bytes-written meter (the payload, as Vert.x counts it).</li>
 * </ul>
 * Clients that offer permessage-deflate to a hub that compresses, TLS sockets and sockets whose pipeline cannot be
 * reached use Vert.x's path for everything; heartbeats and replays always do.
 */
final class ClientConnection {
    static final short CLOSE_TOO_SLOW = 1013;
    private static volatile boolean warnedNoConsolidation;
    private static final LongAdder SHARED_WRITES = new LongAdder();

    private final ServerWebSocket socket;
    private final StreamType channel;
    private final HubMetrics metrics;
    private final long slowMillis;
    /** The websocket encoder's context, to write shared frames below it; null: Vert.x's path for everything. */
    private final ChannelHandlerContext encoder;
    private final VertxConnection vertxConnection;
    private final ChannelPromise noPromise;
    private long behindSince = -1;
    private boolean closing;

    /**
     * @param connection the HTTP connection the socket was upgraded from: the way to its Netty pipeline when the
     *                   socket is vertx-web's wrapper (every socket served through the router), which hides its own
     * @param compression whether the server negotiates permessage-deflate ({@code server.compression}): a client
     *                    that offers it then gets Vert.x's path, which compresses
     */
    ClientConnection(ServerWebSocket socket, HttpConnection connection, StreamType channel, HubMetrics metrics,
                     int queueBytes, long slowMillis, boolean compression) {
        this.socket = socket;
        this.channel = channel;
        this.metrics = metrics;
        this.slowMillis = slowMillis;
        socket.setWriteQueueMaxSize(queueBytes);
        ChannelPipeline pipeline = consolidateFlushes(socket, connection);
        this.encoder = pipeline == null || (compression && offersDeflate(socket)) ? null : sharedFrameEncoder(pipeline);
        VertxHandler<?> vertx = encoder == null ? null : pipeline.get(VertxHandler.class);
        this.vertxConnection = vertx == null ? null : vertx.getConnection();
        this.noPromise = encoder == null ? null : new VoidChannelPromise(encoder.channel(), false);
    }

    /** Consolidates the socket's flushes ({@link SocketFlushes}); warns once when its pipeline cannot be reached. */
    private static ChannelPipeline consolidateFlushes(ServerWebSocket socket, HttpConnection connection) {
        ChannelPipeline pipeline = pipeline(socket, connection);
        if (pipeline != null) {
            SocketFlushes.consolidate(pipeline);
        } else if (!warnedNoConsolidation) {
            // Only a Vert.x upgrade that changed its internals gets here: everything works, one flush per frame.
            warnedNoConsolidation = true;
            Logger.getLogger(ClientConnection.class.getName()).warning("websocket " + socket.getClass().getName()
                    + " exposes no Netty pipeline: flushing every frame, fan-out will cost more CPU");
        }
        return pipeline;
    }

    private static boolean offersDeflate(ServerWebSocket socket) {
        String offered = socket.headers() == null ? null : socket.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        return offered != null && offered.toLowerCase(Locale.ROOT).contains("deflate");
    }

    /**
     * The context to write shared frames through, or null when this socket's frames are not the shared ones: an
     * extension encoder (compression) rewrites them, TLS encrypts them per socket anyway (and is left to Vert.x).
     */
    private static ChannelHandlerContext sharedFrameEncoder(ChannelPipeline pipeline) {
        if (pipeline.get(WebSocketExtensionEncoder.class) != null || pipeline.get(SslHandler.class) != null
                || pipeline.get(VertxHandler.class) == null) {
            return null;
        }
        return pipeline.context(WebSocketFrameEncoder.class);
    }

    /** Live messages written as shared frames since start, by every client of this JVM: for tests. */
    static long sharedWrites() {
        return SHARED_WRITES.sum();
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

    /**
     * Sends a message, or drops it when the client is behind. Returns false once the client is closing or closed.
     *
     * @param frames the message's shared frames when it is a live certificate (null: a heartbeat, Vert.x's path)
     */
    boolean send(Buffer message, SharedFrames frames, long nowMillis) {
        // A client that sent its close frame is closed for Vert.x (which refuses to even look at its write queue)
        // before the connection is gone and the close handler runs; on a busy loop broadcasts reach it in between.
        if (closing || socket.isClosed()) {
            return false;
        }
        if (encoder != null ? !encoder.channel().isWritable() : socket.writeQueueFull()) {
            if (encoder != null && !encoder.channel().isActive()) {
                return true; // gone, not behind: its close handler removes it
            }
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
        if (encoder != null && frames != null && encoder.executor().inEventLoop()) {
            writeShared(frames.websocket(channel, encoder.alloc()), message.length());
        } else {
            socket.writeFrame(SharedTextFrame.of(message));
        }
        return true;
    }

    private void writeShared(ByteBuf frame, int payloadBytes) {
        encoder.write(frame.retainedDuplicate(), noPromise);
        // Through the consolidation handler: one socket write per event-loop turn (or 64 frames), as Vert.x's flushes.
        encoder.flush();
        SHARED_WRITES.increment();
        if (vertxConnection != null) {
            vertxConnection.reportBytesWritten(payloadBytes);
        }
    }
}
