package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.certstream.hub.it.StreamFiltersTest.updates;
import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume from the replay segments on disk ({@code <stateDir>/replay}) with a real hub: a cursor older than the
 * memory tail, and a cursor from before a crash.
 */
class DiskReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Vertx vertx;
    private SimulatedCtLog log;
    private RunningHub hub;
    private io.vertx.core.http.HttpClient http;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(256).withSeed(5)));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    private JsonObject config(String stateDir) {
        return new JsonObject().put("stateDir", stateDir)
                // The smallest memory tail (1 MB): most of what is replayed comes from disk.
                .put("server", new JsonObject().put("replayMaxMegabytes", 1))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)));
    }

    private JsonObject replayStats() throws Exception {
        return new JsonObject(get("/stats")).getJsonObject("replay");
    }

    /** One client for the whole test: a new one per poll would hold a connection each (server.maxConnectionsPerIp). */
    private String get(String path) throws Exception {
        if (http == null) {
            http = vertx.createHttpClient();
        }
        return await(http.request(io.vertx.core.http.HttpMethod.GET, hub.port(), "127.0.0.1", path)
                .compose(r -> r.send()).compose(r -> r.statusCode() == 200 ? r.body()
                        : io.vertx.core.Future.failedFuture(path + ": HTTP " + r.statusCode()))).toString();
    }

    private long diskMessages() {
        try {
            return replayStats().getLong("disk_messages");
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aCursorOlderThanTheMemoryTailIsReplayedFromDiskInOrderThenLive() throws Exception {
        hub = await(RunningHub.start(vertx, config(Files.createTempDirectory("certstream-state").toString())));
        StreamRecorder first = connect("/domains-only");
        await(log.append(1500));
        first.await(m -> updates(m) >= 1500, WAIT);
        String third = first.messages("dns_entries").get(2).getString("cursor");
        Async.waitFor(WAIT, "all 1500 on disk", () -> diskMessages() >= 1500);
        JsonObject stats = replayStats();
        assertTrue(stats.getLong("memory_messages") < 1000, "the memory tail holds the newest only: " + stats);
        assertTrue(stats.getLong("memory_bytes") <= 1 << 20, stats.encode());
        assertTrue(stats.getLong("disk_bytes") > 1 << 20, stats.encode());
        assertEquals(0, stats.getLong("disk_dropped"));
        String metrics = get("/metrics");
        assertTrue(metrics.contains("certstream_replay_disk_messages 1500"), "in /metrics too");

        StreamRecorder resumed = connect("/?since=" + third);
        StreamRecorder resumedSmall = connect("/domains-only?since=" + third);
        resumed.await(m -> updates(m) >= 1497, WAIT);
        resumedSmall.await(m -> updates(m) >= 1497, WAIT);
        await(log.append(3));
        resumed.await(m -> updates(m) >= 1500, WAIT);
        assertEquals(LongStream.range(3, 1503).boxed().toList(), indexes(resumed, "certificate_update"),
                "from disk (the disk pages are read on a worker: a read on an event loop is refused), then memory,"
                        + " then live, each once");
        assertEquals(0, resumed.messages("gap").size());
        assertEquals(cursors(first).subList(3, 1500), cursors(resumedSmall).subList(0, 1497),
                "the domains-only stream from disk, in the order it went live");
        assertEquals(first.messages("dns_entries").get(999).encode(),
                resumedSmall.messages("dns_entries").get(996).encode(), "the same bytes as live");
    }

    @Test
    void afterACrashACursorFromBeforeItGetsAGapNoticeWhereMessagesWereLostNotAHole() throws Exception {
        Path running = Files.createTempDirectory("certstream-state");
        hub = await(RunningHub.start(vertx, config(running.toString())));
        StreamRecorder before = connect("/");
        await(log.append(30));
        before.await(m -> updates(m) >= 30, WAIT);
        String fifth = before.messages("certificate_update").get(4).getString("cursor");
        Async.waitFor(WAIT, "all 30 on disk", () -> diskMessages() >= 30);
        // kill -9: the state folder as it is now, the hub never stopping; then the newest message cut mid-write.
        Path crashed = Files.createTempDirectory("certstream-crashed");
        copy(running, crashed);
        Path segment;
        try (Stream<Path> files = Files.list(crashed.resolve("replay"))) {
            segment = files.filter(f -> f.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (var ch = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10);
        }
        await(hub.stop());

        hub = await(RunningHub.start(vertx, config(crashed.toString())));
        await(log.append(5));
        Async.waitFor(WAIT, "the restarted hub publishes", () -> hub.metrics().published() >= 5);
        StreamRecorder after = connect("/?since=" + fifth);
        after.await(m -> m.stream().anyMatch(j -> "gap".equals(j.getString("message_type")))
                && updates(m) >= 24 + hub.metrics().published(), WAIT);
        List<JsonObject> all = after.messages();
        int gapAt = -1;
        for (int i = 0; i < all.size(); i++) {
            if ("gap".equals(all.get(i).getString("message_type"))) {
                gapAt = i;
            }
        }
        assertEquals(24, gapAt, "5..28 from the crashed run's segments (29 was cut), then the gap: " + all);
        JsonObject gap = all.get(gapAt);
        assertEquals(all.get(gapAt - 1).getString("cursor"), gap.getString("since"));
        assertEquals(all.get(gapAt + 1).getString("cursor"), gap.getString("oldest"));
        assertEquals(LongStream.range(5, 29).boxed().toList(), indexes(after, "certificate_update").subList(0, 24));
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static List<Long> indexes(StreamRecorder r, String type) {
        List<Long> out = new ArrayList<>();
        for (JsonObject m : r.messages(type)) {
            out.add(m.getJsonObject("data").getLong("cert_index"));
        }
        return out;
    }

    private static List<String> cursors(StreamRecorder r) {
        return r.messages("dns_entries").stream().map(m -> m.getString("cursor")).toList();
    }

    private StreamRecorder connect(String path) throws Exception {
        return await(StreamRecorder.connect(vertx, hub.port(), path));
    }
}
