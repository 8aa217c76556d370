package io.certstream.hub.plugin;

import io.certstream.hub.config.ConfigException;
import io.certstream.plugin.PluginConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of the {@code "plugins"} config: {@code {"type": "webhook", "name": "soc", ...the plugin's keys}}.
 *
 * @param index   position in the {@code plugins} array, for messages
 * @param factory the plugin that {@code type} selects
 * @param name    {@code name}, or {@code <type>#<n>} counting entries of that type from 1
 * @param config  the entry without {@code type} and {@code name}: what the plugin reads
 * @param source  the file (or variable) the entry came from
 */
public record PluginEntry(int index, PluginLoader.LoadedFactory factory, String name, JsonObject config, String source) {

    /** Reads and checks every entry against the loaded plugins; the first problem stops the hub. */
    public static List<PluginEntry> readAll(JsonArray entries, String source, PluginLoader.Loaded loaded, String pluginDir) {
        List<PluginEntry> out = new ArrayList<>();
        Map<String, Integer> perType = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = source + ": plugins[" + i + "]";
            if (!(entries.getValue(i) instanceof JsonObject entry)) {
                throw new ConfigException(at + " must be an object like {\"type\": \"webhook\", ...}, got " + entries.getValue(i));
            }
            if (!(entry.getValue("type") instanceof String type) || type.isBlank()) {
                throw new ConfigException(at + ".type is required: the plugin to run (loaded: " + loaded.describe() + ")");
            }
            PluginLoader.LoadedFactory factory = loaded.byType().get(type);
            if (factory == null) {
                throw new ConfigException(at + ".type \"" + type + "\" is not a loaded plugin (loaded: " + loaded.describe()
                        + "). Put the plugin's jar into the plugins directory " + pluginDir + " and restart");
            }
            int n = perType.merge(type, 1, Integer::sum);
            Object givenName = entry.getValue("name");
            if (givenName != null && !(givenName instanceof String s && s.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}"))) {
                throw new ConfigException(at + ".name must be 1-64 letters, digits, '_' or '-' (it names the "
                        + "plugin's logger and data directory), got " + givenName);
            }
            String name = givenName == null ? type + "#" + n : (String) givenName;
            if (!names.add(name)) {
                throw new ConfigException(at + ".name \"" + name + "\" is used by an earlier entry; names must be unique");
            }
            JsonObject config = entry.copy();
            config.remove("type");
            config.remove("name");
            out.add(new PluginEntry(i, factory, name, config, source));
        }
        return List.copyOf(out);
    }

    /** The hub's message for a plugin's config error: file, entry, plugin, key; secrets masked. */
    public ConfigException error(PluginConfigException e, SecretMask mask) {
        return new ConfigException(source + ": plugins[" + index + "] (" + name + ", type " + factory.type() + "): "
                + e.key() + " " + mask.mask(e.problem()));
    }

    public String type() {
        return factory.type();
    }
}
