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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static io.certstream.hub.it.StreamFiltersTest.updates;
import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume by cursor ({@code since=}, SSE's {@code Last-Event-ID}), the gap notice, dedup across two logs carrying the
 * same certificates, and the SSE endpoint read by {@code curl -N}.
 */
class StreamResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Vertx vertx;
    private SimulatedCtLog log;
    private RunningHub hub;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(64).withSeed(11)));
    }

    private void startHub(SimulatedCtLog... logs) throws Exception {
        JsonArray list = new JsonArray();
        for (SimulatedCtLog l : logs) {
            list.add(new JsonObject().put("url", l.url()).put("start", 0));
        }
        hub = await(RunningHub.start(vertx, new JsonObject().put("logs", list)));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void resumesAfterTheCursorInOrderWithoutDuplicatesThenGoesLive() throws Exception {
        startHub(log);
        StreamRecorder first = connect("/");
        await(log.append(30));
        first.await(m -> updates(m) >= 30, WAIT);
        String tenth = first.messages("certificate_update").get(9).getString("cursor");
        await(first.close());

        await(log.append(20));
        // Everything published while away is in the hub: wait until a live client has all 50.
        StreamRecorder witness = connect("/domains-only");
        await(log.append(0));
        Async.waitFor(WAIT, "hub published 50", () -> hub.metrics().published() >= 50);

        StreamRecorder resumed = connect("/?since=" + tenth);
        StreamRecorder resumedPrecerts = connect("/full-stream?type=precert&since=" + tenth);
        resumed.await(m -> updates(m) >= 40, WAIT);
        await(log.append(5));
        resumed.await(m -> updates(m) >= 45, WAIT);
        assertEquals(LongStream.range(10, 55).boxed().toList(), indexes(resumed),
                "replayed 10..49 after the cursor, then live 50..54, each once");
        List<JsonObject> precerts = resumedPrecerts.await(m -> true, WAIT);
        Async.waitFor(WAIT, "precert replay", () -> indexes(resumedPrecerts).size() > 0
                && indexes(resumedPrecerts).get(indexes(resumedPrecerts).size() - 1) >= lastPrecertBelow(55));
        for (JsonObject m : resumedPrecerts.messages("certificate_update")) {
            assertEquals("PrecertLogEntry", m.getJsonObject("data").getString("update_type"));
            assertTrue(m.getJsonObject("data").getLong("cert_index") >= 10);
        }
        assertEquals(new HashSet<>(indexes(resumedPrecerts)).size(), indexes(resumedPrecerts).size(), "no duplicates");
        assertTrue(precerts.size() > 0);
        await(witness.close());
    }

    @Test
    void resumesAcrossAnOrderlyHubRestartWithinReplayMinutes() throws Exception {
        int port = RunningHub.freePort();
        String stateDir = java.nio.file.Files.createTempDirectory("certstream-state").toString();
        JsonObject config = new JsonObject().put("server", new JsonObject().put("port", port)).put("stateDir", stateDir)
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)));
        hub = await(RunningHub.start(vertx, config));
        StreamRecorder before = connect("/");
        await(log.append(20));
        before.await(m -> updates(m) >= 20, WAIT);
        String fifth = before.messages("certificate_update").get(4).getString("cursor");
        await(hub.stop());

        hub = await(RunningHub.start(vertx, config));
        await(log.append(10));
        Async.waitFor(WAIT, "the restarted hub published the 10 new entries", () -> hub.metrics().published() >= 10);
        StreamRecorder after = connect("/?since=" + fifth);
        after.await(m -> updates(m) >= 25, WAIT);
        assertEquals(LongStream.range(5, 30).boxed().toList(), indexes(after),
                "15 saved at the stop and replayed from the state folder, then 10 published after the restart");
        assertEquals(0, after.messages("gap").size());
        String newest = after.messages("certificate_update").get(24).getString("cursor");
        assertTrue(newest.compareTo(fifth) > 0, "cursors keep increasing across the restart");
    }

    @Test
    void aCursorOlderThanTheBufferGetsAGapNoticeThenTheOldestKept() throws Exception {
        startHub(log);
        await(log.append(10));
        Async.waitFor(WAIT, "hub published 10", () -> hub.metrics().published() >= 10);
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        String old = String.format("%016x-00000000-5", hourAgo << 16);
        StreamRecorder resumed = connect("/?since=" + old);
        resumed.await(m -> updates(m) >= 10, WAIT);
        JsonObject gap = resumed.messages().get(0);
        assertEquals("gap", gap.getString("message_type"), gap.encode());
        assertEquals(old, gap.getString("since"));
        assertEquals(resumed.messages("certificate_update").get(0).getString("cursor"), gap.getString("oldest"));
        assertTrue(gap.getDouble("missing_seconds") > 3500 && gap.getDouble("missing_seconds") < 3700, gap.encode());
        assertEquals(LongStream.range(0, 10).boxed().toList(), indexes(resumed));
    }

    @Test
    void dedupSendsEachCertificateOnceAcrossTwoLogsCarryingTheSameCertificates() throws Exception {
        SimulatedCtLog mirror = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withSeed(99).withDescription("Mirror log")));
        await(log.append(40));
        // The mirror logs 30 of the same certificates (and 5 of its own), in a different order of arrival.
        await(mirror.appendCopiesOf(log, 5, 35));
        await(mirror.append(5));
        startHub(log, mirror);
        // The hub may publish before the clients connect: they resume from before its start (gap notice, then all).
        String beforeStart = String.format("%016x-00000000-0", (System.currentTimeMillis() - 60_000) << 16);
        StreamRecorder all = connect("/domains-only?since=" + beforeStart);
        StreamRecorder dedup = connect("/?dedup=true&since=" + beforeStart);
        all.await(m -> updates(m) >= 75, WAIT);
        dedup.await(m -> updates(m) >= 45, WAIT);
        Thread.sleep(500);
        List<String> hashes = new ArrayList<>();
        for (JsonObject m : dedup.messages("certificate_update")) {
            hashes.add(m.getJsonObject("data").getJsonObject("leaf_cert").getString("sha256"));
        }
        assertEquals(45, hashes.size(), "40 + 5 distinct certificates, the 30 copies dropped");
        assertEquals(45, new HashSet<>(hashes).size());
        assertEquals(75, updates(all.messages()), "without dedup=true every log's entry comes");
    }

    @Test
    void sseStreamsEventsWithCursorIdsAndResumesFromLastEventId() throws Exception {
        startHub(log);
        await(log.append(20));
        Async.waitFor(WAIT, "hub published 20", () -> hub.metrics().published() >= 20);
        String base = "http://127.0.0.1:" + hub.port() + "/sse?stream=domains-only&since=";
        // since= older than anything: the whole buffer, as events.
        Curl all = Curl.start(base + String.format("%016x-00000000-0", (System.currentTimeMillis() - 1000) << 16));
        all.awaitEvents(20);
        List<String[]> events = all.events();
        assertEquals("dns_entries", new JsonObject(events.get(0)[1]).getString("message_type"));
        for (String[] e : events) {
            assertEquals(e[0], new JsonObject(e[1]).getString("cursor"), "id: is the cursor");
        }
        assertTrue(all.raw().startsWith("retry: "), all.raw());
        all.stop();

        // Last-Event-ID wins over since=, as when EventSource reconnects to the same URL.
        Curl resumed = Curl.start(base + events.get(0)[0], "Last-Event-ID: " + events.get(14)[0]);
        resumed.awaitEvents(5);
        await(log.append(3));
        resumed.awaitEvents(8);
        assertEquals(8, resumed.events().size());
        assertEquals(events.get(15)[0], resumed.events().get(0)[0]);
        resumed.stop();

        Curl bad = Curl.start("http://127.0.0.1:" + hub.port() + "/sse?stream=lite&type=bogus", "X-Show: status");
        bad.awaitExit();
        assertTrue(bad.raw().contains("400") && bad.raw().contains("type: unknown type \"bogus\""), bad.raw());
    }

    /** {@code curl -N} reading the SSE stream: events as (id, data) pairs. */
    private static final class Curl {
        final Process process;
        final StringBuilder raw = new StringBuilder();
        final List<String[]> events = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private Curl(Process process) {
            this.process = process;
            reader = new Thread(this::read, "curl-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Curl start(String url, String... headers) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("curl", "-N", "-s", "-w", "%{http_code}"));
            for (String h : headers) {
                cmd.add("-H");
                cmd.add(h);
            }
            cmd.add(url);
            return new Curl(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String id = null;
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (raw) {
                        raw.append(line).append('\n');
                    }
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        events.add(new String[] {id, line.substring(6)});
                        id = null;
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process was stopped
            }
        }

        String raw() {
            synchronized (raw) {
                return raw.toString();
            }
        }

        List<String[]> events() {
            return events;
        }

        void awaitEvents(int n) throws InterruptedException {
            Async.waitFor(WAIT, () -> "expected " + n + " SSE events, got: " + raw(), () -> events.size() >= n);
        }

        /** Waits for curl to exit and for its whole output to be read (the process ends before its reader does). */
        void awaitExit() throws InterruptedException {
            Async.waitFor(WAIT, "curl exit", () -> !process.isAlive());
            reader.join(WAIT.toMillis());
        }

        void stop() {
            process.destroy();
        }
    }

    private long lastPrecertBelow(long end) {
        for (long i = end - 1; i >= 10; i--) {
            if (log.entry(i).type() == io.certstream.model.UpdateType.PrecertLogEntry) {
                return i;
            }
        }
        return -1;
    }

    private static List<Long> indexes(StreamRecorder r) {
        List<Long> out = new ArrayList<>();
        for (JsonObject m : r.messages("certificate_update")) {
            out.add(m.getJsonObject("data").getLong("cert_index"));
        }
        return out;
    }

    private StreamRecorder connect(String path) throws Exception {
        return await(StreamRecorder.connect(vertx, hub.port(), path));
    }

}
