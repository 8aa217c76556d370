package io.certstream.hub.config;

import io.certstream.hub.testing.HubProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.file.Files;
import java.util.Map;

/** {@code Main} as a user runs it: a bad core config value stops the hub with status 2, naming the key and the file. */
class MainConfigErrorTest {
    @TempDir
    Path dir;

    @Test
    void badServerPortExitsWithStatus2NamingTheKeyAndFile() throws Exception {
        HubProcess.Exit exit = HubProcess.runUntilExit(dir, new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", 70000))
                .put("logList", new JsonObject().put("enabled", false))
                .put("stateDir", dir.resolve("state").toString()), "bad-port");
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains("certstream-hub: configuration error: " + exit.configFile() + ": server.port must be between 0 and 65535"),
                exit.output());
        assertFalse(exit.output().contains("Watching"), "nothing started: " + exit.output());
    }

    @Test
    void misspelledEnvironmentVariableExitsWithStatus2NamingItAndTheClosestKey() throws Exception {
        HubProcess.Exit exit = HubProcess.runUntilExit(dir, new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", 0))
                .put("logList", new JsonObject().put("enabled", false))
                .put("stateDir", dir.resolve("state").toString()), "typo", Map.of("CERTSTREAM_SERVER_PROT", "8081"));
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains("configuration error: environment variable CERTSTREAM_SERVER_PROT names no config key;"
                + " did you mean CERTSTREAM_SERVER_PORT (server.port)?"), exit.output());
        assertFalse(exit.output().contains("Watching") || exit.output().contains("listening"), "nothing started: " + exit.output());
    }

    @Test
    void jsonSyntaxErrorNamesLineAndColumn() throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\n  \"server\": {\n    \"port\": 8080,\n  }\n}\n");
        HubProcess.Exit exit = HubProcess.runMain(dir, "syntax", Map.of(), file, "--config", file.toString());
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains(file + ": is not a JSON object: syntax error at line 4, column 3: "), exit.output());
        assertFalse(exit.output().contains("REDACTED"), exit.output());
    }
}
