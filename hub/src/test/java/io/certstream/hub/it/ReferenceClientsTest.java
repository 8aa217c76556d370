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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wire compatibility: CertStream's reference clients, unchanged, receive the simulated log's certificates from the hub.
 * JavaScript: the official npm package {@code certstream}. Python: the official client's loop on websocket-client
 * (the package itself is on PyPI, out of reach here). Go: the official client's loop on gorilla/websocket (the module
 * itself is on GitHub, out of reach here). Each prints one JSON line per certificate, checked against what the
 * simulated log issued. The JS and Python clients then resume: given a url with {@code ?since=} a cursor they
 * received, unchanged, they get what was published after it (issue 16: plain connections stay as they were).
 */
class ReferenceClientsTest {
    private static final int COUNT = 12;
    private Vertx vertx;
    private SimulatedCtLog log;
    private RunningHub hub;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void officialJsClientReceivesCertificatesAndResumesWithSinceInItsUrl() throws Exception {
        Path project = ExternalTools.npmProject("certstream-client");
        receivesCertificatesThenResumes(project, (url, count) -> List.of("node", "receive.js", url, String.valueOf(count)));
    }

    @Test
    void pythonClientReceivesCertificatesAndResumesWithSinceInItsUrl() throws Exception {
        String python = ExternalTools.pythonWithWebsocket();
        Path script = Path.of("src", "test", "python", "receive.py").toAbsolutePath();
        Path dir = Files.createDirectories(Path.of("target", "python"));
        receivesCertificatesThenResumes(dir, (url, count) -> List.of(python, script.toString(), url, String.valueOf(count)));
    }

    @Test
    void goClientReceivesCertificates() throws Exception {
        Path binary = ExternalTools.goProgram("receive");
        receivesCertificates(binary.getParent(), (url, count) -> List.of(binary.toString(), url, String.valueOf(count)));
    }

    private void receivesCertificates(Path dir, BiFunction<String, Integer, List<String>> command) throws Exception {
        startLogAndHub();
        String url = "ws://127.0.0.1:" + hub.port() + "/";
        List<JsonObject> received = runClient(dir, command.apply(url, COUNT), COUNT, () -> await(log.append(COUNT)));
        assertIssued(received, 3);
    }

    /**
     * A plain connection first; then the same client, unchanged, given a url with {@code ?since=} the cursor of the
     * fifth certificate it received: it gets exactly the certificates after it, in order, replayed by the hub.
     */
    private void receivesCertificatesThenResumes(Path dir, BiFunction<String, Integer, List<String>> command) throws Exception {
        startLogAndHub();
        String url = "ws://127.0.0.1:" + hub.port() + "/";
        List<JsonObject> first = runClient(dir, command.apply(url, COUNT), COUNT, () -> await(log.append(COUNT)));
        assertIssued(first, 3);

        String cursor = first.get(4).getString("cursor");
        assertNotNull(cursor, "every message carries a top-level cursor the client can keep");
        int rest = COUNT - 5;
        String resumeUrl = url + "?since=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        List<JsonObject> resumed = runClient(dir, command.apply(resumeUrl, rest), rest, () -> { });
        assertIssued(resumed, 3 + 5);
        assertEquals(first.subList(5, COUNT).stream().map(m -> m.getString("cursor")).toList(),
                resumed.stream().map(m -> m.getString("cursor")).toList(), "the replay carries the same cursors");
    }

    private void startLogAndHub() throws Exception {
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(3).withEntriesPerSecond(0)));
        hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head")))));
        SimulatedCtLog watched = log;
        RunningHub running = hub;
        Async.waitFor(Duration.ofSeconds(60), "the watcher to reach the head of the log, index 3",
                () -> !running.metrics().logs().isEmpty() && running.metrics().logs().get(watched.url()).nextIndex() == 3);
    }

    /** Runs a client until it printed {@code count} certificates; {@code onConnected} runs once it is connected. */
    private static List<JsonObject> runClient(Path dir, List<String> command, int count, Step onConnected) throws Exception {
        Process client = new ProcessBuilder(command)
                .directory(dir.toFile()).redirectError(dir.resolve("client.stderr.log").toFile()).start();
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("{")) {
                        received.add(new JsonObject(line));
                        connected.countDown();
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
            onConnected.run();
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the client received " + count + " certificates in time");
            reader.join(5000);
            assertEquals(0, client.exitValue(), "client exit code; see " + dir.resolve("client.stderr.log"));
        } finally {
            client.destroyForcibly();
        }
        assertEquals(count, received.size(), "certificates the client printed");
        return received;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** The client's lines are the simulated log's entries from {@code firstIndex} on, in order. */
    private void assertIssued(List<JsonObject> received, long firstIndex) {
        for (int i = 0; i < received.size(); i++) {
            IssuedEntry issued = log.entry(firstIndex + i);
            JsonObject got = received.get(i);
            assertEquals(issued.index(), got.getLong("cert_index"));
            assertEquals(issued.type().name(), got.getString("update_type"));
            assertEquals(new JsonArray(issued.domains()), got.getJsonArray("all_domains"));
            assertEquals(log.url(), got.getString("source_url"));
        }
    }
}
