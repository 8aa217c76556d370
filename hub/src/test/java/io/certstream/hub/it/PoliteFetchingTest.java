package io.certstream.hub.it;

import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.FaultPlan.Fault;
import io.certstream.hub.sim.LogListDocument;
import io.certstream.hub.sim.RequestRateLimit;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code watcher.operatorRequestsPerSecond} and {@code watcher.fetchConcurrency} against simulated logs: an operator
 * that throttles two logs together at 10 requests/s is never pushed into 429s by a hub paced below it (but is without
 * pacing), and a log far behind is read with several get-entries in flight, every entry still once and in order.
 */
class PoliteFetchingTest {
    private static final int ENTRIES = 600;
    private Vertx vertx;
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received
                .computeIfAbsent(m.body().source().url(), u -> new CopyOnWriteArrayList<>()).add(m.body().certIndex()));
    }

    @AfterEach
    void stop() throws Exception {
        Async.await(vertx.close());
    }

    /** Two logs of one operator behind one throttle of 10 requests/s; the hub reads both from 0, 20 entries a request. */
    private RequestRateLimit catchUp(double operatorRequestsPerSecond) throws Exception {
        RequestRateLimit operator = new RequestRateLimit(10);
        SimulatedCtLog one = Async.await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults().withSeed(11)
                .withDescription("Throttled One").withInitialSize(ENTRIES / 2).withEntriesPerSecond(0)));
        SimulatedCtLog two = Async.await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults().withSeed(12)
                .withDescription("Throttled Two").withInitialSize(ENTRIES / 2).withEntriesPerSecond(0)));
        one.limitRequests(operator);
        two.limitRequests(operator);
        Path list = Files.createTempFile("operator", ".json");
        Files.writeString(list, LogListDocument.forLogs(List.of(one, two)).encode());
        RunningHub hub = Async.await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", list.toString()))
                .put("watcher", new JsonObject().put("start", 0).put("batchSize", 20).put("fetchConcurrency", 3)
                        .put("operatorRequestsPerSecond", operatorRequestsPerSecond).put("verifyTreeHeads", false))));
        Async.waitFor(Duration.ofSeconds(60), () -> "every entry of both logs; got " + received.values().stream()
                .mapToInt(List::size).sum() + ", throttle refused " + operator.refused(), () -> received.size() == 2
                && received.values().stream().allMatch(l -> l.size() >= ENTRIES / 2));
        for (SimulatedCtLog log : List.of(one, two)) {
            assertEquals(LongStream.range(0, ENTRIES / 2).boxed().toList(), received.get(log.url()), "every entry once, in order");
            LogMetrics metrics = hub.metrics().logs().get(log.url());
            assertEquals(operator.refused() == 0 ? 0 : metrics.errors(io.certstream.hub.metrics.FaultKind.HTTP_429), metrics.errors(io.certstream.hub.metrics.FaultKind.HTTP_429));
        }
        return operator;
    }

    @Test
    void pacedBelowTheOperatorsRateTheHubGetsNo429() throws Exception {
        RequestRateLimit operator = catchUp(8);
        assertEquals(0, operator.refused(), "requests answered 429 although paced at 8/s for an operator allowing 10/s");
        assertTrue(operator.allowed() >= ENTRIES / 20, "all batches went through the operator: " + operator.allowed());
    }

    @Test
    void unpacedTheSameCatchUpIsThrottled() throws Exception {
        RequestRateLimit operator = catchUp(0);
        assertTrue(operator.refused() > 0, "without pacing the simulated operator answered no 429: the test proves nothing");
    }

    @Test
    void aLogFarBehindIsReadWithSeveralRequestsInFlightInOrder() throws Exception {
        SimulatedCtLog log = Async.await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0)));
        // Every request takes 300 ms, as a slow real log's do: requests overlap only if the watcher sends several.
        log.injectFaults(new FaultPlan(1.0, java.util.EnumSet.of(Fault.SLOW), 300, 1));
        Async.await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                .put("watcher", new JsonObject().put("batchSize", 20).put("fetchConcurrency", 4)
                        .put("operatorRequestsPerSecond", 0))));
        Async.waitFor(Duration.ofSeconds(60), () -> "every entry; got " + received.getOrDefault(log.url(), List.of()).size(),
                () -> received.getOrDefault(log.url(), List.of()).size() >= ENTRIES);
        assertEquals(LongStream.range(0, ENTRIES).boxed().toList(), received.get(log.url()), "every entry once, in order");
        assertEquals(4, log.maxEntriesRequestsInFlight(), "watcher.fetchConcurrency requests in flight");
    }
}
