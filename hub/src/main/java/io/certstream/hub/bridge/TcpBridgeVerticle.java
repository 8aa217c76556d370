package io.certstream.hub.bridge;

import io.certstream.hub.config.ConfigException;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The optional TCP event-bus bridge (Vert.x's framing: a 4-byte big-endian length, then a JSON object), so that
 * programs in any language join the bus without SockJS. Off unless {@code bridge.tcpPort} is set.
 *
 * <p>It offers the JSON-bodied addresses only: the {@link BridgeChannels channel addresses} (for a whole stream,
 * {@code certstream.lite.all} etc.) and {@code certstream.alerts}. The public stream addresses carry
 * {@code Buffer}s, which this bridge would forward base64-encoded, and unlike the SockJS bridge it has no hook on
 * delivery to rewrite them; it has none to skip a message for one slow client either, so a client whose write queue
 * stays full for {@link #SLOW_CHECKS} checks a second apart is disconnected instead (counted in {@code /stats}).
 * Inbound: nothing is permitted, so clients cannot send or publish into the hub.
 */
public final class TcpBridgeVerticle extends VerticleBase {
    public static final String STATS_LABEL = "tcp-bridge";
    static final int SLOW_CHECKS = 2;
    private static final Logger LOG = Logger.getLogger(TcpBridgeVerticle.class.getName());

    private final String host;
    private final int port;
    private final BridgeChannels channels;
    private final HubMetrics metrics;
    private final int queueBytes;
    /** Sockets that follow something, with their addresses and how many checks in a row found them full. */
    private final Map<NetSocket, Client> clients = new HashMap<>();
    private TcpEventBusBridge bridge;
    private final io.vertx.core.net.KeyCertOptions tls;
    private final java.util.List<io.certstream.hub.config.Cidr> allowedIps;

    public TcpBridgeVerticle(String host, int port, BridgeChannels channels, HubMetrics metrics, int queueBytes) {
        this(host, port, channels, metrics, queueBytes, null, java.util.List.of());
    }

    /**
     * @param tls        the hub's certificate ({@code server.tls}) to serve the bridge over TLS, or null
     * @param allowedIps {@code server.allowedIps}: other addresses are disconnected at once; empty: all
     */
    public TcpBridgeVerticle(String host, int port, BridgeChannels channels, HubMetrics metrics, int queueBytes,
                             io.vertx.core.net.KeyCertOptions tls, java.util.List<io.certstream.hub.config.Cidr> allowedIps) {
        this.tls = tls;
        this.allowedIps = allowedIps;
        this.host = host;
        this.port = port;
        this.channels = channels;
        this.metrics = metrics;
        this.queueBytes = queueBytes;
    }

    private static final class Client {
        final Set<String> followed = new HashSet<>();
        int fullChecks;
    }

    @Override
    public Future<?> start() {
        BridgeOptions options = new BridgeOptions()
                .addOutboundPermitted(new PermittedOptions().setAddress(BusAddresses.ALERTS))
                .addOutboundPermitted(new PermittedOptions().setAddressRegex(BridgeChannels.ADDRESS_REGEX));
        NetServerOptions server = new NetServerOptions().setHost(host).setPort(port);
        if (tls != null) {
            // Certificates renewed on disk reach the web front at once; this bridge takes them when restarted.
            server.setSsl(true).setKeyCertOptions(tls);
        }
        bridge = TcpEventBusBridge.create(vertx, options, server, this::onEvent);
        vertx.setPeriodic(1000, t -> dropSlowClients());
        return bridge.listen()
                .onSuccess(b -> LOG.info(() -> "TCP event-bus bridge listening on " + host + ":" + port))
                // Name the bridge's keys: the hub's generic bind error would point at server.port.
                .recover(e -> Future.failedFuture(new ConfigException("bridge.tcpHost/bridge.tcpPort: the TCP event-bus "
                        + "bridge cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); choose another "
                        + "port, or 0 to turn the TCP bridge off")));
    }

    @Override
    public Future<?> stop() {
        return bridge.close();
    }

    private void onEvent(BridgeEvent event) {
        NetSocket socket = event.socket();
        // Checked when the socket opens (and again on a subscription), not on every message delivered.
        boolean checkPoint = event.type() == io.vertx.ext.bridge.BridgeEventType.SOCKET_CREATED
                || event.type() == io.vertx.ext.bridge.BridgeEventType.REGISTER;
        if (checkPoint && !allowedIps.isEmpty()) {
            byte[] address = io.certstream.hub.config.Cidr.literal(socket.remoteAddress().hostAddress());
            if (allowedIps.stream().noneMatch(c -> c.contains(address))) {
                metrics.access().refused("ip_not_allowed");
                event.complete(false);
                closeNow(socket);
                return;
            }
        }
        switch (event.type()) {
            case REGISTER -> {
                String address = event.getRawMessage().getString("address");
                Client client = clients.computeIfAbsent(socket, s -> {
                    s.setWriteQueueMaxSize(queueBytes);
                    s.closeHandler(v -> closed(s));
                    metrics.clientConnected(STATS_LABEL);
                    return new Client();
                });
                if (address == null || !client.followed.add(address)) {
                    event.complete(false);
                    return;
                }
                channels.follow(address);
            }
            case UNREGISTER -> {
                Client client = clients.get(socket);
                String address = event.getRawMessage().getString("address");
                if (client != null && address != null && client.followed.remove(address)) {
                    channels.unfollow(address);
                }
            }
            default -> {
            }
        }
        event.complete(true);
    }

    /**
     * A graceful {@code close()} queues behind the backlog and so would wait for the stalled client forever, keeping
     * the backlog in memory: close the channel itself, dropping what it has not taken.
     */
    private static void closeNow(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            // Not channel().close(): Vert.x's pipeline turns that into the same graceful close.
            Channel channel = internal.channelHandlerContext().channel();
            channel.unsafe().close(channel.voidPromise());
        } else {
            socket.close();
        }
    }

    private void closed(NetSocket socket) {
        Client client = clients.remove(socket);
        if (client != null) {
            client.followed.forEach(channels::unfollow);
            metrics.clientDisconnected(STATS_LABEL);
        }
    }

    private void dropSlowClients() {
        clients.forEach((socket, client) -> {
            if (!socket.writeQueueFull()) {
                client.fullChecks = 0;
            } else if (++client.fullChecks >= SLOW_CHECKS) {
                metrics.disconnectedSlow(STATS_LABEL);
                LOG.info(() -> "TCP bridge client " + socket.remoteAddress() + " too slow: disconnected");
                closeNow(socket);
            }
        });
    }
}
