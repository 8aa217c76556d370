package io.certstream.hub.config;

import io.certstream.plugin.ConfigValues;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, validated reads from one JSON object of the configuration. Every error names the full key
 * (e.g. {@code server.port}) and the source (file or environment variable) so the user knows what to fix.
 */
final class ConfigReader {
    private final JsonObject json;
    private final String path;
    private final Function<String, String> sourceOfKey;
    private final java.util.Map<String, String> env;

    /** @param sourceOfKey where the value of a full key came from, e.g. the file name or an environment variable */
    ConfigReader(JsonObject json, String path, Function<String, String> sourceOfKey) {
        this(json, path, sourceOfKey, java.util.Map.of());
    }

    /** @param env the environment, for keys that name a variable (e.g. {@code server.tokensEnv}) */
    ConfigReader(JsonObject json, String path, Function<String, String> sourceOfKey, java.util.Map<String, String> env) {
        this.json = json;
        this.path = path;
        this.sourceOfKey = sourceOfKey;
        this.env = env;
    }

    java.util.Map<String, String> env() {
        return env;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Where the value of a key of this object came from: a file name, an environment variable, the defaults. */
    String sourceOf(String name) {
        return sourceOfKey.apply(key(name));
    }

    ConfigException error(String name, String problem) {
        return new ConfigException(sourceOfKey.apply(key(name)) + ": " + key(name) + " " + problem);
    }

    /** Rejects keys this section does not know: a typo must not be silently ignored. */
    ConfigReader allowOnly(String... names) {
        Set<String> known = Set.of(names);
        String unknown = ConfigValues.unknownKey(json, known);
        if (unknown != null) {
            throw error(unknown, ConfigValues.unknownKeyProblem(known).getMessage());
        }
        return this;
    }

    /** Runs a check of the shared vocabulary ({@link ConfigValues}) and names the key in its problem. */
    private <T> T checked(String name, Function<Object, T> check, Object value) {
        try {
            return check.apply(value);
        } catch (ConfigValues.Problem p) {
            throw error(name, p.getMessage());
        }
    }

    ConfigReader object(String name) {
        Object value = required(name);
        if (!(value instanceof JsonObject object)) {
            throw error(name, "must be a JSON object, got " + describe(value));
        }
        return new ConfigReader(object, key(name), sourceOfKey, env);
    }

    /**
     * The value of a key that {@code config/hub.json} always supplies (it is merged first): only a user who sets it
     * to {@code null} can make it absent.
     */
    private Object required(String name) {
        Object value = json.getValue(name);
        if (value == null) {
            throw error(name, "is required");
        }
        return value;
    }

    /** An optional key without a default in {@code config/hub.json} (e.g. a key of one {@code logs} entry). */
    String optionalString(String name, String fallback) {
        Object value = json.getValue(name);
        return value == null ? fallback : string(name, value);
    }

    String string(String name) {
        return string(name, required(name));
    }

    private String string(String name, Object value) {
        return checked(name, ConfigValues::string, value);
    }

    String requiredString(String name) {
        String value = optionalString(name, null);
        if (value == null || value.isBlank()) {
            throw error(name, "is required");
        }
        return value;
    }

    boolean bool(String name) {
        return checked(name, ConfigValues::bool, required(name));
    }

    int integer(String name, int min, int max) {
        return checked(name, v -> (int) ConfigValues.integer(v, min, max), required(name));
    }

    /** A number that may have a fraction (e.g. {@code 0.5} seconds). */
    double decimal(String name, double min, double max) {
        return checked(name, v -> ConfigValues.decimal(v, min, max), required(name));
    }

    List<String> strings(String name) {
        Object value = required(name);
        if (!(value instanceof JsonArray array)) {
            throw error(name, "must be a JSON array of strings, got " + describe(value));
        }
        List<String> out = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof String s)) {
                throw error(name, "must contain only strings, got " + describe(item));
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    List<ConfigReader> objects(String name) {
        Object value = required(name);
        if (!(value instanceof JsonArray array)) {
            throw error(name, "must be a JSON array of objects, got " + describe(value));
        }
        List<ConfigReader> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject object)) {
                throw error(name + "[" + i + "]", "must be a JSON object, got " + describe(array.getValue(i)));
            }
            out.add(new ConfigReader(object, key(name) + "[" + i + "]", sourceOfKey, env));
        }
        return out;
    }

    Object raw(String name) {
        return json.getValue(name);
    }

    static String describe(Object value) {
        return ConfigValues.describe(value);
    }
}
