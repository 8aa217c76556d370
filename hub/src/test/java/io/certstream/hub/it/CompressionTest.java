package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.ExternalTools;
import io.certstream.hub.testing.RawWebSocket;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * permessage-deflate (RFC 7692) with Node's {@code ws}, which offers it: negotiated when {@code server.compression}
 * is on (the default), the same messages arrive, and the bytes on the wire are measured against a client that does
 * not offer it, reading the same stream at the same time. Off, nobody gets it.
 */
class CompressionTest {
    private static final int COUNT = 200;
    private Vertx vertx;
    private SimulatedCtLog log;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withSeed(3)));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void deflateIsNegotiatedAndShrinksTheLiteStream() throws Exception {
        JsonObject r = measure(true, "/");
        JsonObject deflate = r.getJsonObject("deflate");
        JsonObject plain = r.getJsonObject("plain");
        assertTrue(deflate.getString("extensions").startsWith("permessage-deflate"), deflate.getString("extensions"));
        assertEquals("", plain.getString("extensions"));
        assertEquals(plain.getJsonArray("cursors"), deflate.getJsonArray("cursors"), "the same messages");
        assertEquals(plain.getLong("payloadBytes"), deflate.getLong("payloadBytes"), "the same text once inflated");
        double ratio = (double) deflate.getLong("wireBytes") / plain.getLong("wireBytes");
        System.out.printf("compression: lite, %d messages, %d bytes of text; on the wire %d plain, %d deflated (%.0f%%)%n",
                COUNT, plain.getLong("payloadBytes"), plain.getLong("wireBytes"), deflate.getLong("wireBytes"), ratio * 100);
        assertTrue(ratio < 0.6, "deflate takes the lite stream below 60% of its size: " + ratio);
    }

    @Test
    void compressionOffNegotiatesNothing() throws Exception {
        JsonObject r = measure(false, "/domains-only");
        assertEquals("", r.getJsonObject("deflate").getString("extensions"));
        assertEquals(r.getJsonObject("plain").getLong("wireBytes"), r.getJsonObject("deflate").getLong("wireBytes"));
    }

    @Test
    void reservedBitsFromAClientThatNegotiatedNothingAreIgnoredWhileCompressionIsOnOffer() throws Exception {
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("server", new JsonObject().put("heartbeatSeconds", 1))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))));
        // Netty accepts RSV bits once the server offers an extension, whether or not this client took it (a
        // hub without compression closes with 1002, see BadInputTest): the frame is ignored like any client text.
        try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/", 0)) {
            ws.sendFrame(0xF1, new byte[4], true);
            RawWebSocket.Frame next = ws.readFrame();
            assertEquals(0x1, next.opcode(), "still receives messages (a heartbeat within a second)");
            next = ws.readFrame();
            assertEquals(0x1, next.opcode(), "and the next one");
        }
    }

    private JsonObject measure(boolean compression, String path) throws Exception {
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("server", new JsonObject().put("compression", compression).put("heartbeatSeconds", 3600))
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))));
        Path project = ExternalTools.npmProject("compression");
        Path stdout = project.resolve("measure.stdout.log");
        Path stderr = project.resolve("measure.stderr.log");
        Process node = new ProcessBuilder("node", "measure.js", "ws://127.0.0.1:" + hub.port() + path, String.valueOf(COUNT))
                .directory(project.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            Async.waitFor(Duration.ofSeconds(60), "two clients connected", () -> hub.metrics().clients(
                    path.equals("/") ? "lite" : "domains-only") >= 2 || !node.isAlive());
            await(log.append(COUNT));
            assertTrue(node.waitFor(90, TimeUnit.SECONDS), "measure.js finished; stderr: " + Files.readString(stderr));
            assertEquals(0, node.exitValue(), "measure.js succeeded; stderr: " + Files.readString(stderr));
        } finally {
            node.destroyForcibly();
        }
        return new JsonObject(Files.readString(stdout).trim());
    }
}
