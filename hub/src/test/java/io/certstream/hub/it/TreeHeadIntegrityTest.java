package io.certstream.hub.it;

import io.certstream.hub.ct.IntegrityAlarm;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.CtData;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub audits tree heads as it streams: signatures with the log's key, consistency between successive heads.
 * Real Icarus STHs and their real proof pass; a tampered proof or the wrong key raises an integrity event on
 * {@code certstream.integrity}, a metric and a log line. A head whose signature fails is not taken: no entry is read
 * up to it, on RFC 6962 and tiled logs alike.
 */
class TreeHeadIntegrityTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ICARUS_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETtK8v7MICve56qTHHDhhBOuV4IlUaESxZryCfk9QbG9co/CqPvTsgPDbCpp6oFtyAHwlDhnvr7JijXRD9Cb2FA==";
    private static final String PILOT_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfahLEimAoz2t01p3uMziiLOl/fHTDM0YDOhBRuiBARsV4UvxG2LdNgoIGLrtCzWE0J5APC2em4JlvR8EEEFMoA==";
    private Vertx vertx;
    private final AtomicInteger entryRequests = new AtomicInteger();
    private final AtomicInteger consistencyRequests = new AtomicInteger();
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().<JsonObject>consumer(BusAddresses.INTEGRITY, m -> events.add(m.body()));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void simulatedLogHeadsAreSignedAndConsistentAsItGrows() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(10).withEntriesPerSecond(0)));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))));
        LogMetrics metrics = hub.awaitWatcher(log.url(), WAIT);
        for (int i = 0; i < 3; i++) {
            long before = metrics.checks("consistency_verified");
            await(log.append(5));
            Async.waitFor(WAIT, "a consistency proof verified after growth", () -> metrics.checks("consistency_verified") > before);
        }
        assertTrue(metrics.checks("signatures_verified") >= 4, metrics.toJson().encode());
        assertEquals(List.of(), events, "no integrity event for an honest log");
        assertTrue(metrics.errorCounts().keySet().stream().noneMatch(k -> k.startsWith("integrity")), metrics.toJson().encode());
    }

    @Test
    void realIcarusHeadsPassWithTheirRealProof() throws Exception {
        LogMetrics metrics = runAgainstIcarus(ICARUS_KEY, false);
        Async.waitFor(WAIT, "the real Icarus proof verified", () -> metrics.checks("consistency_verified") >= 1);
        assertTrue(metrics.checks("signatures_verified") >= 2);
        Thread.sleep(500);
        assertEquals(List.of(), events);
    }

    @Test
    void tamperedConsistencyProofRaisesAnIntegrityEvent() throws Exception {
        LogMetrics metrics = runAgainstIcarus(ICARUS_KEY, true);
        Async.waitFor(WAIT, "an integrity event", () -> !events.isEmpty());
        JsonObject event = events.get(0);
        assertEquals("sth_consistency", event.getString("type"), event.encode());
        assertEquals(129721434L, event.getLong("tree_size"));
        assertEquals(129596132L, event.getLong("previous_tree_size"));
        assertEquals(1, metrics.errors(FaultKind.INTEGRITY_CONSISTENCY));
        assertEquals(0, metrics.checks("consistency_verified"));
    }

    @Test
    void aHeadWhoseSignatureFailsRaisesAnIntegrityEventAndNoEntryIsStreamedUpToIt() throws Exception {
        LogMetrics metrics = runAgainstIcarus(PILOT_KEY, false);
        // Both heads, the older and then the newer one, are rejected: a bad head is retried, never taken.
        Async.waitFor(WAIT, "an integrity event for each of the two heads", () -> events.size() >= 2);
        assertEquals(List.of("sth_signature", "sth_signature"), events.stream().map(e -> e.getString("type")).toList());
        assertEquals(List.of(129596132L, 129721434L), events.stream().map(e -> e.getLong("tree_size")).toList());
        assertTrue(events.get(0).getString("message").contains("signature"), events.get(0).encode());
        Async.waitFor(WAIT, "the rejected head retried", () -> metrics.errors(FaultKind.BAD_SIGNATURE) >= 3);
        assertEquals(2, metrics.errors(FaultKind.INTEGRITY_SIGNATURE), "each bad head raised once, however often it is served: "
                + metrics.toJson().encode());
        assertEquals(0, metrics.checks("signatures_verified"));
        assertEquals(-1, metrics.treeSize(), "no head was taken");
        assertEquals(0, entryRequests.get(), "no entry was asked for on the strength of an unsigned head");
        assertEquals(0, consistencyRequests.get(), "an unsigned head is not the base of a consistency check");
    }

    @Test
    void withTheRightKeyTheNewerHeadIsTakenAndItsEntriesAskedFor() throws Exception {
        // The counterpart of the test above: the same replay with the log's own key does read entries.
        LogMetrics metrics = runAgainstIcarus(ICARUS_KEY, false);
        Async.waitFor(WAIT, "a get-entries request once the newer head is taken", () -> entryRequests.get() > 0);
        assertEquals(129721434L, metrics.treeSize());
        assertEquals(0, metrics.errors(FaultKind.BAD_SIGNATURE));
    }

    @Test
    void aTiledCheckpointSignedWithAnotherKeyRaisesTheSameIntegrityEventOnce() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(300).withEntriesPerSecond(0)));
        List<Long> received = new CopyOnWriteArrayList<>();
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received.add(m.body().certIndex()));
        try (LogCapture output = LogCapture.of(IntegrityAlarm.class)) {
            RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.tiledUrl()).put("kind", "tiled")
                            .put("name", "tiled sim").put("key", PILOT_KEY).put("start", 0)))));
            LogMetrics metrics = hub.awaitWatcher(log.tiledUrl(), WAIT);
            Async.waitFor(WAIT, "an integrity event", () -> !events.isEmpty());
            Async.waitFor(WAIT, "the forged checkpoint retried", () -> metrics.errors(FaultKind.BAD_SIGNATURE) >= 3);
            JsonObject event = events.get(0);
            assertEquals("sth_signature", event.getString("type"), event.encode());
            assertEquals(log.tiledUrl(), event.getJsonObject("log").getString("url"));
            assertEquals("tiled", event.getJsonObject("log").getString("kind"));
            assertEquals(300L, event.getLong("tree_size"));
            assertEquals(Base64.getEncoder().encodeToString(log.rootHash(300)), event.getString("root_hash"));
            assertTrue(event.getString("message").contains(log.tiledUrl() + "/checkpoint"), event.encode());
            assertEquals(1, events.size(), "raised once, not once per poll: " + events);
            assertEquals(1, metrics.errors(FaultKind.INTEGRITY_SIGNATURE));
            List<String> severe = output.matching("SEVERE", log.tiledUrl(), "INTEGRITY FAILURE (sth_signature)");
            assertEquals(1, severe.size(), output.lines().toString());
            assertEquals(List.of(), received, "no entry of an unverified checkpoint");
            assertEquals(-1, metrics.treeSize());
        }
    }

    /**
     * Serves the two real Icarus STHs (the older one until the hub has read it) and their real consistency proof,
     * optionally with one bit flipped, from a local HTTP server; the hub watches it with {@code key}.
     */
    private LogMetrics runAgainstIcarus(String key, boolean tamper) throws Exception {
        JsonObject older = CtData.json("rfc6962/icarus2017/get-sth_129596132.json");
        JsonObject newer = CtData.json("rfc6962/icarus2017/get-sth_129721434.json");
        JsonObject proof = CtData.json("rfc6962/icarus2017/get-sth-consistency_first129596132_second129721434.json");
        if (tamper) {
            JsonArray hashes = proof.getJsonArray("consistency");
            String first = hashes.getString(3);
            hashes.set(3, (first.charAt(0) == 'A' ? "B" : "A") + first.substring(1));
        }
        AtomicBoolean grown = new AtomicBoolean();
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
            switch (req.path().replace("/icarus", "")) {
                case "/ct/v1/get-sth" -> {
                    JsonObject sth = grown.get() ? newer : older;
                    grown.set(true);
                    req.response().putHeader("content-type", "application/json").end(sth.encode());
                }
                case "/ct/v1/get-sth-consistency" -> {
                    consistencyRequests.incrementAndGet();
                    boolean right = "129596132".equals(req.getParam("first")) && "129721434".equals(req.getParam("second"));
                    req.response().setStatusCode(right ? 200 : 400).end(right ? proof.encode() : "{}");
                }
                case "/ct/v1/get-entries" -> {
                    entryRequests.incrementAndGet();
                    req.response().setStatusCode(503).end(); // entries are not what this test is about
                }
                default -> req.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1"));
        String url = "http://127.0.0.1:" + server.actualPort() + "/icarus";
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", url).put("name", "Icarus (replayed)")
                        .put("key", key).put("start", "head")))));
        return hub.awaitWatcher(url, WAIT);
    }
}
