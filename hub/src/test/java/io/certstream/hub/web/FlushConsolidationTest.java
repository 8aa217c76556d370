package io.certstream.hub.web;

import io.certstream.hub.it.BridgeRecorder;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flush consolidation applies to the websockets the hub actually serves (upgraded through its vertx-web router,
 * which wraps them, and the SockJS bridge's websocket transport): 100 real clients, a burst of 200 messages, and the socket flushes counted between Netty's
 * consolidation handler and the socket. Without consolidation every frame is flushed (200 x 100 = 20,000); with it a
 * client's burst goes out in a few writes. Fails, too, when the hub cannot reach a socket's pipeline (no counter, no
 * consolidation, and the warning it logs).
 */
class FlushConsolidationTest {
    private static final int CLIENTS = 100;
    private static final int MESSAGES = 200;

    private Vertx vertx;
    private RunningHub hub;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.stop().await();
        }
        vertx.close().await();
    }

    @Test
    void aBurstReachesEachRouterServedClientInAFewFlushes() throws Exception {
        try (LogCapture log = LogCapture.of(ClientConnection.class)) {
            hub = RunningHub.start(vertx, new JsonObject()).await();
            WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS));
            LongAdder received = new LongAdder();
            List<Future<WebSocket>> connecting = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                connecting.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port()).setURI("/"))
                        .onSuccess(ws -> ws.handler(b -> received.increment())));
            }
            Future.all(connecting).await(30, TimeUnit.SECONDS);
            awaitClients(CLIENTS);

            long before = SocketFlushes.count();
            // Heartbeats go to every client of every stream and are never shed: a burst the web verticles send as
            // it comes, one bus delivery per message, as they send certificates.
            Buffer message = Buffer.buffer("{\"message_type\":\"heartbeat\",\"timestamp\":1}");
            vertx.runOnContext(v -> {
                for (int i = 0; i < MESSAGES; i++) {
                    vertx.eventBus().publish(BusAddresses.HEARTBEAT, message);
                }
            });
            long deadline = System.currentTimeMillis() + 30_000;
            while (received.sum() < (long) CLIENTS * MESSAGES && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(received.sum() >= (long) CLIENTS * MESSAGES, "every client got the burst: " + received.sum());
            long flushes = SocketFlushes.count() - before;

            assertEquals(List.of(), log.messages(Level.WARNING), "no socket without consolidation");
            assertTrue(flushes >= CLIENTS, "the flushes of every client's socket are counted after consolidation: " + flushes);
            // 64 frames at most per flush give at least 4 per client; a flush per frame would be 20,000.
            assertTrue(flushes <= (long) CLIENTS * MESSAGES / 10, "a burst of " + MESSAGES + " messages to " + CLIENTS
                    + " clients took " + flushes + " socket flushes (one per frame: " + CLIENTS * MESSAGES + ")");
            client.close().await();
        }
    }

    @Test
    void aBurstReachesEachSockJsWebsocketClientInAFewFlushes() throws Exception {
        int clients = 20;
        hub = RunningHub.start(vertx, new JsonObject()).await();
        List<BridgeRecorder> bridges = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            BridgeRecorder b = BridgeRecorder.connect(vertx, hub.port()).await(30, TimeUnit.SECONDS);
            b.register(BusAddresses.HEARTBEAT).await(30, TimeUnit.SECONDS);
            b.sync(Duration.ofSeconds(30));
            bridges.add(b);
        }
        long before = SocketFlushes.count();
        Buffer message = Buffer.buffer("{\"message_type\":\"heartbeat\",\"timestamp\":1}");
        vertx.runOnContext(v -> {
            for (int i = 0; i < MESSAGES; i++) {
                vertx.eventBus().publish(BusAddresses.HEARTBEAT, message);
            }
        });
        for (BridgeRecorder b : bridges) {
            b.await(r -> r.bodies(BusAddresses.HEARTBEAT).size() >= MESSAGES, Duration.ofSeconds(30));
        }
        long flushes = SocketFlushes.count() - before;

        assertTrue(flushes >= clients, "the flushes of every bridge client's websocket are counted after consolidation: "
                + flushes);
        assertTrue(flushes <= (long) clients * MESSAGES / 10, "a burst of " + MESSAGES + " messages to " + clients
                + " SockJS websocket clients took " + flushes + " socket flushes (one per frame: " + clients * MESSAGES + ")");
        for (BridgeRecorder b : bridges) {
            b.close().await(10, TimeUnit.SECONDS);
        }
    }

    private void awaitClients(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("lite").getLong("clients", 0L) < count
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }
}
