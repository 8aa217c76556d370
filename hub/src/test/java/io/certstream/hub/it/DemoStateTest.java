package io.certstream.hub.it;

import io.certstream.hub.testing.HubProcess;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --demo} twice on the same state folder, as a new user does: the demo's simulated logs (new ports each run)
 * never land in the real run's {@code positions.json}, and each demo run starts fresh instead of resuming the dead
 * logs of the runs before.
 */
class DemoStateTest {
    @TempDir
    Path dir;

    @Test
    void demoRunsKeepTheirStateApartAndStartFresh() throws Exception {
        Path state = dir.resolve("state");
        Path demoPositions = state.resolve("demo").resolve("positions.json");
        for (int run = 1; run <= 2; run++) {
            int port = RunningHub.freePort();
            HubProcess hub = HubProcess.start(dir, new JsonObject()
                    .put("server", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 1))
                    .put("watcher", new JsonObject().put("positionSaveSeconds", 1))
                    .put("stateDir", state.toString()), "demo-" + run, "--demo");
            try {
                waitFor(Duration.ofSeconds(60), "run " + run + ": the demo's two logs saved in " + demoPositions,
                        () -> savedLogs(demoPositions) == 2);
            } finally {
                hub.stop();
            }
            String output = Files.readString(hub.output());
            assertFalse(output.contains("Resuming"), "run " + run + " starts fresh: " + output);
            assertEquals(2, savedLogs(demoPositions), "only this run's two demo logs: " + Files.readString(demoPositions));
            assertFalse(Files.exists(state.resolve("positions.json")), "the real run's positions are untouched");
            assertTrue(output.contains("Demo state: " + state.resolve("demo")), output);
        }
    }

    private static int savedLogs(Path file) {
        try {
            return new JsonObject(Files.readString(file)).getJsonObject("logs").size();
        } catch (Exception notYet) {
            return -1;
        }
    }
}
