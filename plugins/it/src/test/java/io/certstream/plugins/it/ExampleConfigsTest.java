package io.certstream.plugins.it;

import io.certstream.hub.config.ConfigLoader;
import io.certstream.hub.config.HubConfig;
import io.certstream.hub.plugin.PluginEntry;
import io.certstream.hub.plugin.PluginLoader;
import io.certstream.plugins.testkit.RunningPlugin;
import io.certstream.plugins.testkit.TestPluginContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.certstream.plugins.it.KeywordWebhookAcceptanceTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every documented example ({@code config/plugins/*.json}, {@code examples/*}/hub.json) is a valid
 * {@code --config} file whose plugins start.
 */
class ExampleConfigsTest {
    /** The variables the examples name, as a user would export them. */
    private static final Map<String, String> ENV = Map.of(
            "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "SOC_WEBHOOK_URL", "https://soc.example.com/hooks/certstream",
            "SOC_WEBHOOK_SECRET", "example-secret");
    // examples/webhook-sink/hub.json signs with $SOC_WEBHOOK_SECRET too.

    @TempDir
    Path dir;
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        get(vertx.close());
    }

    @Test
    void everyExampleConfigLoadsAndItsPluginsStart() throws Exception {
        Path examples = Path.of(System.getProperty("project.root", "../.."), "config", "plugins");
        List<Path> files;
        try (Stream<Path> list = Files.list(examples)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(List.of("keyword-alert.json", "slack.json", "webhook.json"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        Path root = Path.of(System.getProperty("project.root", "../.."));
        files = new ArrayList<>(files);
        files.add(root.resolve("examples/slack-alert/hub.json"));
        files.add(root.resolve("examples/webhook-sink/hub.json"));
        PluginLoader.Loaded loaded = PluginLoader.load(getClass().getClassLoader(), dir.resolve("no-plugins-dir"), "pluginDir");
        WebClient client = WebClient.create(vertx);
        for (Path file : files) {
            HubConfig config = ConfigLoader.load(file, ENV);
            List<PluginEntry> entries = PluginEntry.readAll(config.plugins(), config.pluginsSource(), loaded, "plugins");
            assertFalse(entries.isEmpty(), file.toString());
            for (PluginEntry entry : entries) {
                var context = new TestPluginContext(vertx, client, entry.name(), entry.config(),
                        Files.createDirectories(dir.resolve(file.getParent().getFileName() + "-" + file.getFileName() + "-" + entry.name())), ENV);
                RunningPlugin running = get(RunningPlugin.start(entry.factory().factory(), context)
                        .recover(e -> Future.failedFuture(new AssertionError(file + ": " + entry.name() + ": " + e.getMessage(), e))));
                get(running.stop());
            }
        }
    }
}
