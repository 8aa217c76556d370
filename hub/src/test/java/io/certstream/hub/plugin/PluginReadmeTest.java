package io.certstream.hub.plugin;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.ExternalTools;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.PluginJars;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * plugins/README.md's "Writing a plugin" as a plugin author follows it: its sample, exactly as printed (imports
 * included), compiles against the plugin API, and the hub loads the jar and feeds it; the versions the README
 * names are this repository's.
 */
class PluginReadmeTest {
    private static final Path README = ExternalTools.projectRoot().resolve("plugins/README.md");

    @TempDir
    Path dir;
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
    }

    @Test
    void theReadmeSampleCompilesAndTheHubLoadsAndFeedsIt() throws Exception {
        String readme = Files.readString(README);
        Matcher java = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(java.find(), "a Java sample in " + README);
        String source = java.group(1);
        assertTrue(source.contains("import io.certstream.model.CertificateUpdate;"), "the sample names its imports");
        Path pluginDir = dir.resolve("plugins");
        PluginJars.build(pluginDir.resolve("hello.jar"), Map.of("example.HelloFactory", source), "example.HelloFactory");
        assertTrue(readme.contains("one line: `example.HelloFactory`"), "the services file the README says");

        vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(20).withEntriesPerSecond(0).withSeed(3)));
        String domain = log.entry(5).domains().get(0);
        String suffix = domain.substring(domain.indexOf('.'));
        try (LogCapture output = LogCapture.of("io.certstream.plugin")) {
            await(RunningHub.start(vertx, new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                    .put("pluginDir", pluginDir.toString())
                    .put("plugins", new JsonArray().add(new JsonObject().put("type", "hello").put("suffix", suffix)))));
            Async.waitFor(Duration.ofSeconds(60), () -> "the sample plugin logged no certificate of " + suffix + ": "
                    + output.lines(), () -> output.lines().stream().anyMatch(l -> l.startsWith("INFO seen [") && l.contains(domain)));
            List<String> seen = output.lines().stream().filter(l -> l.startsWith("INFO seen [")).toList();
            seen.forEach(l -> assertTrue(l.contains(suffix), "only certificates of " + suffix + ": " + l));
        }
    }

    @Test
    void theVersionsTheReadmeNamesAreThisRepositorys() throws Exception {
        String readme = Files.readString(README);
        String pom = Files.readString(ExternalTools.projectRoot().resolve("pom.xml"));
        Matcher project = Pattern.compile("<artifactId>certstream-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        Matcher vertx = Pattern.compile("<vertx.version>([^<]+)</vertx.version>").matcher(pom);
        assertTrue(project.find() && vertx.find(), "versions in pom.xml");
        assertTrue(readme.contains("certstream-plugin-api` " + project.group(1))
                && readme.contains("<version>" + project.group(1) + "</version>"), "the API version " + project.group(1));
        assertTrue(readme.contains("Vert.x " + vertx.group(1)) && readme.contains("<version>" + vertx.group(1) + "</version>"),
                "the Vert.x version " + vertx.group(1));
        assertTrue(readme.contains("mvn -pl plugin-api -am install"), "says to install the API before building outside");
    }
}
