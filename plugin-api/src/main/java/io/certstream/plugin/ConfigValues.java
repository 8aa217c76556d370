package io.certstream.plugin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.TreeSet;

/**
 * The config vocabulary shared by the hub's own configuration and {@link PluginConfig}: one wording for what is
 * wrong with a value, so a user reads the same sentence for {@code server.port} and for a plugin's
 * {@code batchSize}. Each check returns the value or throws a {@link Problem} saying what is wrong; the reader then
 * names the key and where it came from (the hub: file or environment variable; a plugin: its entry).
 */
public final class ConfigValues {
    private ConfigValues() {
    }

    /** What is wrong with a value, e.g. {@code must be between 1 and 10, got 50}; without the key. */
    public static final class Problem extends RuntimeException {
        public Problem(String text) {
            super(text, null, false, false);
        }
    }

    /** A value as a message shows it: strings quoted, objects and arrays by their kind. */
    public static String describe(Object value) {
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof JsonObject) {
            return "an object";
        }
        if (value instanceof JsonArray) {
            return "an array";
        }
        return String.valueOf(value);
    }

    /** The first key of {@code json} not in {@code known}, or {@code null}: a typo must not be silently ignored. */
    public static String unknownKey(JsonObject json, Collection<String> known) {
        for (String key : json.fieldNames()) {
            if (!known.contains(key)) {
                return key;
            }
        }
        return null;
    }

    /** The problem of an unknown key, listing the known ones (sorted). */
    public static Problem unknownKeyProblem(Collection<String> known) {
        return new Problem("is not a known key (known keys: " + String.join(", ", new TreeSet<>(known)) + ")");
    }

    public static String string(Object value) {
        if (!(value instanceof String s)) {
            throw new Problem("must be a string, got " + describe(value));
        }
        return s;
    }

    public static boolean bool(Object value) {
        if (!(value instanceof Boolean b)) {
            throw new Problem("must be true or false, got " + describe(value));
        }
        return b;
    }

    /** A whole number between {@code min} and {@code max}. */
    public static long integer(Object value, long min, long max) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new Problem("must be an integer, got " + describe(value));
        }
        return inRange(n.longValue(), min, max);
    }

    /** A number that may have a fraction (e.g. {@code 0.5} seconds) between {@code min} and {@code max}. */
    public static double decimal(Object value, double min, double max) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new Problem("must be a number, got " + describe(value));
        }
        double v = n.doubleValue();
        if (v < min || v > max) {
            throw new Problem("must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private static long inRange(long v, long min, long max) {
        if (v < min || v > max) {
            throw new Problem("must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }
}
