package io.certstream.hub.web;

import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RawWebSocket;
import io.certstream.hub.testing.RunningHub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live messages to websocket clients without compression go out as one frame encoded once per message and shared by
 * all of them ({@link ClientConnection}, {@link SharedTextFrame#encoded}), written below Vert.x. Three real clients
 * of the full stream during a paced catch-up, with a 64 KB client queue: a raw socket that reads every frame as it
 * comes, a Vert.x client that negotiates permessage-deflate (Vert.x's own path), and a raw socket that reads nothing
 * until the end, so it falls behind its bound, has messages dropped and is closed with 1013.
 * <ul>
 *   <li>the plain client's frames are final, unmasked text frames, and their texts are exactly the compressing
 *   client's, message for message;</li>
 *   <li>the shared path carried exactly the certificates the two raw clients received (and none of the compressing
 *   client's): this fails when plain clients are not served through it;</li>
 *   <li>the stalled client, once it reads, gets whole frames, in order, identical to the plain client's, then the
 *   close frame (Vert.x's, queued while its socket was full) and nothing after it;</li>
 *   <li>its drops and its disconnection are counted as before, and Vert.x's bytes-written meter counts the shared
 *   frames' payload as it counts the frames it writes itself.</li>
 * </ul>
 */
class SharedFramesTest {
    private static final int ENTRIES = 600;
    private Vertx vertx;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RunningHub hub;
    private final List<RawWebSocket> raw = new ArrayList<>();

    @BeforeEach
    void start() {
        // Vert.x's own meters, as Main has them: the bytes-written meter must count the shared frames too.
        vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry)).build();
    }

    @AfterEach
    void stop() throws Exception {
        for (RawWebSocket r : raw) {
            r.close();
        }
        if (hub != null) {
            hub.stop().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void plainClientsGetOneSharedFrameUnchangedAndAStalledOneDropsThenClosesInOrder() throws Exception {
        SimulatedCtLog log = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0).withBatchCap(256)).await(60, TimeUnit.SECONDS);
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0)); // hold the stream until all listen
        hub = RunningHub.start(vertx, new JsonObject()
                .put("server", new JsonObject().put("instances", 1).put("clientQueueBytes", 64 << 10)
                        .put("slowClientSeconds", 1).put("replayMinutes", 0).put("compression", true)
                        // Heartbeats (Vert.x's path) every second: messages keep finding the stalled client behind
                        // after the catch-up, until it has been behind long enough to be closed.
                        .put("heartbeatSeconds", 1))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("watcher", new JsonObject().put("batchSize", 16).put("maxBackoffSeconds", 1)))
                .await(60, TimeUnit.SECONDS);

        RawWebSocket plain = connect(0);
        // Completes the handshake, then reads nothing until the end: with a 4 KB receive buffer its window closes.
        RawWebSocket stalled = connect(4096);
        List<String> deflated = Collections.synchronizedList(new ArrayList<>());
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setTryUsePerMessageCompression(true).setMaxMessageSize(16 << 20));
        WebSocket compressing = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
                .setURI("/full-stream")).await(30, TimeUnit.SECONDS);
        compressing.textMessageHandler(text -> {
            if (text.contains("\"certificate_update\"")) {
                deflated.add(text);
            }
        });
        String extensions = compressing.headers().get("sec-websocket-extensions");
        assertTrue(extensions != null && extensions.contains("permessage-deflate"), "deflate negotiated: " + extensions);
        awaitClients(3);

        long sharedBefore = ClientConnection.sharedWrites();
        CompletableFuture<List<String>> plainTexts = CompletableFuture.supplyAsync(() -> readCertificates(plain, ENTRIES));
        // Paced: 16 entries per reply, each reply 100 ms late, so the reading clients never come near 64 KB behind.
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SLOW, 1.0).withSlowMillis(100));

        List<String> plainCerts = plainTexts.get(120, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 30_000;
        while (deflated.size() < ENTRIES && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(ENTRIES, plainCerts.size(), "the plain client got every certificate");
        assertEquals(plainCerts, new ArrayList<>(deflated),
                "a plain client's messages (shared frames) are byte for byte a compressing client's (Vert.x's path)");

        JsonObject endpoint = hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("full-stream");
        deadline = System.currentTimeMillis() + 30_000;
        while (endpoint.getLong("disconnected_slow") < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            endpoint = hub.metrics().toJson().getJsonObject("endpoints").getJsonObject("full-stream");
        }
        assertTrue(endpoint.getLong("dropped_messages") > 0, "messages to the stalled client were dropped: " + endpoint);
        assertEquals(1L, endpoint.getLong("disconnected_slow"), "the stalled client was closed as too slow: " + endpoint);

        // The stalled client reads now: whole frames in order, then the close frame, then nothing.
        Map<Long, String> byIndex = new HashMap<>();
        for (String text : plainCerts) {
            byIndex.put(index(text), text);
        }
        long last = -1;
        int stalledCerts = 0;
        RawWebSocket.Frame close = null;
        while (close == null) {
            RawWebSocket.Frame frame = stalled.readFrame();
            assertFalse(stalled.lastMasked(), "server frames are not masked");
            if (frame.opcode() == 0x8) {
                close = frame;
                break;
            }
            assertEquals(0x81, stalled.lastFirstByte(), "a final text frame without extension bits");
            String text = new String(frame.payload(), StandardCharsets.UTF_8);
            if (text.contains("\"certificate_update\"")) {
                long index = index(text);
                assertTrue(index > last, "in order: " + index + " after " + last);
                assertEquals(byIndex.get(index), text, "the stalled client's message " + index + " is the plain client's");
                last = index;
                stalledCerts++;
            }
        }
        assertEquals(1013, close.closeCode(), "closed as too slow: " + close.closeReason());
        assertTrue(stalledCerts > 0 && stalledCerts < ENTRIES, "the stalled client got some, not all: " + stalledCerts);
        assertTrue(stalled.closedByPeer(), "nothing but the end of the connection after the close frame");

        long shared = ClientConnection.sharedWrites() - sharedBefore;
        assertEquals(ENTRIES + stalledCerts, shared, "the shared frames are what the two plain clients received, "
                + "and the compressing client got none of them");
        // Each certificate went to the plain client (shared frame) and to the compressing one (Vert.x's frame, counted
        // before compression): once their connections are closed (the meter reports in 4 KB steps until then), the
        // meter holds at least both. Without the shared frames in it, it would hold about half.
        long plainBytes = plainCerts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
        compressing.close().await(10, TimeUnit.SECONDS);
        plain.close();
        deadline = System.currentTimeMillis() + 10_000;
        while (bytesWritten() < 2 * plainBytes && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(bytesWritten() >= 2 * plainBytes, "Vert.x's bytes-written meter counts the shared frames: "
                + bytesWritten() + " for 2 x " + plainBytes);
    }

    private double bytesWritten() {
        return registry.find("vertx.http.server.bytes.written").counters().stream().mapToDouble(Counter::count).sum();
    }

    private RawWebSocket connect(int receiveBuffer) throws Exception {
        RawWebSocket socket = RawWebSocket.connect(hub.port(), "/full-stream", receiveBuffer);
        raw.add(socket);
        return socket;
    }

    /** Reads until {@code count} certificate messages, checking every frame's header on the way. */
    private static List<String> readCertificates(RawWebSocket socket, int count) {
        List<String> texts = new ArrayList<>();
        try {
            while (texts.size() < count) {
                RawWebSocket.Frame frame = socket.readFrame();
                assertEquals(0x81, socket.lastFirstByte(), "a final text frame without extension bits");
                assertFalse(socket.lastMasked(), "server frames are not masked");
                String text = new String(frame.payload(), StandardCharsets.UTF_8);
                if (text.contains("\"certificate_update\"")) {
                    texts.add(text);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("after " + texts.size() + " certificates", e);
        }
        return texts;
    }

    private static long index(String text) {
        JsonObject data = new JsonObject(text).getJsonObject("data");
        assertNotNull(data, text);
        return data.getLong("cert_index");
    }

    private void awaitClients(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (hub.metrics().clients("full-stream") < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(count, hub.metrics().clients("full-stream"), "clients connected");
    }
}
