package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.ExternalTools;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser's own {@code EventSource} (headless Chromium) on {@code /sse}: it gets every certificate once, in order,
 * even though the hub is stopped and started again in the middle, because it reconnects with {@code Last-Event-ID}
 * and the restarted hub replays from the buffer it saved at its stop.
 */
class SseBrowserTest {
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
    }

    @Test
    void eventSourceResumesAcrossAHubRestartWithoutLosingOrRepeating() throws Exception {
        Path chromium = ExternalTools.chromium();
        Path project = ExternalTools.npmProject("live-page");
        vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withSeed(5)));
        JsonObject config = new JsonObject()
                .put("server", new JsonObject().put("port", RunningHub.freePort()).put("heartbeatSeconds", 1))
                .put("stateDir", Files.createTempDirectory("certstream-state").toString())
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)));
        RunningHub hub = await(RunningHub.start(vertx, config));

        Path stdout = project.resolve("check-sse.stdout.log");
        Path stderr = project.resolve("check-sse.stderr.log");
        Process node = new ProcessBuilder("node", "check-sse.js", chromium.toString(),
                "http://127.0.0.1:" + hub.port(), "10", "40")
                .directory(project.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            RunningHub connecting = hub;
            Async.waitFor(Duration.ofSeconds(90), () -> "the page's EventSource connected; stderr: " + read(stderr),
                    () -> connecting.metrics().clients("sse/lite") >= 1 || !node.isAlive());
            await(log.append(10));
            Async.waitFor(Duration.ofSeconds(90), () -> "the page got 10 events; stderr: " + read(stderr),
                    () -> read(stdout).startsWith("READY") || !node.isAlive());
            // Published while the browser is connected but not yet read by it, then the hub goes down.
            await(log.append(10));
            RunningHub first = hub;
            Async.waitFor(Duration.ofSeconds(30), "published 20", () -> first.metrics().published() >= 20);
            await(first.stop());
            hub = await(RunningHub.start(vertx, config));
            await(log.append(20));
            assertTrue(node.waitFor(120, TimeUnit.SECONDS), "check-sse.js finished; stderr: " + read(stderr));
            assertEquals(0, node.exitValue(), "check-sse.js succeeded; stderr: " + read(stderr));
        } finally {
            node.destroyForcibly();
        }
        List<String> lines = read(stdout).lines().toList();
        JsonObject got = new JsonObject(lines.get(lines.size() - 1));
        assertEquals(LongStream.range(0, 40).boxed().toList(),
                got.getJsonArray("indexes").stream().map(o -> ((Number) o).longValue()).toList(),
                "every certificate once, in order, across the restart");
        assertEquals(got.getJsonArray("cursors"), got.getJsonArray("ids"), "each event's id is its cursor");
        assertTrue(got.getInteger("errors") >= 1, "EventSource saw the hub go away and reconnected: " + got.getInteger("errors"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
