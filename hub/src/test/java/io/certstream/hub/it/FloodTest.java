package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RawHttp;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded flood on 127.0.0.1: upgrades with bad tokens, one address opening connections in a loop, and oversized
 * request heads, all at once. Meanwhile a client with a good token keeps streaming and another keeps fetching a
 * page; their latency is measured against a quiet baseline, every refusal is counted, and once the flood is over
 * no connection or address is left counted.
 */
class FloodTest {
    private static final String TOKEN = "flood-test-token-123456";
    /** 6 s of flood: 2 x 250 bad tokens/s, 100 connections/s from one address, 25 oversized heads/s. */
    private static final int BAD_TOKEN_UPGRADES = 3000;
    private static final int LOOP_CONNECTIONS = 600;
    private static final int HUGE_HEADS = 150;
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        Async.await(vertx.close());
    }

    @Test
    void othersKeepTheirLatencyWhileAFloodIsRefusedAndCounted() throws Exception {
        SimulatedCtLog log = Async.await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(10).withEntriesPerSecond(20)));
        RunningHub hub = Async.await(RunningHub.start(vertx, new JsonObject()
                .put("server", new JsonObject().put("tokens", new JsonArray().add(TOKEN)).put("maxConnectionsPerIp", 20))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head")))));

        AtomicLong streamed = new AtomicLong();
        WebSocketClient client = vertx.createWebSocketClient();
        Async.await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
                .setURI("/").addHeader("Authorization", "Bearer " + TOKEN))
                .onSuccess(ws -> ws.textMessageHandler(text -> {
                    if (text.contains("certificate_update")) {
                        streamed.incrementAndGet();
                    }
                })));
        Async.waitFor(Duration.ofSeconds(20), "the good client to stream", () -> streamed.get() > 5);

        long[] quiet = latencies(hub.port(), 60);

        ExecutorService flood = Executors.newFixedThreadPool(4);
        List<Future<?>> attackers = new ArrayList<>();
        long streamedBefore = streamed.get();
        for (int t = 0; t < 2; t++) {
            attackers.add(flood.submit(() -> {
                long began = System.nanoTime();
                for (int i = 0; i < BAD_TOKEN_UPGRADES / 2; i++) {
                    pace(began, i, 250);
                    assertEquals(401, RawHttp.upgrade(hub.port(), "/full-stream", "Authorization: Bearer guess-" + i).status);
                }
                return null;
            }));
        }
        attackers.add(flood.submit(() -> {
            // One address opening connections in a loop and keeping them: past 20 (one is the good client's) it gets 429.
            List<RawHttp> held = new ArrayList<>();
            int refused = 0;
            long began = System.nanoTime();
            for (int i = 0; i < LOOP_CONNECTIONS; i++) {
                pace(began, i, 100);
                RawHttp answer = RawHttp.upgrade(hub.port(), "/?token=" + TOKEN);
                if (answer.status == 101) {
                    held.add(answer);
                } else {
                    assertEquals(429, answer.status);
                    refused++;
                }
            }
            assertEquals(19, held.size(), "the per-address limit, the good client's connection included");
            assertEquals(LOOP_CONNECTIONS - 19, refused);
            for (RawHttp connection : held) {
                connection.close();
            }
            return null;
        }));
        attackers.add(flood.submit(() -> {
            byte[] huge = ("GET / HTTP/1.1\r\nHost: x\r\nX-Junk: " + "j".repeat(64 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            long began = System.nanoTime();
            for (int i = 0; i < HUGE_HEADS; i++) {
                pace(began, i, 25);
                try (Socket socket = new Socket("127.0.0.1", hub.port())) {
                    socket.setSoTimeout(5000);
                    try {
                        socket.getOutputStream().write(huge);
                        socket.getInputStream().read();
                    } catch (IOException closedEarly) {
                        // The hub may close before reading all of it: also a refusal.
                    }
                }
            }
            return null;
        }));
        Thread.sleep(500); // the flood is under way
        long[] flooded = latencies(hub.port(), 60);
        for (Future<?> attacker : attackers) {
            attacker.get(120, TimeUnit.SECONDS);
        }
        flood.shutdown();
        assertTrue(streamed.get() > streamedBefore, "the good client kept streaming during the flood");

        long quietP50 = percentile(quiet, 50);
        long floodP50 = percentile(flooded, 50);
        long floodP95 = percentile(flooded, 95);
        System.out.printf("FloodTest latency of GET /example.json: quiet p50 %.1f ms p95 %.1f ms; under flood p50 %.1f ms p95 %.1f ms%n",
                quietP50 / 1e6, percentile(quiet, 95) / 1e6, floodP50 / 1e6, floodP95 / 1e6);
        // About 625 refused requests a second, on the two shared cores that also run the log, the test, the
        // attackers (and, on a busy machine, other builds): latency may grow by a small factor, but no request may
        // stall behind the flood. The test prints both measurements.
        assertTrue(floodP50 < 10 * quietP50 + 100_000_000L, "median latency under flood " + floodP50 / 1e6 + " ms, quiet "
                + quietP50 / 1e6 + " ms");
        assertTrue(floodP95 < 1_000_000_000L, "95th percentile under flood " + floodP95 / 1e6 + " ms");

        JsonObject access = hub.metrics().toJson().getJsonObject("access");
        assertEquals(BAD_TOKEN_UPGRADES, access.getJsonObject("refused").getLong("unauthorized"));
        assertEquals(LOOP_CONNECTIONS - 19, access.getJsonObject("refused").getLong("max_connections_per_ip"));
        assertTrue(access.getJsonObject("refused").getLong("bad_request") >= HUGE_HEADS, access.encode());
        Async.waitFor(Duration.ofSeconds(10), () -> "only the good client left counted: " + hub.metrics().toJson().getJsonObject("access"),
                () -> hub.metrics().toJson().getJsonObject("access").getLong("connections") == 1
                        && hub.metrics().toJson().getJsonObject("access").getLong("addresses") == 1);
    }

    /** Sleeps until the {@code i}-th request of a flood of {@code perSecond} is due: bounded, not as fast as possible. */
    private static void pace(long began, int i, int perSecond) throws InterruptedException {
        long due = began + i * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Round-trip times of {@code count} GETs of a JSON resource, each on a new connection. */
    private static long[] latencies(int port, int count) throws IOException {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            RawHttp answer = RawHttp.get(port, "/example.json");
            nanos[i] = System.nanoTime() - started;
            assertEquals(200, answer.status);
        }
        return nanos;
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }
}
