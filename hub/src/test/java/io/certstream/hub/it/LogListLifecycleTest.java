package io.certstream.hub.it;

import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.sim.LogListDocument;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static io.certstream.hub.testing.Async.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.certstream.hub.ct.PositionStore;
import java.io.IOException;

/**
 * The hub follows its log list as the list changes: a log list file (given as a plain path) rewritten by the test,
 * re-read on demand instead of every {@code logList.refreshMinutes}. New logs start streaming, departed logs stop and
 * leave /stats, /metrics and /health, and a log turned read-only streams exactly up to its final tree size.
 */
class LogListLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int INITIAL = 5;

    @TempDir
    Path dir;

    private Vertx vertx;
    private SimulatedCtLog first;
    private SimulatedCtLog second;
    private Path listFile;
    private RunningHub hub;
    private WebClient http;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        first = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults().withDescription("First simulated log")
                .withInitialSize(INITIAL).withEntriesPerSecond(0).withSeed(1)));
        second = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults().withDescription("Second simulated log")
                .withInitialSize(INITIAL).withEntriesPerSecond(0).withSeed(2)));
        listFile = dir.resolve("log_list.json");
        writeList(LogListDocument.forLogs(List.of(first)));
        hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", listFile.toString()))
                .put("watcher", new JsonObject().put("start", "head"))));
        http = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void watchersFollowTheLogListAsItChanges() throws Exception {
        awaitAtIndex(first, INITIAL);
        StreamRecorder lite = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        await(first.append(3));
        waitFor(WAIT, "3 certificates of the first log", () -> indices(lite, first).size() == 3);

        // A new log in the list: its watcher starts (at the head) and streams.
        writeList(LogListDocument.forLogs(List.of(first, second)));
        await(hub.refreshLogList());
        awaitAtIndex(second, INITIAL);
        await(second.append(2));
        waitFor(WAIT, "2 certificates of the second log", () -> indices(lite, second).size() == 2);
        assertEquals(List.of(5L, 6L), indices(lite, second));

        // A log leaves the list: its watcher stops, and it is gone from /stats, /metrics and /health.
        writeList(LogListDocument.forLogs(List.of(second)));
        await(hub.refreshLogList());
        assertFalse(hub.metrics().logs().containsKey(first.url()), "no metrics left for the departed log");
        JsonObject stats = await(http.get(hub.port(), "127.0.0.1", "/stats").send()).bodyAsJsonObject();
        assertEquals(1, stats.getInteger("logs_watched"), stats.encodePrettily());
        assertEquals(second.url(), stats.getJsonArray("logs").getJsonObject(0).getString("url"));
        String prometheus = await(http.get(hub.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
        assertFalse(prometheus.contains(first.url()), "/metrics still names the departed log");
        assertTrue(prometheus.contains(second.url()), "/metrics names the watched log");
        JsonObject health = await(http.get(hub.port(), "127.0.0.1", "/health").send()).bodyAsJsonObject();
        assertEquals(1, health.getInteger("logs_watched"), health.encodePrettily());
        await(first.append(3));

        // The second log turns read-only at tree size 10 while it stands at 7: its watcher restarts from 7, streams
        // 7..9 and nothing past 10 even as the simulated log keeps growing.
        JsonObject list = LogListDocument.forLogs(List.of(second));
        list.getJsonArray("operators").getJsonObject(0).getJsonArray("logs").getJsonObject(0)
                .put("state", new JsonObject().put("readonly", new JsonObject()
                        .put("timestamp", "2026-01-01T00:00:00Z")
                        .put("final_tree_head", new JsonObject()
                                // The simulated tree of 10 does not exist yet, so no root hash to check here
                                // (FinalTreeHeadTest checks it).
                                .put("tree_size", 10))));
        await(second.append(1)); // 8 entries: the readonly watcher catches up from 7 to the head, then to 10
        writeList(list);
        await(hub.refreshLogList());
        await(second.append(6)); // 14 entries
        waitFor(WAIT, () -> "the second log up to index 9, got " + indices(lite, second),
                () -> indices(lite, second).size() >= 5);
        LogMetrics secondMetrics = hub.metrics().logs().get(second.url());
        waitFor(WAIT, "the read-only log to be complete", secondMetrics::isComplete);
        await(second.append(2));
        Thread.sleep(3000); // three poll intervals (watcher.pollSeconds=1 in tests): time to stream what it must not
        assertEquals(LongStream.range(5, 10).boxed().toList(), indices(lite, second), "exactly up to the final tree size");
        assertEquals(10, secondMetrics.nextIndex());
        assertEquals(List.of(5L, 6L, 7L), indices(lite, first), "nothing from the departed log after it left");
        health = await(http.get(hub.port(), "127.0.0.1", "/health").send()).bodyAsJsonObject();
        assertEquals("ok", health.getString("status"), "a finished read-only log is not stalled: " + health.encodePrettily());
    }

    @Test
    void aDepartedLogsPositionIsReportedOnceKeptAndForgottenAfterItsAge() throws Exception {
        awaitAtIndex(first, INITIAL);
        Path positions = Path.of(hub.config().stateDir(), "positions.json");
        try (LogCapture output = LogCapture.of(PositionStore.class)) {
            writeList(LogListDocument.forLogs(List.of(second)));
            await(hub.refreshLogList());
            await(hub.refreshLogList());
            assertEquals(1, output.matching("Keeping the saved positions of 1 logs", first.url()).size(),
                    "reported once, kept for watcher.forgetPositionsAfterDays (30): " + output.lines());
        }
        waitFor(WAIT, "the departed log's position is still saved", () -> text(positions).contains(first.url())
                && text(positions).contains(second.url()));
        await(hub.stop());

        // With watcher.forgetPositionsAfterDays 0, the next hub on the same state forgets it at once, in the file too.
        try (LogCapture output = LogCapture.of(PositionStore.class)) {
            hub = await(RunningHub.start(vertx, new JsonObject()
                    .put("logList", new JsonObject().put("enabled", true).put("url", listFile.toString()))
                    .put("stateDir", hub.config().stateDir())
                    .put("watcher", new JsonObject().put("positionSaveSeconds", 1).put("forgetPositionsAfterDays", 0))));
            waitFor(WAIT, "the forgotten position is still in " + positions, () -> !text(positions).isEmpty() && !text(positions).contains(first.url()));
            assertEquals(1, output.matching("Forgot the saved positions of 1 logs", first.url()).size(), output.lines().toString());
            assertTrue(Files.readString(positions).contains(second.url()), "the watched log's position stays");
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private void writeList(JsonObject list) throws Exception {
        // Written aside and moved in, as a deploy tool would: the hub never reads half a file.
        Path temp = dir.resolve("log_list.json.tmp");
        Files.writeString(temp, list.encodePrettily());
        Files.move(temp, listFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitAtIndex(SimulatedCtLog log, long index) throws InterruptedException {
        waitFor(WAIT, () -> "the watcher of " + log.url() + " at index " + index + "; metrics " + hub.metrics().toJson(),
                () -> hub.metrics().logs().containsKey(log.url()) && hub.metrics().logs().get(log.url()).nextIndex() == index);
    }

    private static List<Long> indices(StreamRecorder recorder, SimulatedCtLog log) {
        return recorder.messages("certificate_update").stream()
                .map(m -> m.getJsonObject("data"))
                .filter(d -> log.url().equals(d.getJsonObject("source").getString("url")))
                .map(d -> d.getLong("cert_index"))
                .toList();
    }
}
