package io.certstream.hub.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the {@link HubConfig} from three layers, each overriding the one before:
 * the built-in defaults (a copy of {@code config/hub.json}), the user's file ({@code --config FILE}),
 * and environment variables named after the keys ({@code server.port} -> {@code CERTSTREAM_SERVER_PORT}).
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "CERTSTREAM_";
    private static final JsonFactory JSON = new JsonFactory();
    private static final String DEFAULTS = "built-in defaults (config/hub.json)";

    private ConfigLoader() {
    }

    public static HubConfig load(Path file, Map<String, String> env) {
        return load(file, env, new JsonObject(), null);
    }

    /**
     * @param overrides      applied last (e.g. by {@code --demo} or a test), in the same shape as the config file
     * @param overrideSource how to name the overrides in error messages
     */
    public static HubConfig load(Path file, Map<String, String> env, JsonObject overrides, String overrideSource) {
        return load(file, env, overrides, overrideSource, new JsonObject());
    }

    /**
     * The configuration in effect, as JSON (defaults, file and environment merged), with every secret masked: what
     * {@code --check-config} prints. Fails like {@link #load} when a value is bad.
     */
    public static JsonObject effective(Path file, Map<String, String> env) {
        JsonObject merged = new JsonObject();
        load(file, env, new JsonObject(), null, merged);
        JsonObject masked = mask(merged);
        // Plugin secrets are declared by the plugins' jars, not loaded here: anything that may hold one is masked.
        JsonArray plugins = new JsonArray();
        for (Object entry : masked.getJsonArray("plugins", new JsonArray())) {
            if (entry instanceof JsonObject plugin) {
                JsonObject out = new JsonObject();
                plugin.forEach(e -> out.put(e.getKey(), e.getValue() != null && e.getKey().toLowerCase(java.util.Locale.ROOT)
                        .matches(".*(url|secret|token|password|header|key|auth).*") ? "***" : e.getValue()));
                plugins.add(out);
            } else {
                plugins.add(entry);
            }
        }
        return masked.put("plugins", plugins);
    }

    /** Tokens, passwords, secrets and keys of the JSON replaced by {@code "***"} (recursively). */
    static JsonObject mask(JsonObject json) {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, Object> e : json) {
            out.put(e.getKey(), secretKey(e.getKey()) && e.getValue() != null && !"".equals(e.getValue())
                    && !(e.getValue() instanceof JsonArray a && a.isEmpty())
                    ? maskValue(e.getValue()) : maskNested(e.getValue()));
        }
        return out;
    }

    private static boolean secretKey(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return (k.contains("token") && !k.endsWith("env")) || k.contains("password") || k.contains("secret")
                || k.equals("apikey") || k.equals("authorization");
    }

    private static Object maskValue(Object value) {
        if (value instanceof JsonArray array) {
            JsonArray out = new JsonArray();
            // A token object keeps its name and limits: only the token itself is secret.
            array.forEach(item -> out.add(item instanceof JsonObject o ? mask(o) : "***"));
            return out;
        }
        return value instanceof JsonObject o ? mask(o) : "***";
    }

    private static Object maskNested(Object value) {
        if (value instanceof JsonObject o) {
            return mask(o);
        }
        if (value instanceof JsonArray array) {
            JsonArray out = new JsonArray();
            array.forEach(item -> out.add(maskNested(item)));
            return out;
        }
        return value;
    }

    private static HubConfig load(Path file, Map<String, String> env, JsonObject overrides, String overrideSource,
                                  JsonObject mergedOut) {
        JsonObject merged = defaults();
        Map<String, String> sources = new HashMap<>();
        String fileSource = DEFAULTS;
        if (file != null) {
            fileSource = file.toString();
            JsonObject user = readFile(file);
            mergeInto(merged, user, "", sources, fileSource);
        }
        applyEnvironment(merged, defaults(), "", env, sources);
        rejectUnknownVariables(env, merged);
        mergeInto(merged, overrides, "", sources, overrideSource);
        String fallback = fileSource;
        mergedOut.mergeIn(merged.copy(), true);
        return HubConfig.read(new ConfigReader(merged, "", key -> sourceOf(key, sources, fallback), env));
    }

    public static JsonObject defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/io/certstream/hub/config/hub.json")) {
            if (in == null) {
                throw new IllegalStateException("config/hub.json is missing from the hub jar: rebuild with mvn package");
            }
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObject readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (pass an existing file to --config, e.g. config/hub.json)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        syntaxCheck(file, text);
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw new ConfigException(file + ": is not a JSON object: " + e.getMessage());
        }
    }

    /**
     * Reads the text through once with Jackson to name the line and column of a syntax error: Vert.x's own message
     * hides the location behind Jackson's redacted source description.
     */
    private static void syntaxCheck(Path file, String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ConfigException(file + ": is not a JSON object: syntax error"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
    }

    /**
     * A {@code CERTSTREAM_*} variable that names no key is a typo ({@code CERTSTREAM_SERVER_PROT}) that would
     * otherwise be ignored in silence: an error naming it and the closest known variable. The known variables are
     * derived from the defaults (config/hub.json), so a new key is known as soon as it is there. Not keys, and
     * allowed: the variables the client tools read ({@link #NOT_KEYS}) and those a plugin instance's config names
     * for a secret ({@code "secretEnv": "CERTSTREAM_..."}, any key ending in {@code Env}).
     */
    private static void rejectUnknownVariables(Map<String, String> env, JsonObject merged) {
        Map<String, String> known = new TreeMap<>();
        knownVariables(defaults(), "", known);
        Set<String> named = new HashSet<>(NOT_KEYS);
        namedByEnvKeys(merged.getValue("plugins"), named);
        for (String variable : new TreeSet<>(env.keySet())) {
            if (!variable.startsWith(ENV_PREFIX) || known.containsKey(variable) || named.contains(variable)) {
                continue;
            }
            String closest = null;
            int best = Integer.MAX_VALUE;
            for (String candidate : known.keySet()) {
                int d = distance(variable, candidate);
                if (d < best) {
                    best = d;
                    closest = candidate;
                }
            }
            throw new ConfigException("environment variable " + variable + " names no config key"
                    + (closest == null ? "" : "; did you mean " + closest + " (" + known.get(closest) + ")?")
                    + " Unset it, or see the configuration table in README.md for the known variables");
        }
    }

    /** Variables named CERTSTREAM_ that are not config keys: read by the {@code certstream} CLI and the examples. */
    private static final Set<String> NOT_KEYS = Set.of("CERTSTREAM_URL", "CERTSTREAM_STDOUT_TTY");

    private static void knownVariables(JsonObject defaults, String path, Map<String, String> known) {
        for (Map.Entry<String, Object> e : defaults) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue() instanceof JsonObject d) {
                knownVariables(d, key, known);
            } else {
                known.put(envName(key), key);
            }
        }
    }

    private static void namedByEnvKeys(Object value, Set<String> named) {
        if (value instanceof JsonObject object) {
            for (Map.Entry<String, Object> e : object) {
                if (e.getKey().endsWith("Env") && e.getValue() instanceof String variable) {
                    named.add(variable);
                }
                namedByEnvKeys(e.getValue(), named);
            }
        } else if (value instanceof JsonArray array) {
            array.forEach(item -> namedByEnvKeys(item, named));
        }
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** Deep merge: objects merge key by key, everything else (arrays included) replaces. */
    private static void mergeInto(JsonObject target, JsonObject overlay, String path,
                                  Map<String, String> sources, String source) {
        for (Map.Entry<String, Object> e : overlay) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            Object existing = target.getValue(e.getKey());
            if (existing instanceof JsonObject t && e.getValue() instanceof JsonObject o) {
                mergeInto(t, o, key, sources, source);
            } else {
                target.put(e.getKey(), e.getValue());
                sources.put(key, source);
            }
        }
    }

    /** Only keys that exist in the defaults can come from the environment: the variable names are documented. */
    private static void applyEnvironment(JsonObject target, JsonObject defaults, String path,
                                         Map<String, String> env, Map<String, String> sources) {
        for (Map.Entry<String, Object> e : defaults) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue() instanceof JsonObject d) {
                Object t = target.getValue(e.getKey());
                if (t instanceof JsonObject tObject) {
                    applyEnvironment(tObject, d, key, env, sources);
                }
                continue;
            }
            String variable = envName(key);
            String text = env.get(variable);
            if (text == null) {
                continue;
            }
            String source = "environment variable " + variable;
            sources.put(key, source);
            target.put(e.getKey(), parseLike(e.getValue(), text.trim(), key, source));
        }
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').toUpperCase();
    }

    private static Object parseLike(Object example, String text, String key, String source) {
        if (example instanceof Boolean) {
            if (!text.equals("true") && !text.equals("false")) {
                throw new ConfigException(source + ": " + key + " must be true or false, got \"" + text + "\"");
            }
            return Boolean.parseBoolean(text);
        }
        if (example instanceof Number) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException notAnInteger) {
                // The key's reader decides whether a fraction is allowed (watcher.pollSeconds) and says so if not.
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new ConfigException(source + ": " + key + " must be a number, got \"" + text + "\"");
                }
            }
        }
        if (example instanceof JsonArray) {
            if (text.startsWith("[")) {
                try {
                    return new JsonArray(text);
                } catch (DecodeException e) {
                    throw new ConfigException(source + ": " + key + " must be a JSON array or a comma-separated list: " + e.getMessage());
                }
            }
            JsonArray array = new JsonArray();
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    array.add(item.trim());
                }
            }
            return array;
        }
        return text;
    }

    private static String sourceOf(String key, Map<String, String> sources, String fallback) {
        // The value of "logs[2].url" came from wherever "logs" came from.
        for (String k = key; ; ) {
            String found = sources.get(k);
            if (found != null) {
                return found;
            }
            int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            if (cut <= 0) {
                return fallback;
            }
            k = k.substring(0, cut);
        }
    }
}
