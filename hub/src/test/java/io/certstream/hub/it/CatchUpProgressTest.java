package io.certstream.hub.it;

import io.certstream.hub.ct.rfc6962.Rfc6962Watcher;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator reads in the output while a log is behind: a progress line with the backlog, rate and ETA, and,
 * when {@code watcher.maxBacklog} skips entries on purpose, one warning that names the log and how many were skipped.
 */
class CatchUpProgressTest {
    private static final Pattern PROGRESS = Pattern.compile(
            "catching up, (\\d+) entries behind \\(index (\\d+) of (\\d+)\\), (\\d+) entries/s, ETA (\\d+) (s|min|h)");

    private Vertx vertx;
    private final List<Long> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received.add(m.body().certIndex()));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void aLogThatIsBehindLogsItsBacklogRateAndEta() throws Exception {
        int size = 3000;
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(size).withEntriesPerSecond(0).withBatchCap(16)));
        // Every answer 150 ms late: a catch-up of some 10 s whatever the machine, long enough to be reported.
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SLOW, 1.0).withSlowMillis(150));
        try (LogCapture output = LogCapture.of(Rfc6962Watcher.class)) {
            RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("name", "slow sim").put("start", 0)))
                    .put("watcher", new JsonObject().put("batchSize", 16).put("progressSeconds", 1))));
            waitFor(Duration.ofSeconds(30), () -> "no progress line with an ETA while behind: " + output.lines(),
                    () -> output.lines().stream().anyMatch(line -> line.contains("slow sim") && PROGRESS.matcher(line).find()));
            String line = output.lines().stream().filter(l -> PROGRESS.matcher(l).find()).findFirst().orElseThrow();
            Matcher m = PROGRESS.matcher(line);
            assertTrue(m.find());
            long behind = Long.parseLong(m.group(1));
            long index = Long.parseLong(m.group(2));
            assertEquals(size, Long.parseLong(m.group(3)), "the tree size: " + line);
            assertEquals(size, behind + index, "backlog = tree size - index: " + line);
            assertTrue(behind > 16, "more than a batch behind: " + line);
            assertTrue(Long.parseLong(m.group(4)) > 0, "a measured rate: " + line);
            assertTrue(line.startsWith("INFO"), line);
            LogMetrics metrics = hub.metrics().logs().get(log.url());
            assertTrue(metrics.lag() > 0, "still behind: the line came during the catch-up, not after it");

            log.stopFaults();
            waitFor(Duration.ofSeconds(60), "the catch-up to end", () -> received.size() == size);
            assertEquals(LongStream.range(0, size).boxed().toList(), received);
            int lines = output.matching("catching up").size();
            Thread.sleep(2500);
            assertEquals(lines, output.matching("catching up").size(), "no progress line once caught up: " + output.lines());
        }
    }

    @Test
    void theBacklogCapSaysWhichLogItSkippedAndHowManyEntries() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(500).withEntriesPerSecond(0)));
        try (LogCapture output = LogCapture.of(Rfc6962Watcher.class)) {
            RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("name", "capped sim").put("start", 0)))
                    .put("watcher", new JsonObject().put("maxBacklog", 100))));
            waitFor(Duration.ofSeconds(30), "the 100 newest entries", () -> received.size() >= 100);
            Thread.sleep(300);
            assertEquals(LongStream.range(400, 500).boxed().toList(), received, "only the newest 100, in order");
            assertEquals(400, hub.metrics().logs().get(log.url()).skipped());

            List<String> skipping = output.matching("SKIPPING");
            assertEquals(1, skipping.size(), output.lines().toString());
            String line = skipping.get(0);
            assertTrue(line.startsWith("WARNING"), line);
            assertTrue(line.contains("capped sim") && line.contains(log.url()), "names the log: " + line);
            assertTrue(line.contains("entries 0 to 399 (400 entries)"), "says what and how many were skipped: " + line);
            assertTrue(line.contains("watcher.maxBacklog=100") && line.contains("continuing at index 400"), line);
        }
    }
}
