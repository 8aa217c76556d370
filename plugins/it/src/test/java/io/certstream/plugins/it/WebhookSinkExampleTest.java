package io.certstream.plugins.it;

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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.certstream.plugins.it.KeywordWebhookAcceptanceTest.get;
import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code examples/webhook-sink/receiver.py}, a receiver written by someone else in another language, takes the
 * hub's webhook batches: it verifies the HMAC signature with Python's own implementation and stores every alert
 * once; a webhook with the wrong secret is refused and its batches are set aside, not retried forever.
 */
class WebhookSinkExampleTest {
    private static final String SECRET = "shared-secret-for-the-test";

    @TempDir
    Path dir;
    private Vertx vertx;
    private Process receiver;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (receiver != null) {
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
        get(vertx.close());
    }

    @Test
    void thePythonReceiverStoresEverySignedAlertOnceAndRefusesAWrongSignature() throws Exception {
        Path script = Path.of(System.getProperty("project.root", "../.."), "examples", "webhook-sink", "receiver.py");
        ExternalTools.require(canRun("python3", "--version"), "python3 is needed for the Python receiver example (apt-get install python3)");
        int port = RunningHub.freePort();
        Path out = dir.resolve("alerts.jsonl");
        Path log = Files.createDirectories(Path.of("target", "webhook-sink")).resolve("receiver.log");
        receiver = new ProcessBuilder("python3", script.toString(), "--port", Integer.toString(port),
                "--secret", SECRET, "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the receiver listening", 30_000, () -> listening(port));

        SimulatedCtLog ctLog = get(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(32).withSeed(5)));
        String url = "http://127.0.0.1:" + port + "/certstream";
        RunningHub hub = get(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", ctLog.url()).put("start", 0)))
                .put("stateDir", dir.resolve("state").toString())
                .put("pluginDir", dir.resolve("plugins").toString())
                .put("plugins", new JsonArray()
                        .add(new JsonObject().put("type", "keyword-alert").put("rules", Rules.JSON))
                        .add(new JsonObject().put("type", "webhook").put("name", "local-sink").put("url", url)
                                .put("secret", SECRET).put("batchSize", 7).put("batchMillis", 200))
                        .add(new JsonObject().put("type", "webhook").put("name", "wrong-secret").put("url", url)
                                .put("secret", "not-the-secret").put("batchSize", 7).put("batchMillis", 200)))));

        get(ctLog.append(60));
        Set<String> expected = Rules.expectedAlerts(ctLog, 0, 60);
        await(expected.size() + " alerts stored", 60_000, () -> lines(out).size() >= expected.size());
        await("the wrong secret's batches set aside", 60_000, () -> hub.metrics().toJson().getJsonObject("plugins")
                .getJsonObject("wrong-secret").getLong("dead_lettered") == expected.size());
        Thread.sleep(500);

        List<String> stored = lines(out).stream().map(l -> Rules.key(new JsonObject(l).getJsonObject("data"))).toList();
        assertEquals(expected, new TreeSet<>(stored));
        assertEquals(expected.size(), stored.size(), "each alert stored once");
        JsonObject wrong = hub.metrics().toJson().getJsonObject("plugins").getJsonObject("wrong-secret");
        assertEquals(0, wrong.getLong("delivered"));
        assertEquals(expected.size(), hub.metrics().toJson().getJsonObject("plugins").getJsonObject("local-sink").getLong("delivered"));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean canRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
