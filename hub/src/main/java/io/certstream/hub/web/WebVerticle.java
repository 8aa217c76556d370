package io.certstream.hub.web;

import io.certstream.hub.publish.DeliveryLag;
import io.certstream.hub.wire.StreamType;
import io.certstream.hub.config.HubConfig.ServerConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The CertStream web front: websockets at {@code /}, {@code /full-stream} and {@code /domains-only} fed from the
 * bus, plus {@code example.json}, {@code latest.json} and {@code /stats}. Several instances share the port (Vert.x
 * spreads connections across them), each writing the bus's already-serialized buffers to its own clients.
 */
public final class WebVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(WebVerticle.class.getName());
    /** Clients have nothing to send but pings; a frame or message beyond this closes the socket with 1009. */
    private static final int MAX_INBOUND_BYTES = 64 * 1024;

    private final ServerConfig config;
    private final HubMetrics metrics;
    private final DeliveryLag backlog;
    private final Consumer<Router> extraRoutes;
    private final AccessGate gate;
    private final Map<StreamType, Set<ClientConnection>> clients = new EnumMap<>(StreamType.class);
    private final Map<StreamType, RecentMessages> recent = new EnumMap<>(StreamType.class);
    private HttpServer server;

    /**
     * @param backlog     this instance's own: how far its event loop is behind the publisher (see {@link DeliveryLag})
     * @param extraRoutes lets the hub mount more handlers (e.g. the event-bus bridge) before the catch-all routes
     * @param gate        this instance's access control (allowlists, tokens, limits, TLS), ahead of every route
     */
    public WebVerticle(ServerConfig config, HubMetrics metrics, DeliveryLag backlog, Consumer<Router> extraRoutes,
                       AccessGate gate) {
        this.config = config;
        this.gate = gate;
        this.metrics = metrics;
        this.backlog = backlog;
        this.extraRoutes = extraRoutes;
    }

    @Override
    public Future<?> start() {
        backlog.start();
        for (StreamType channel : StreamType.values()) {
            clients.put(channel, new LinkedHashSet<>());
            recent.put(channel, new RecentMessages(config.latestSize()));
            vertx.eventBus().<Buffer>localConsumer(channel.address(), m -> {
                if (backlog.shed(channel)) {
                    overloaded(channel);
                } else {
                    broadcast(channel, m.body());
                }
            });
        }
        // Heartbeats are not counted by the publisher and never shed: they are what keeps idle clients connected.
        vertx.eventBus().<Buffer>localConsumer(BusAddresses.HEARTBEAT, m -> {
            for (StreamType channel : StreamType.values()) {
                sendAll(channel, m.body());
            }
        });

        Router router = Router.router(vertx);
        router.route().handler(gate);
        extraRoutes.accept(router);
        for (StreamType channel : StreamType.values()) {
            router.get(channel.path()).handler(ctx -> upgradeOrPage(ctx, channel));
            router.get(channel.resourcePrefix() + "/example.json").handler(ctx -> example(ctx, channel));
            router.get(channel.resourcePrefix() + "/latest.json").handler(ctx -> json(ctx, recent.get(channel).latestJson()));
        }
        router.get("/stats").handler(ctx -> json(ctx, metrics.toJson().toBuffer()));
        router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "no such resource: " + ctx.request().path())
                        .put("endpoints", "/ (lite), /full-stream, /domains-only, /example.json, /latest.json, /stats, /metrics, /health")
                        .encode()));

        HttpServerOptions options = gate.secure(new HttpServerOptions())
                .setHost(config.host())
                .setPort(config.port())
                .setMaxWebSocketFrameSize(MAX_INBOUND_BYTES)
                .setMaxWebSocketMessageSize(MAX_INBOUND_BYTES)
                .setMaxHeaderSize(16 * 1024)
                .setCompressionSupported(true)
                // Deflating websocket frames would compress every message once per client and defeat the shared
                // buffers; CertStream clients do not need it.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        return gate.install(vertx, vertx.createHttpServer(options)).requestHandler(router).listen().onSuccess(s -> server = s);
    }

    /** The port actually bound (useful when configured with port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void upgradeOrPage(RoutingContext ctx, StreamType channel) {
        String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(LandingPage.html(channel));
            return;
        }
        HttpConnection connection = ctx.request().connection();
        ctx.request().toWebSocket().onSuccess(ws -> accept(ws, connection, channel)).onFailure(e ->
                LOG.fine(() -> "websocket upgrade failed: " + e.getMessage()));
    }

    private void accept(ServerWebSocket ws, HttpConnection connection, StreamType channel) {
        ClientConnection client = new ClientConnection(ws, connection, channel, metrics, config.clientQueueBytes(),
                config.slowClientSeconds() * 1000L);
        clients.get(channel).add(client);
        metrics.clientConnected(channel.label());
        // Clients only ever send pings (answered by Vert.x) or nothing; anything else is ignored.
        ws.frameHandler(new InboundLimit(ws, MAX_INBOUND_BYTES));
        ws.exceptionHandler(e -> InboundLimit.onError(ws, e));
        ws.closeHandler(v -> {
            if (clients.get(channel).remove(client)) {
                metrics.clientDisconnected(channel.label());
            }
        });
    }

    /** Counted once per client that misses the message, as client drops are. */
    private void overloaded(StreamType channel) {
        int missed = clients.get(channel).size();
        if (missed > 0) {
            metrics.droppedOverload(channel.label(), missed);
        }
    }

    private void broadcast(StreamType channel, Buffer message) {
        recent.get(channel).add(message);
        sendAll(channel, message);
    }

    private void sendAll(StreamType channel, Buffer message) {
        Set<ClientConnection> set = clients.get(channel);
        if (set.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        set.removeIf(client -> {
            boolean open = client.send(message, now);
            if (!open) {
                metrics.clientDisconnected(channel.label());
            }
            return !open;
        });
    }

    private void example(RoutingContext ctx, StreamType channel) {
        Buffer newest = recent.get(channel).newest();
        if (newest == null) {
            ctx.response().setStatusCode(503).putHeader("Retry-After", "5")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"error\":\"no certificate seen yet; try again in a few seconds\"}");
            return;
        }
        json(ctx, newest);
    }

    private static void json(RoutingContext ctx, Buffer body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
