package io.certstream.hub.bridge;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.web.SocketFlushes;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One SockJS bridge client: the socket the bridge writes to, with a bound on what it has not yet taken. Every write
 * is counted until its future completes (the websocket flushed it to the client, or a polling client fetched it);
 * while more than {@code queueBytes} are outstanding, {@link #mayReceive} says no, the bridge skips the message for
 * this client only (counted as dropped), and a client that stays behind for {@code slowMillis} is closed.
 * It also remembers which addresses its client follows, so that {@link BridgeChannels} counts each once.
 */
final class BridgeClient implements SockJSSocket {
    static final int CLOSE_TOO_SLOW = 1013;
    /** Going away: a client that stopped pinging (frozen, or its network gone) is closed like a slow one. */
    static final int CLOSE_NO_PING = 1001;
    private static final Logger LOG = Logger.getLogger(BridgeClient.class.getName());

    private final SockJSSocket socket;
    private final int queueBytes;
    private final long slowMillis;
    private final HubMetrics metrics;
    private final String label;
    // Write completions may run on another context than the bridge's consumers: count atomically.
    private final AtomicLong outstanding = new AtomicLong();
    private final Set<String> followed = new HashSet<>();
    private long behindSince = -1;
    private boolean closing;
    /** When the client last pinged (the client library pings every 5 s), or when it connected. */
    private volatile long lastPingMillis = System.currentTimeMillis();

    BridgeClient(SockJSSocket socket, int queueBytes, long slowMillis, HubMetrics metrics, String label) {
        this.socket = socket;
        this.queueBytes = queueBytes;
        this.slowMillis = slowMillis;
        this.metrics = metrics;
        this.label = label;
        consolidateFlushes(socket);
    }

    /**
     * Over the websocket transport, the bridge writes a frame per message as the web verticles do, and its flushes
     * are consolidated the same way ({@link SocketFlushes}). Polling transports answer one request at a time.
     */
    private static void consolidateFlushes(SockJSSocket socket) {
        String uri = socket.uri();
        RoutingContext upgrade = socket.routingContext();
        if (uri != null && uri.endsWith("/websocket") && upgrade != null) {
            ChannelPipeline pipeline = VertxInternals.pipeline(upgrade);
            if (pipeline != null) {
                SocketFlushes.consolidate(pipeline);
            }
        }
    }

    /** Whether the next outbound message may be written; false skips it (and counts a drop). */
    boolean mayReceive(long nowMillis) {
        if (closing) {
            return false;
        }
        if (outstanding.get() < queueBytes) {
            behindSince = -1;
            return true;
        }
        metrics.messageDropped(label);
        if (behindSince < 0) {
            behindSince = nowMillis;
        } else if (nowMillis - behindSince > slowMillis) {
            closing = true;
            metrics.disconnectedSlow(label);
            closeNow();
        }
        return false;
    }

    /** The client pinged: it is alive. */
    void pinged(long nowMillis) {
        lastPingMillis = nowMillis;
    }

    /**
     * Closes the client if it has not pinged for {@code timeoutMillis} (a frozen process or a dead network sends no
     * ping but may still hold its connection open for ever); true if it did so now.
     */
    boolean closeIfSilent(long nowMillis, long timeoutMillis) {
        if (closing || nowMillis - lastPingMillis < timeoutMillis) {
            return false;
        }
        closing = true;
        LOG.fine(() -> "closing bridge client " + remoteAddress() + ": no ping for " + (nowMillis - lastPingMillis) + " ms");
        closeNow(CLOSE_NO_PING, "no ping for " + timeoutMillis / 1000 + " s");
        return true;
    }

    /**
     * Closes a client that stopped reading. SockJS's close queues its close frame behind the backlog, which the
     * client is not taking, so over a websocket it would never complete and the backlog would stay: there the
     * connection itself is closed too, dropping what the client has not read. (Polling transports keep the backlog
     * in the session, which the close discards.)
     */
    private void closeNow() {
        closeNow(CLOSE_TOO_SLOW, "client too slow: messages dropped for " + slowMillis / 1000 + " s");
    }

    private void closeNow(int code, String reason) {
        socket.close(code, reason);
        String uri = socket.uri();
        RoutingContext upgrade = socket.routingContext();
        if (uri != null && uri.endsWith("/websocket") && upgrade != null) {
            VertxInternals.closeConnection(upgrade);
        }
    }

    long outstandingBytes() {
        return outstanding.get();
    }

    /** Records a registration; false when this client already follows {@code address}. */
    synchronized boolean follow(String address, BridgeChannels channels) {
        if (address == null || !followed.add(address)) {
            return false;
        }
        channels.follow(address);
        return true;
    }

    synchronized void forget(String address, BridgeChannels channels) {
        if (address != null && followed.remove(address)) {
            channels.unfollow(address);
        }
    }

    synchronized void forgetAll(BridgeChannels channels) {
        followed.forEach(channels::unfollow);
        followed.clear();
    }

    @Override
    public Future<Void> write(Buffer data) {
        long size = data.length();
        outstanding.addAndGet(size);
        return socket.write(data).andThen(ar -> outstanding.addAndGet(-size));
    }

    // Everything else is the wrapped socket's.

    /**
     * A client that leaves (its connection closed or reset) is normal: the bridge would log each such exception as
     * an error, so those are logged here at debug level and not passed on; the close handler still cleans up.
     */
    @Override
    public SockJSSocket exceptionHandler(Handler<Throwable> handler) {
        socket.exceptionHandler(handler == null ? null : failure -> {
            if (ordinaryDisconnect(failure)) {
                LOG.fine(() -> "bridge client " + remoteAddress() + " left: " + failure);
            } else {
                handler.handle(failure);
            }
        });
        return this;
    }

    /** A connection closed or reset by the peer or the network: what every leaving client causes. */
    static boolean ordinaryDisconnect(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpClosedException || t instanceof ClosedChannelException) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (t instanceof IOException && (message.contains("Connection reset") || message.contains("Broken pipe"))
                    || message.contains("Connection was closed")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public SockJSSocket handler(Handler<Buffer> handler) {
        socket.handler(handler);
        return this;
    }

    @Override
    public SockJSSocket pause() {
        socket.pause();
        return this;
    }

    @Override
    public SockJSSocket resume() {
        socket.resume();
        return this;
    }

    @Override
    public SockJSSocket fetch(long amount) {
        socket.fetch(amount);
        return this;
    }

    @Override
    public SockJSSocket endHandler(Handler<Void> handler) {
        socket.endHandler(handler);
        return this;
    }

    @Override
    public SockJSSocket closeHandler(Handler<Void> handler) {
        socket.closeHandler(handler);
        return this;
    }

    @Override
    public SockJSSocket setWriteQueueMaxSize(int maxSize) {
        socket.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return outstanding.get() >= queueBytes;
    }

    @Override
    public SockJSSocket drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
        return this;
    }

    @Override
    public String writeHandlerID() {
        return socket.writeHandlerID();
    }

    @Override
    public Future<Void> end() {
        return socket.end();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public void close(int statusCode, String reason) {
        socket.close(statusCode, reason);
    }

    @Override
    public SocketAddress remoteAddress() {
        return socket.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public MultiMap headers() {
        return socket.headers();
    }

    @Override
    public String uri() {
        return socket.uri();
    }

    @Override
    public RoutingContext routingContext() {
        return socket.routingContext();
    }

    @Override
    public Session webSession() {
        return socket.webSession();
    }

    @Override
    public User webUser() {
        return socket.webUser();
    }
}
