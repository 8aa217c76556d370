package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.ExternalTools;
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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wire compatibility: the official CertStream JavaScript client (npm package {@code certstream}), unchanged,
 * receives the simulated log's certificates from the hub.
 */
class OfficialJsClientTest {
    private static final int COUNT = 12;
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void officialJsClientReceivesCertificates() throws Exception {
        Path project = ExternalTools.npmProject("certstream-client");
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(3).withEntriesPerSecond(0)));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head")))));
        while (hub.metrics().logs().isEmpty() || hub.metrics().logs().get(log.url()).nextIndex() != 3) {
            Thread.sleep(20);
        }

        Process node = new ProcessBuilder("node", "receive.js", "ws://127.0.0.1:" + hub.port() + "/", String.valueOf(COUNT))
                .directory(project.toFile()).redirectError(project.resolve("receive.stderr.log").toFile()).start();
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("{")) {
                        received.add(new JsonObject(line));
                    } else if (line.contains("Connection established")) {
                        connected.countDown();
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reader.start();
        try {
            assertTrue(connected.await(30, TimeUnit.SECONDS), "the JS client connected");
            await(log.append(COUNT));
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the JS client received " + COUNT + " certificates in time");
            reader.join(5000);
            assertEquals(0, node.exitValue());
        } finally {
            node.destroyForcibly();
        }

        assertEquals(COUNT, received.size());
        for (int i = 0; i < COUNT; i++) {
            IssuedEntry issued = log.entry(3 + i);
            JsonObject got = received.get(i);
            assertEquals(issued.index(), got.getLong("cert_index"));
            assertEquals(issued.type().name(), got.getString("update_type"));
            assertEquals(new JsonArray(issued.domains()), got.getJsonArray("all_domains"));
            assertEquals(log.url(), got.getString("source_url"));
        }
    }
}
