package io.certstream.hub.it;

import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RawWebSocket;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that is closing (it sent its close frame, but the connection is not gone yet) while certificates are
 * broadcast: Vert.x refuses to even look at such a socket's write queue, and that must never cost the other
 * clients a message. Thousands of clients leaving at once (a load test ending, a client fleet restarting) hit this.
 */
class ClosingClientTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ENTRIES = 1000;
    private final List<String> severe = new CopyOnWriteArrayList<>();
    private final Handler severeRecorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(record.getMessage() + (record.getThrown() == null ? "" : ": " + record.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Vertx vertx;
    private RawWebSocket closing;
    private WebSocketClient client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        Logger.getLogger("").addHandler(severeRecorder);
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(severeRecorder);
        if (closing != null) {
            closing.close();
        }
        await(vertx.close());
    }

    @Test
    void aClientHalfwayThroughClosingNeverCostsTheOthersAMessage() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0)));
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0)); // hold the stream until the clients are set
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("server", new JsonObject().put("instances", 1).put("clientQueueBytes", 64 << 10))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("watcher", new JsonObject().put("maxBackoffSeconds", 1))));

        // Never reads (its tiny receive window closes at once, and its 64 KB queue in the hub soon after), then says
        // goodbye: the hub reads the close frame, but its answer waits behind the full queue, so the connection
        // stays between "closing" and "closed" while certificates keep coming.
        closing = RawWebSocket.connect(hub.port(), "/full-stream", 2048);
        List<Long> received = new CopyOnWriteArrayList<>();
        // Kept in a field: Vert.x closes a client that becomes unreachable, and its connections with it.
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(16 << 20));
        WebSocket reader = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port()).setURI("/full-stream").setTimeout(10_000)));
        reader.textMessageHandler(text -> {
            JsonObject m = new JsonObject(text);
            if ("certificate_update".equals(m.getString("message_type"))) {
                received.add(m.getJsonObject("data").getLong("cert_index"));
            }
        });
        log.stopFaults();
        Async.waitFor(WAIT, () -> "the first certificates reach the reading client: " + received.size() + " " + hub.metrics().toJson().getJsonObject("endpoints"), () -> received.size() >= 800);
        closing.sendFrame(0x88, new byte[] {0x03, (byte) 0xE8}, true); // close, 1000

        Async.waitFor(WAIT, () -> "the reading client got only " + received.size() + " of " + ENTRIES, () -> received.size() >= ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            assertEquals(i, received.get(i), "certificates arrive in log order, none missing");
        }
        assertTrue(severe.isEmpty(), "a closing client is not an error: " + severe.stream().limit(3).toList());
    }

}
