package io.certstream.plugins.it;

import io.certstream.hub.testing.ExternalTools;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugins.testkit.HttpReceiver;
import io.certstream.plugins.testkit.HttpReceiver.Response;
import io.certstream.plugins.testkit.SlackPayload;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.certstream.plugins.it.KeywordWebhookAcceptanceTest.get;
import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user installs: the hub's shaded jar run as its own JVM ({@code java -jar certstream-hub.jar --demo}),
 * with the three plugin jars as {@code mvn package} builds them copied into its plugins directory. Runs after
 * the jars are packaged ({@code mvn verify}); skipped by a plain {@code mvn test} (failed under CI=true).
 */
class ShippedJarsTest {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "../.."));
    private static final Path HUB_JAR = ROOT.resolve("hub/target/certstream-hub.jar");
    private static final List<String> PLUGINS = List.of("keyword-alert", "webhook", "slack");

    @TempDir
    Path dir;
    private Vertx vertx;
    private Process hub;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.destroy();   // SIGTERM: the hub's shutdown hook stops the plugins
            if (!hub.waitFor(30, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
        get(vertx.close());
    }

    @Test
    void theHubJarLoadsThePluginJarsFromItsPluginsDirectoryAndRunsThem() throws Exception {
        ExternalTools.require(Files.isRegularFile(HUB_JAR), HUB_JAR + " is not built (mvn package, or mvn verify from the root)");
        Path pluginDir = Files.createDirectories(dir.resolve("plugins"));
        for (String plugin : PLUGINS) {
            Path jar = ROOT.resolve("plugins/" + plugin + "/target/certstream-plugin-" + plugin + ".jar");
            ExternalTools.require(Files.isRegularFile(jar), jar + " is not built (mvn package, or mvn verify from the root)");
            Files.copy(jar, pluginDir.resolve(jar.getFileName()));
        }
        HttpReceiver sink = get(new HttpReceiver(vertx).start());
        List<String> slackProblems = new CopyOnWriteArrayList<>();
        HttpReceiver slack = get(new HttpReceiver(vertx).start()).respond(r -> {
            List<String> wrong = SlackPayload.problems(r, "/services/T/B/x");
            slackProblems.addAll(wrong);
            return wrong.isEmpty() ? Response.ok() : new Response(400, Map.of(), "invalid_blocks");
        });
        Path config = dir.resolve("hub.json");
        Files.writeString(config, new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", RunningHub.freePort()))
                .put("stateDir", dir.resolve("state").toString())
                .put("pluginDir", pluginDir.toString())
                .put("plugins", new JsonArray()
                        .add(new JsonObject().put("type", "keyword-alert").put("rules", new JsonArray()
                                .add(new JsonObject().put("name", "any-com").put("suffix", new JsonArray().add("com")))))
                        .add(new JsonObject().put("type", "webhook").put("name", "sink").put("url", sink.url("/hook"))
                                .put("batchMillis", 200))
                        .add(new JsonObject().put("type", "slack").put("webhookUrl", slack.url("/services/T/B/x"))
                                .put("minIntervalMillis", 300)))
                .encodePrettily());
        Path log = Files.createDirectories(Path.of("target", "shipped-jars")).resolve("hub.log");
        hub = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", HUB_JAR.toString(), "--demo", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        await("alerts at the webhook sink and in Slack (hub output: " + log.toAbsolutePath() + ")", 90_000,
                () -> !sink.accepted().isEmpty() && !slack.accepted().isEmpty());
        String output = Files.readString(log);
        for (String plugin : PLUGINS) {
            assertTrue(output.contains(plugin + " (" + pluginDir.resolve("certstream-plugin-" + plugin + ".jar")), output);
        }
        JsonObject alert = sink.accepted().get(0).json().getJsonArray("items").getJsonObject(0).getJsonObject("data");
        assertEquals("any-com", alert.getString("rule"));
        assertTrue(alert.getString("matched_domain").endsWith(".com"), alert.encode());
        assertEquals(List.of(), slackProblems);
    }
}
