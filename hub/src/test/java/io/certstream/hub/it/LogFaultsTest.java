package io.certstream.hub.it;

import io.certstream.hub.ct.rfc6962.Rfc6962Watcher;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.FaultPlan.Fault;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.Async;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub against a log that answers 429, 500, resets, slow replies, garbage and truncated JSON: every entry still
 * arrives exactly once and in order once the faults stop, the metrics count each kind, and the log output names
 * the log and index of a fault without repeating itself.
 */
class LogFaultsTest {
    private static final int ENTRIES = 400;
    private Vertx vertx;
    private final List<Long> received = new CopyOnWriteArrayList<>();
    private LogCapture output;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received.add(m.body().certIndex()));
        output = LogCapture.of(Rfc6962Watcher.class);
    }

    @AfterEach
    void stop() throws Exception {
        output.close();
        await(vertx.close());
    }

    @Test
    void everyEntryArrivesOnceFaultsStopAndFaultsAreCountedByKind() throws Exception {
        long started = System.nanoTime();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0).withBatchCap(8)));
        log.injectFaults(FaultPlan.all(0.6).withSlowMillis(1500));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                // Small batches: many requests per entry, so the faults hit mid-stream, long before the last entry.
                .put("watcher", new JsonObject().put("batchSize", 8).put("requestTimeoutSeconds", 1)
                        .put("maxBackoffSeconds", 1))));
        LogMetrics metrics = hub.awaitWatcher(log.url(), Duration.ofSeconds(20));

        Map<FaultKind, String> countedAs = Map.of(FaultKind.HTTP_429, "429", FaultKind.HTTP_5XX, "500",
                FaultKind.CONNECTION, "reset", FaultKind.TIMEOUT, "slow reply",
                FaultKind.BAD_RESPONSE, "garbage or truncated JSON");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!countedAs.keySet().stream().allMatch(kind -> metrics.errors(kind) > 0)) {
            assertTrue(System.nanoTime() < deadline, "not every fault kind was counted: " + metrics.toJson().getJsonObject("errors")
                    + ", injected " + log.injectedFaults());
            Thread.sleep(50);
        }
        assertTrue(received.size() < ENTRIES, "faults were still on while entries were read: " + received.size());
        Map<Fault, Long> injected = log.injectedFaults();
        log.stopFaults();

        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (received.size() < ENTRIES) {
            assertTrue(System.nanoTime() < deadline, "only " + received.size() + " of " + ENTRIES + " arrived after the faults stopped");
            Thread.sleep(50);
        }
        Thread.sleep(500); // room for a duplicate to show up
        assertEquals(LongStream.range(0, ENTRIES).boxed().toList(), received, "every entry exactly once, in order");
        assertEquals(0, metrics.lag());

        for (Fault fault : Fault.values()) {
            assertTrue(injected.get(fault) > 0, "the log injected " + fault + ": " + injected);
        }
        long injectedTotal = injected.values().stream().mapToLong(Long::longValue).sum();
        long minutes = (System.nanoTime() - started) / 60_000_000_000L + 1;
        assertTrue(warnings().size() <= (countedAs.size() + 1) * minutes, "at most one line per kind of fault a minute, got "
                + warnings().size() + " for " + injectedTotal + " faults: " + warnings());
        for (FaultKind fault : countedAs.keySet()) {
            String kind = fault.label(); // the log line ends with the label, as before the enum
            assertTrue(warnings().stream().anyMatch(line -> line.endsWith("[" + kind + "]") || line.contains("[" + kind + "] (")),
                    "the first " + kind + " fault was logged: " + warnings());
        }
        for (String line : warnings()) {
            assertTrue(line.contains(log.url()) && line.contains("index"), "names the log URL and index: " + line);
        }
    }

    @Test
    void retryAfterLongerThanTheMaximumBackoffIsHonoured() throws Exception {
        // A log that answers every request with 429 and Retry-After: 3; the hub may back off at most 1 s on its own.
        List<Long> requestMillis = new CopyOnWriteArrayList<>();
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
            requestMillis.add(System.nanoTime() / 1_000_000);
            req.response().setStatusCode(429).putHeader("Retry-After", "3").end("slow down");
        }).listen(0, "127.0.0.1"));
        String url = "http://127.0.0.1:" + server.actualPort();
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", url).put("start", 0)))
                .put("watcher", new JsonObject().put("maxBackoffSeconds", 1))));
        Async.waitFor(Duration.ofSeconds(30), "three requests", () -> requestMillis.size() >= 3);
        for (int i = 1; i < requestMillis.size(); i++) {
            long gap = requestMillis.get(i) - requestMillis.get(i - 1);
            // (3 s by the server's clock; a little slack for timer granularity, none for the 1 s backoff.)
            assertTrue(gap >= 2900, "request " + (i + 1) + " came " + gap + " ms after the one before; Retry-After said 3 s: "
                    + requestMillis);
        }
        assertTrue(hub.awaitWatcher(url, Duration.ofSeconds(20)).errors(FaultKind.HTTP_429) >= 2);
    }

    /** What the watchers logged at WARNING or above, messages only. */
    private List<String> warnings() {
        return output.messages(Level.WARNING);
    }
}
