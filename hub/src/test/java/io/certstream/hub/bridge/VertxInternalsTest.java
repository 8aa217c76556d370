package io.certstream.hub.bridge;

import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins what the hub relies on in the Vert.x internals that {@link VertxInternals} isolates: if a Vert.x upgrade
 * changes it, this fails before the bridge silently stops bounding its clients or closing slow ones.
 */
class VertxInternalsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Vertx vertx;
    /** Kept referenced: Vert.x closes the connections of a client that is garbage collected. */
    private WebSocketClient client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    private int serve(Router router) throws Exception {
        HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(RunningHub.freePort(), "127.0.0.1"));
        return server.actualPort();
    }

    private WebSocket connect(int port, List<String> frames) throws Exception {
        WebSocket ws = await(client.connect(new WebSocketConnectOptions()
                .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket")));
        // The raw transport sends what the bridge writes (a Buffer) as binary messages.
        ws.binaryMessageHandler(data -> frames.add(data.toString()));
        ws.textMessageHandler(frames::add);
        return ws;
    }

    @Test
    void theBridgeRunsOverTheSocketWeHandItAndShowsItInItsEvents() throws Exception {
        List<SockJSSocket> wrappers = new CopyOnWriteArrayList<>();
        List<Object> eventSockets = new CopyOnWriteArrayList<>();
        HubMetrics metrics = new HubMetrics();
        List<String> types = new CopyOnWriteArrayList<>();
        var bridge = VertxInternals.eventBusBridge(vertx, SockJsBridge.options(), event -> {
            types.add(event.type() + " " + event.getRawMessage());
            if (event.type() == BridgeEventType.REGISTER || event.type() == BridgeEventType.RECEIVE) {
                eventSockets.add(event.socket());
            }
            event.complete(true);
        });
        Router router = Router.router(vertx);
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false))
                .socketHandler(sock -> {
                    BridgeClient client = new BridgeClient(sock, 1 << 20, 30_000, metrics, "test");
                    wrappers.add(client);
                    bridge.handle(client);
                }));
        List<String> frames = new CopyOnWriteArrayList<>();
        WebSocket ws = connect(serve(router), frames);
        await(ws.writeTextMessage(new JsonObject().put("type", "register").put("address", BusAddresses.ALERTS).encode()));
        Async.waitFor(WAIT, "the registration", () -> !eventSockets.isEmpty());
        // The bridge registers its consumer after the REGISTER event completes: publish until one arrives.
        long publisher = vertx.setPeriodic(100, t -> vertx.eventBus().publish(BusAddresses.ALERTS, new JsonObject().put("alert", "pinned")));
        Async.waitFor(WAIT, () -> "the alert at the client: " + frames + ", events " + types, () -> frames.stream().anyMatch(f -> f.contains("pinned")));
        vertx.cancelTimer(publisher);

        assertEquals(1, wrappers.size());
        assertTrue(eventSockets.size() >= 2, "a REGISTER and a RECEIVE event: " + eventSockets);
        for (Object socket : eventSockets) {
            assertSame(wrappers.get(0), socket, "events carry our socket, which SockJsBridge casts to BridgeClient");
        }
    }

    @Test
    void closeConnectionDropsTheWebsocketConnectionWithoutAHandshake() throws Exception {
        AtomicReference<Boolean> closed = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Router router = Router.router(vertx);
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).socketHandler(sock -> {
            // As BridgeClient.closeNow does for a websocket client that stopped reading.
            sock.handler(message -> {
                try {
                    closed.set(VertxInternals.closeConnection(sock.routingContext()));
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            });
        }));
        WebSocket ws = connect(serve(router), new CopyOnWriteArrayList<>());
        AtomicReference<Short> status = new AtomicReference<>((short) -1);
        ws.closeHandler(v -> status.set(ws.closeStatusCode() == null ? 0 : ws.closeStatusCode()));
        ws.writeTextMessage(new JsonArray().add("close me").encode()); // the connection may close before it completes
        Async.waitFor(WAIT, "the connection closed", () -> status.get() != -1);
        assertEquals(null, failure.get());
        assertEquals(Boolean.TRUE, closed.get(), "the upgrade's connection is a Vert.x HttpServerConnection");
        assertNotEquals((short) 1000, status.get(), "no close handshake: the connection was dropped");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
