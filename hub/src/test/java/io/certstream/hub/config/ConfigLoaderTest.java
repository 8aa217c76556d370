package io.certstream.hub.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void shippedDefaultsAreValid() {
        HubConfig config = ConfigLoader.load(null, Map.of());
        assertEquals(8080, config.server().port());
        assertTrue(config.logList().enabled());
        assertTrue(config.watcher().start().atHead());
    }

    @Test
    void aKeySetToNullIsRequiredNotSilentlyDefaulted() throws IOException {
        // config/hub.json supplies every key, so only an explicit null can make one absent: say which and where.
        Path file = write("{\"watcher\": {\"batchSize\": null}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ": watcher.batchSize is required", e.getMessage());
    }

    @Test
    void bridgeDefaultsToSockJsOnlyAndTakesItsKeysFromFileAndEnvironment() throws IOException {
        HubConfig defaults = ConfigLoader.load(null, Map.of());
        assertEquals(new HubConfig.BridgeConfig(true, "127.0.0.1", 0), defaults.bridge(), "TCP bridge off by default");

        Path file = write("{\"bridge\": {\"sockjs\": false, \"tcpPort\": 7000}}");
        HubConfig config = ConfigLoader.load(file, Map.of("CERTSTREAM_BRIDGE_TCPHOST", "0.0.0.0"));
        assertEquals(new HubConfig.BridgeConfig(false, "0.0.0.0", 7000), config.bridge());

        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("{\"bridge\": {\"tcpPort\": 70000}}"), Map.of()));
        assertTrue(e.getMessage().contains("bridge.tcpPort"), e.getMessage());
    }

    @Test
    void fileOverridesOnlyTheKeysItNames() throws IOException {
        Path file = write("{\"server\": {\"port\": 9000}, \"watcher\": {\"start\": 0}}");
        HubConfig config = ConfigLoader.load(file, Map.of());
        assertEquals(9000, config.server().port());
        assertEquals("0.0.0.0", config.server().host());
        assertEquals(0, config.watcher().start().index());
    }

    @Test
    void environmentVariablesWinOverTheFile() throws IOException {
        Path file = write("{\"server\": {\"port\": 9000}}");
        HubConfig config = ConfigLoader.load(file, Map.of(
                "CERTSTREAM_SERVER_PORT", "9100",
                "CERTSTREAM_LOGLIST_ENABLED", "false",
                "CERTSTREAM_LOGLIST_STATES", "usable, readonly"));
        assertEquals(9100, config.server().port());
        assertEquals(false, config.logList().enabled());
        assertEquals(List.of("usable", "readonly"), config.logList().states());
    }

    @Test
    void badValueNamesTheKeyAndTheFile() throws IOException {
        Path file = write("{\"server\": {\"port\": \"eighty\"}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().startsWith(file.toString() + ": server.port must be an integer"), e.getMessage());
    }

    @Test
    void maxPendingMessagesDefaultsToTwoThousandTakesZeroAndNamesKeyAndFileWhenBad() throws IOException {
        assertEquals(2_000, ConfigLoader.load(null, Map.of()).server().maxPendingMessages(), "config/hub.json default");
        assertEquals(0, ConfigLoader.load(write("{\"server\": {\"maxPendingMessages\": 0}}"), Map.of())
                .server().maxPendingMessages(), "0: no limit");
        assertEquals(500, ConfigLoader.load(null, Map.of("CERTSTREAM_SERVER_MAXPENDINGMESSAGES", "500"))
                .server().maxPendingMessages());

        Path negative = write("{\"server\": {\"maxPendingMessages\": -1}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(negative, Map.of()));
        assertTrue(e.getMessage().startsWith(negative + ": server.maxPendingMessages must be between 0 and"),
                e.getMessage());
        Path text = write("{\"server\": {\"maxPendingMessages\": \"lots\"}}");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(text, Map.of()));
        assertTrue(e.getMessage().startsWith(text + ": server.maxPendingMessages must be an integer"), e.getMessage());
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("CERTSTREAM_SERVER_PORT", "99999")));
        assertTrue(e.getMessage().contains("environment variable CERTSTREAM_SERVER_PORT"), e.getMessage());
        assertTrue(e.getMessage().contains("server.port must be between 0 and 65535"), e.getMessage());
    }

    @Test
    void unknownEnvironmentVariableNamesItAndTheClosestKeyButPluginSecretsAndClientVariablesPass() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("CERTSTREAM_WATCHER_POLSECONDS", "3", "HOME", "/x")));
        assertTrue(e.getMessage().contains("CERTSTREAM_WATCHER_POLSECONDS names no config key; did you mean"
                + " CERTSTREAM_WATCHER_POLLSECONDS (watcher.pollSeconds)?"), e.getMessage());
        // Every key of config/hub.json has its variable, whatever keys are added later.
        JsonObject defaults = ConfigLoader.defaults();
        for (String section : defaults.fieldNames()) {
            if (defaults.getValue(section) instanceof JsonObject object) {
                for (String key : object.fieldNames()) {
                    if (!(object.getValue(key) instanceof JsonObject)) {
                        String variable = ConfigLoader.envName(section + "." + key);
                        String value = String.valueOf(object.getValue(key));
                        value = value.startsWith("[") ? String.join(",", object.getJsonArray(key).stream().map(String::valueOf).toList()) : value;
                        ConfigLoader.load(null, Map.of(variable, value));
                    }
                }
            }
        }
        Path file = write("{\"plugins\": [{\"name\": \"w\", \"type\": \"webhook\", \"config\": {\"secretEnv\": \"CERTSTREAM_HOOK_SECRET\"}}]}");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("CERTSTREAM_HOOK_SECRET", "x")));
        try {
            ConfigLoader.load(file, Map.of("CERTSTREAM_HOOK_SECRET", "x", "CERTSTREAM_URL", "ws://h", "CERTSTREAM_STDOUT_TTY", "1"));
        } catch (ConfigException other) {
            assertFalse(other.getMessage().contains("names no config key"), other.getMessage());
        }
    }

    @Test
    void syntaxErrorNamesLineAndColumn() throws IOException {
        Path file = write("{\"server\": {\n  \"port\": 80 80\n}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().startsWith(file + ": is not a JSON object: syntax error at line 2, column "), e.getMessage());
    }

    @Test
    void unknownKeyIsAnErrorNotSilentlyIgnored() throws IOException {
        Path file = write("{\"server\": {\"prot\": 9000}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains("server.prot is not a known key"), e.getMessage());
    }

    @Test
    void customLogNeedsAnHttpUrlAndNamesItsPosition() throws IOException {
        Path file = write("{\"logs\": [{\"url\": \"https://ok.example/log/\"}, {\"url\": \"ftp://nope\"}]}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains("logs[1].url must start with http:// or https://"), e.getMessage());
    }

    @Test
    void customLogUrlLosesItsTrailingSlashAndInheritsTheStart() throws IOException {
        Path file = write("{\"watcher\": {\"start\": 5}, \"logs\": [{\"url\": \"https://ok.example/log/\", \"name\": \"Ok\"}]}");
        HubConfig.LogConfig log = ConfigLoader.load(file, Map.of()).logs().get(0);
        assertEquals("https://ok.example/log", log.url());
        assertEquals(5, log.start().index());
    }

    @Test
    void startMustBeHeadOrAnIndex() throws IOException {
        Path file = write("{\"watcher\": {\"start\": \"tail\"}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains("watcher.start must be \"head\" or an entry index"), e.getMessage());
    }

    @Test
    void missingOrBrokenFileSaysSo() throws IOException {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.json"), Map.of()));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path broken = write("{\"server\": ");
        ConfigException garbage = assertThrows(ConfigException.class, () -> ConfigLoader.load(broken, Map.of()));
        assertTrue(garbage.getMessage().startsWith(broken + ": is not a JSON object"), garbage.getMessage());
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "hub", ".json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void pollSecondsTakesFractionsFromFileAndEnvironmentWithinItsRange() throws IOException {
        assertEquals(10_000, ConfigLoader.load(null, Map.of()).watcher().pollMillis());
        assertEquals(500, ConfigLoader.load(write("{\"watcher\": {\"pollSeconds\": 0.5}}"), Map.of()).watcher().pollMillis());
        assertEquals(250, ConfigLoader.load(null, Map.of("CERTSTREAM_WATCHER_POLLSECONDS", "0.25")).watcher().pollMillis());

        Path tooFast = write("{\"watcher\": {\"pollSeconds\": 0.01}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(tooFast, Map.of()));
        assertTrue(e.getMessage().contains("watcher.pollSeconds") && e.getMessage().contains(tooFast.toString()), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("CERTSTREAM_WATCHER_POLLSECONDS", "soon")));
        assertTrue(e.getMessage().contains("watcher.pollSeconds") && e.getMessage().contains("CERTSTREAM_WATCHER_POLLSECONDS"), e.getMessage());
        // Keys that need whole numbers still say so when given a fraction through the environment.
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("CERTSTREAM_SERVER_PORT", "80.5")));
        assertTrue(e.getMessage().contains("server.port") && e.getMessage().contains("integer"), e.getMessage());
    }
}
