package io.certstream.hub.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code pluginDir} and {@code plugins}: defaults, file, environment, and where the entries came from. */
class PluginConfigKeysTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreAPluginsDirectoryAndNoInstances() {
        HubConfig config = ConfigLoader.load(null, Map.of());
        assertEquals("plugins", config.pluginDir());
        assertEquals(0, config.plugins().size());
        assertEquals("state", config.stateDir());
    }

    @Test
    void pluginEntriesRememberTheirFileAndTheEnvironmentWins() throws Exception {
        Path file = Files.writeString(dir.resolve("hub.json"),
                "{\"pluginDir\": \"/opt/hub/plugins\", \"plugins\": [{\"type\": \"webhook\", \"url\": \"http://x\"}]}");
        HubConfig fromFile = ConfigLoader.load(file, Map.of());
        assertEquals("/opt/hub/plugins", fromFile.pluginDir());
        assertEquals("webhook", fromFile.plugins().getJsonObject(0).getString("type"));
        assertEquals(file.toString(), fromFile.pluginsSource());

        HubConfig fromEnv = ConfigLoader.load(file, Map.of("CERTSTREAM_PLUGINDIR", "/srv/plugins",
                "CERTSTREAM_PLUGINS", "[{\"type\": \"slack\"}]"));
        assertEquals("/srv/plugins", fromEnv.pluginDir());
        assertEquals("slack", fromEnv.plugins().getJsonObject(0).getString("type"));
        assertEquals("environment variable CERTSTREAM_PLUGINS", fromEnv.pluginsSource());
    }

    @Test
    void pluginsMustBeAnArray() throws Exception {
        Path file = Files.writeString(dir.resolve("hub.json"), "{\"plugins\": {\"type\": \"webhook\"}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ": plugins must be a JSON array of plugin objects, got an object", e.getMessage());
    }
}
