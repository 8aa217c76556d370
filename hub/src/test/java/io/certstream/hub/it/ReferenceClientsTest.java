package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wire compatibility: CertStream's reference clients, unchanged, receive the simulated log's certificates from the hub.
 * JavaScript: the official npm package {@code certstream}. Python: the official client's loop on websocket-client
 * (the package itself is on PyPI, out of reach here). Go: the official client's loop on gorilla/websocket (the module
 * itself is on GitHub, out of reach here). Each prints one JSON line per certificate, checked against what the
 * simulated log issued.
 */
class ReferenceClientsTest {
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
        receivesCertificates(project, url -> List.of("node", "receive.js", url, String.valueOf(COUNT)));
    }

    @Test
    void pythonClientReceivesCertificates() throws Exception {
        String python = ExternalTools.pythonWithWebsocket();
        Path script = Path.of("src", "test", "python", "receive.py").toAbsolutePath();
        Path dir = Files.createDirectories(Path.of("target", "python"));
        receivesCertificates(dir, url -> List.of(python, script.toString(), url, String.valueOf(COUNT)));
    }

    @Test
    void goClientReceivesCertificates() throws Exception {
        Path binary = ExternalTools.goProgram("receive");
        receivesCertificates(binary.getParent(), url -> List.of(binary.toString(), url, String.valueOf(COUNT)));
    }

    private void receivesCertificates(Path dir, Function<String, List<String>> command) throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(3).withEntriesPerSecond(0)));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head")))));
        Async.waitFor(Duration.ofSeconds(60), "the watcher to reach the head of the log, index 3",
                () -> !hub.metrics().logs().isEmpty() && hub.metrics().logs().get(log.url()).nextIndex() == 3);

        Process client = new ProcessBuilder(command.apply("ws://127.0.0.1:" + hub.port() + "/"))
                .directory(dir.toFile()).redirectError(dir.resolve("client.stderr.log").toFile()).start();
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
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
            assertTrue(connected.await(30, TimeUnit.SECONDS), "the client connected; see " + dir.resolve("client.stderr.log"));
            await(log.append(COUNT));
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the client received " + COUNT + " certificates in time");
            reader.join(5000);
            assertEquals(0, client.exitValue(), "client exit code; see " + dir.resolve("client.stderr.log"));
        } finally {
            client.destroyForcibly();
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
