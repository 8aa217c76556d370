package io.certstream.plugin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed, validated reads of a plugin's config, so every plugin reports mistakes the same way: the key
 * (with its path, e.g. {@code rules[1].regex}), what is wrong and what is expected. Each failed read throws
 * {@link PluginContext#configError}. The wording of what is wrong is the hub's own ({@link ConfigValues}).
 *
 * <pre>{@code
 * PluginConfig c = PluginConfig.of(context).allowOnly("url", "batchSize");
 * URI url = c.httpUrl("url", c.requiredString("url"));
 * int batchSize = c.integer("batchSize", 50, 1, 1000);
 * }</pre>
 */
public final class PluginConfig {
    private final PluginContext context;
    private final JsonObject json;
    private final String path;

    private PluginConfig(PluginContext context, JsonObject json, String path) {
        this.context = context;
        this.json = json;
        this.path = path;
    }

    /** The instance's whole config ({@link PluginContext#config()}). */
    public static PluginConfig of(PluginContext context) {
        return new PluginConfig(context, context.config(), "");
    }

    /** Fails on any key not listed: a typo must not silently fall back to a default. */
    public PluginConfig allowOnly(String... keys) {
        Set<String> allowed = Set.of(keys);
        String unknown = ConfigValues.unknownKey(json, allowed);
        if (unknown != null) {
            throw error(unknown, ConfigValues.unknownKeyProblem(allowed).getMessage());
        }
        return this;
    }

    /** Runs a check of the vocabulary shared with the hub's config ({@link ConfigValues}), naming the key. */
    private <T> T checked(String key, Function<Object, T> check, Object value) {
        try {
            return check.apply(value);
        } catch (ConfigValues.Problem p) {
            throw error(key, p.getMessage());
        }
    }

    /** Whether the key is present and not null. */
    public boolean has(String key) {
        return json.getValue(key) != null;
    }

    /** A config error for a key of this object, with its full path. */
    public PluginConfigException error(String key, String problem) {
        return context.configError(path + key, problem);
    }

    public String requiredString(String key) {
        String value = string(key, null);
        if (value == null || value.isBlank()) {
            throw error(key, "is required");
        }
        return value;
    }

    public String string(String key, String defaultValue) {
        Object value = json.getValue(key);
        if (value == null) {
            return defaultValue;
        }
        return checked(key, ConfigValues::string, value);
    }

    /** One of the given values, e.g. {@code oneOf("source", "alerts", "alerts", "certificates")}. */
    public String oneOf(String key, String defaultValue, String... allowed) {
        String value = string(key, defaultValue);
        if (value != null && !Arrays.asList(allowed).contains(value)) {
            throw error(key, "must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object value = json.getValue(key);
        if (value == null) {
            return defaultValue;
        }
        return checked(key, ConfigValues::bool, value);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Object value = json.getValue(key);
        if (value == null) {
            return defaultValue;
        }
        return checked(key, v -> ConfigValues.integer(v, min, max), value);
    }

    /** A list of non-blank strings; a single string counts as a list of one. Empty when absent. */
    public List<String> strings(String key) {
        Object value = json.getValue(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            value = new JsonArray().add(s);
        }
        if (!(value instanceof JsonArray array)) {
            throw error(key, "must be a list of strings, got " + ConfigValues.describe(value));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof String s) || s.isBlank()) {
                throw error(key + "[" + i + "]", "must be a non-empty string, got " + ConfigValues.describe(array.getValue(i)));
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** A map of string to string, e.g. extra HTTP headers. Empty when absent. */
    public Map<String, String> stringMap(String key) {
        PluginConfig object = object(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String field : object.json.fieldNames()) {
            out.put(field, object.requiredString(field));
        }
        return out;
    }

    /** A nested object, empty when absent; its errors carry the path {@code key.}. */
    public PluginConfig object(String key) {
        Object value = json.getValue(key);
        if (value == null) {
            return new PluginConfig(context, new JsonObject(), path + key + ".");
        }
        if (!(value instanceof JsonObject o)) {
            throw error(key, "must be an object, got " + ConfigValues.describe(value));
        }
        return new PluginConfig(context, o, path + key + ".");
    }

    /** A list of objects; the errors of element {@code i} carry the path {@code key[i].}. */
    public List<PluginConfig> objects(String key) {
        Object value = json.getValue(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw error(key, "must be a list of objects, got " + ConfigValues.describe(value));
        }
        List<PluginConfig> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject o)) {
                throw error(key + "[" + i + "]", "must be an object, got " + ConfigValues.describe(array.getValue(i)));
            }
            out.add(new PluginConfig(context, o, path + key + "[" + i + "]."));
        }
        return out;
    }

    /** A Java regular expression, compiled; {@code null} when absent. */
    public Pattern regex(String key) {
        String value = string(key, null);
        return value == null ? null : compile(key, value);
    }

    /** Each string of {@link #strings} compiled as a Java regular expression. */
    public List<Pattern> regexes(String key) {
        List<String> values = strings(key);
        List<Pattern> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(compile(key + "[" + i + "]", values.get(i)));
        }
        return List.copyOf(out);
    }

    /**
     * Checks that {@code value} is an absolute http or https URL and returns it; {@code key} names it in the error.
     * The value is passed in rather than read so that it may come from anywhere, e.g. inline or from an environment
     * variable: {@code c.httpUrl("url", c.secret("url", "urlEnv", true))}. The error never repeats the value: URLs
     * may hold secrets.
     */
    public URI httpUrl(String key, String value) {
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw error(key, "must be an absolute http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw error(key, "is not a valid URL (" + e.getReason() + ")");
        }
    }

    /**
     * A secret given either inline ({@code valueKey}) or by the name of an environment variable
     * ({@code envKey}); exactly one of the two. Returns {@code null} when neither is given and not required.
     */
    public String secret(String valueKey, String envKey, boolean required) {
        String inline = string(valueKey, null);
        String variable = string(envKey, null);
        if (inline != null && variable != null) {
            throw error(valueKey, "and " + path + envKey + " are both set; keep one (" + envKey + " keeps the secret out of the file)");
        }
        if (variable != null) {
            String value = context.environment(variable);
            if (value == null || value.isBlank()) {
                throw error(envKey, "names the environment variable " + variable + ", which is not set; export it before starting the hub");
            }
            return value;
        }
        if (inline == null && required) {
            throw error(valueKey, "is required (or set " + path + envKey + " to the name of an environment variable holding it)");
        }
        return inline;
    }

    private Pattern compile(String key, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw error(key, "is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }
}
