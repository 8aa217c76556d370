package io.certstream.hub.web;

import io.certstream.hub.publish.DeliveryLag;
import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.ReplayBuffer;
import io.certstream.hub.publish.PublishingEnd;
import io.certstream.hub.publish.UpdatePublisher;
import io.certstream.hub.wire.StreamType;
import io.certstream.hub.config.HubConfig.ServerConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
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
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The CertStream web front: websockets at {@code /}, {@code /full-stream} and {@code /domains-only} and server-sent
 * events at {@code /sse}, with their query filters and resume (docs/streams.md), fed from the bus, plus
 * {@code example.json}, {@code latest.json} and {@code /stats}. Several instances share the port (Vert.x spreads
 * connections across them), each writing the bus's already-serialized buffers to its own clients.
 */
public final class WebVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(WebVerticle.class.getName());
    /** Clients have nothing to send but pings; a frame or message beyond this closes the socket with 1009. */
    private static final int MAX_INBOUND_BYTES = 64 * 1024;
    /** At most this long a stopping instance waits for the watchers to stop publishing ({@link PublishingEnd}). */
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final ServerConfig config;
    private final HubMetrics metrics;
    private final DeliveryLag backlog;
    private final Consumer<Router> extraRoutes;
    private final AccessGate gate;
    private final ReplayBuffer replay;
    /** Websocket and SSE subscribers of all three streams, grouped by filter. */
    private final Audience audience = new Audience();
    private final Map<StreamType, RecentMessages> recent = new EnumMap<>(StreamType.class);
    private HttpServer server;
    /** Reads old replay pages from disk off the event loop; shared by all instances, two threads at most. */
    private WorkerExecutor replayReaders;
    private final PublishingEnd publishingEnd;

    /**
     * @param backlog     this instance's own: how far its event loop is behind the publisher (see {@link DeliveryLag})
     * @param extraRoutes lets the hub mount more handlers (e.g. the event-bus bridge) before the catch-all routes
     * @param gate        this instance's access control (allowlists, tokens, limits, TLS), ahead of every route
     */
    public WebVerticle(ServerConfig config, HubMetrics metrics, DeliveryLag backlog, ReplayBuffer replay,
                       Consumer<Router> extraRoutes, AccessGate gate) {
        this(config, metrics, backlog, replay, extraRoutes, gate, null);
    }

    /**
     * @param publishingEnd when the hub's watchers publish no more: this instance keeps its bus consumers until then
     *                      at its stop, so that no delivery queued for them is discarded; null: stops at once
     */
    public WebVerticle(ServerConfig config, HubMetrics metrics, DeliveryLag backlog, ReplayBuffer replay,
                       Consumer<Router> extraRoutes, AccessGate gate, PublishingEnd publishingEnd) {
        this.publishingEnd = publishingEnd;
        this.config = config;
        this.replay = replay;
        this.gate = gate;
        this.metrics = metrics;
        this.backlog = backlog;
        this.extraRoutes = extraRoutes;
    }

    @Override
    public Future<?> start() {
        backlog.start();
        replayReaders = vertx.createSharedWorkerExecutor("certstream-replay-read", 2);
        for (StreamType channel : StreamType.values()) {
            recent.put(channel, new RecentMessages(config.latestSize()));
        }
        // One delivery per certificate for all three streams: the filters need the decoded certificate beside the bytes.
        vertx.eventBus().<Published>localConsumer(UpdatePublisher.PUBLISHED, m -> broadcast(m.body()));
        // Heartbeats are not counted by the publisher and never shed: they are what keeps idle clients connected.
        vertx.eventBus().<Buffer>localConsumer(BusAddresses.HEARTBEAT, m -> audience.heartbeat(m.body(),
                SseEndpoint.heartbeat(m.body()), System.currentTimeMillis(), this::disconnected));

        Router router = Router.router(vertx);
        router.route().handler(gate);
        extraRoutes.accept(router);
        for (StreamType channel : StreamType.values()) {
            router.get(channel.path()).handler(ctx -> upgradeOrPage(ctx, channel));
            router.get(channel.resourcePrefix() + "/example.json").handler(ctx -> example(ctx, channel));
            router.get(channel.resourcePrefix() + "/latest.json").handler(ctx -> json(ctx, recent.get(channel).latestJson()));
        }
        router.get(SseEndpoint.PATH).handler(new SseEndpoint(config, metrics, this::subscribe, s -> {
            if (audience.remove(s)) {
                disconnected(s);
            }
        }));
        router.get("/stats").handler(ctx -> json(ctx, metrics.toJson().toBuffer()));
        router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "no such resource: " + ctx.request().path())
                        .put("endpoints", "/ (lite), /full-stream, /domains-only, /sse, /example.json, /latest.json, /stats, /metrics, /health")
                        .encode()));

        HttpServerOptions options = gate.secure(new HttpServerOptions())
                .setHost(config.host())
                .setPort(config.port())
                .setMaxWebSocketFrameSize(MAX_INBOUND_BYTES)
                .setMaxWebSocketMessageSize(MAX_INBOUND_BYTES)
                .setMaxHeaderSize(16 * 1024)
                .setCompressionSupported(true)
                // permessage-deflate for clients that offer it, compressed per client with the window kept across
                // messages: lite to ~18% at level 1 for ~18 us CPU per message and client (level 6: 16%, ~30 us),
                // see docs/performance.md. Clients that do not offer it still get the shared bytes as they are.
                .setPerMessageWebSocketCompressionSupported(config.streams().compression())
                .setWebSocketCompressionLevel(1)
                .setPerFrameWebSocketCompressionSupported(false);
        return gate.install(vertx, vertx.createHttpServer(options)).requestHandler(router).listen().onSuccess(s -> server = s);
    }

    @Override
    public Future<?> stop() {
        // Vert.x unregisters this instance's bus consumers once stop completes.
        return publishingEnd == null ? Future.succeededFuture() : publishingEnd.awaitOn(vertx, context, STOP_WAIT_MILLIS);
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
        StreamQuery query;
        try {
            // Checked before the upgrade: a bad filter gets a 400 a browser or curl can show, not a closed socket.
            query = StreamQuery.parse(channel, ctx.request().params(), null);
        } catch (StreamQuery.BadQuery e) {
            SseEndpoint.badRequest(ctx, e);
            return;
        }
        HttpConnection connection = ctx.request().connection();
        ctx.request().toWebSocket().onSuccess(ws -> accept(ws, connection, query)).onFailure(e ->
                LOG.fine(() -> "websocket upgrade failed: " + e.getMessage()));
    }

    private void accept(ServerWebSocket ws, HttpConnection connection, StreamQuery query) {
        ClientConnection client = new ClientConnection(ws, connection, query.stream(), metrics, config.clientQueueBytes(),
                config.slowClientSeconds() * 1000L, config.streams().compression());
        WebSocketSubscriber subscriber = new WebSocketSubscriber(client, query, metrics, config.slowClientSeconds() * 1000L);
        // Clients only ever send pings (answered by Vert.x) or nothing; anything else is ignored.
        ws.frameHandler(new InboundLimit(ws, MAX_INBOUND_BYTES));
        ws.exceptionHandler(e -> InboundLimit.onError(ws, e));
        ws.closeHandler(v -> {
            if (audience.remove(subscriber)) {
                disconnected(subscriber);
            }
        });
        subscribe(subscriber, query);
    }

    /** Adds a websocket or SSE subscriber to its group, first replaying from its cursor when it gave one. */
    private void subscribe(Subscriber subscriber, StreamQuery query) {
        audience.add(subscriber);
        metrics.clientConnected(endpoint(subscriber));
        if (query.since() != null) {
            Replay.start(subscriber, replay, context, replayReaders, query.since());
        }
    }

    private void disconnected(Subscriber subscriber) {
        metrics.clientDisconnected(endpoint(subscriber));
    }

    private static String endpoint(Subscriber s) {
        return s instanceof SseSubscriber ? "sse/" + s.stream.label() : s.stream.label();
    }

    private void broadcast(Published p) {
        boolean[] shed = new boolean[StreamType.values().length];
        for (StreamType channel : StreamType.values()) {
            shed[channel.ordinal()] = backlog.shed(channel);
            if (shed[channel.ordinal()]) {
                // Counted once per client that misses the message, as client drops are.
                int missed = audience.count(channel);
                if (missed > 0) {
                    metrics.droppedOverload(channel.label(), missed);
                }
            } else {
                recent.get(channel).add(p.message(channel));
            }
        }
        audience.deliver(p, shed, System.currentTimeMillis(), this::disconnected);
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
