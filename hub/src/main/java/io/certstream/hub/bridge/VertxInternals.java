package io.certstream.hub.bridge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;

/**
 * The only place the hub touches Vert.x internals ({@code impl} packages), for the two things the public API does not
 * offer; {@code VertxInternalsTest} pins the behaviour relied on, so a Vert.x upgrade that changes it fails there.
 * <ul>
 *   <li>{@link #eventBusBridge}: the SockJS event-bus bridge over sockets of our choosing. The public
 *       {@code SockJSHandler.bridge(...)} hands the bridge the raw socket; we hand it a {@link BridgeClient} that
 *       counts what the client has not yet taken.</li>
 *   <li>{@link #closeConnection}: drops the TCP connection under a websocket at once; the public close queues a
 *       close frame behind the backlog of a client that stopped reading, so it would never complete.</li>
 *   <li>{@link #pipeline}: the pipeline under a SockJS websocket, for flush consolidation.</li>
 * </ul>
 */
final class VertxInternals {
    private VertxInternals() {
    }

    /** A SockJS socket handler that bridges the event bus with {@code options}, raising {@code events}. */
    static Handler<SockJSSocket> eventBusBridge(Vertx vertx, SockJSBridgeOptions options, Handler<BridgeEvent> events) {
        return new EventBusBridgeImpl(vertx, null, options, events);
    }

    /** The Netty pipeline of the connection a websocket was upgraded from, or null when it is not reachable. */
    static ChannelPipeline pipeline(RoutingContext upgrade) {
        return upgrade.request().connection() instanceof HttpServerConnection connection
                ? connection.channelHandlerContext().pipeline() : null;
    }

    /**
     * Closes the connection a websocket was upgraded from, without a close handshake.
     *
     * @return false when the request's connection is not a Vert.x HTTP server connection (nothing was closed)
     */
    static boolean closeConnection(RoutingContext upgrade) {
        if (!(upgrade.request().connection() instanceof HttpServerConnection connection)) {
            return false;
        }
        // Not channel().close(): Vert.x's pipeline turns that into the same graceful close.
        Channel channel = connection.channelHandlerContext().channel();
        channel.unsafe().close(channel.voidPromise());
        return true;
    }
}
