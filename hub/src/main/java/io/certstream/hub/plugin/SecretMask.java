package io.certstream.hub.plugin;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Hides one plugin instance's secrets in text: the values of the config keys its factory names
 * ({@link io.certstream.plugin.PluginFactory#secretKeys()}) and the environment values it read. A URL is also hidden
 * by its path and query, which HTTP errors quote without the host (a Slack or webhook URL carries its token there).
 * The hub masks every line the plugin logs through its logger ({@link #install}) and every error it reports about
 * the instance ({@link #mask(String)}), so no plugin redacts by hand. Thread-safe.
 */
public final class SecretMask {
    /** Shorter values are not masked: replacing every "ab" would garble the log, and such a secret protects nothing. */
    static final int MIN_LENGTH = 4;
    /** How deep a chain of causes is masked. */
    private static final int MAX_CAUSES = 8;

    /** Secret text -> what is shown instead, longest first so that a URL is replaced before its path. */
    private volatile List<Map.Entry<String, String>> replacements = List.of();

    /**
     * The values of {@code secretKeys} in the instance's {@code config}: a string, or each string of an object (e.g.
     * HTTP headers); other values are skipped.
     */
    public static SecretMask of(Set<String> secretKeys, JsonObject config) {
        SecretMask mask = new SecretMask();
        if (secretKeys != null) {
            for (String key : secretKeys) {
                if (config.getValue(key) instanceof String value) {
                    mask.add(value, key);
                } else if (config.getValue(key) instanceof JsonObject object) {
                    object.forEach(e -> mask.add(e.getValue() instanceof String s ? s : null, key + "." + e.getKey()));
                }
            }
        }
        return mask;
    }

    /**
     * Adds a secret value.
     *
     * @param name what the masked text says was there, e.g. {@code url} gives {@code <secret url>}
     */
    public synchronized void add(String value, String name) {
        if (value == null || value.length() < MIN_LENGTH) {
            return;
        }
        Map<String, String> all = new LinkedHashMap<>();
        replacements.forEach(e -> all.put(e.getKey(), e.getValue()));
        all.putIfAbsent(value, "<secret " + name + ">");
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getRawPath() != null && uri.getRawPath().length() > 1) {
                all.putIfAbsent(uri.getRawPath(), "<secret " + name + " path>");
            }
            if (uri.getRawQuery() != null && uri.getRawQuery().length() >= MIN_LENGTH) {
                all.putIfAbsent(uri.getRawQuery(), "<secret " + name + " query>");
            }
        } catch (URISyntaxException notAUrl) {
            // masked as a whole only
        }
        List<Map.Entry<String, String>> sorted = new ArrayList<>(all.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        replacements = List.copyOf(sorted);
    }

    /** The text with every secret replaced. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Map.Entry<String, String> e : replacements) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The throwable itself when neither it nor its causes mention a secret, else a copy that prints masked (same
     * stack traces, causes masked too).
     */
    public Throwable mask(Throwable thrown) {
        return mask(thrown, MAX_CAUSES);
    }

    private Throwable mask(Throwable thrown, int depth) {
        if (thrown == null || depth == 0 || !mentionsSecret(thrown, depth)) {
            return thrown;
        }
        Masked copy = new Masked(mask(thrown.toString()), mask(thrown.getCause(), depth - 1));
        copy.setStackTrace(thrown.getStackTrace());
        return copy;
    }

    private boolean mentionsSecret(Throwable thrown, int depth) {
        for (Throwable t = thrown; t != null && depth > 0; t = t.getCause(), depth--) {
            String text = t.toString();
            if (!mask(text).equals(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Masks every record {@code logger} logs before any handler sees it: message, parameters and exception. The
     * filter replaces any earlier one (a restarted instance of the same name gets the new mask).
     */
    public void install(Logger logger) {
        logger.setFilter(record -> {
            mask(record);
            return true;
        });
    }

    void mask(LogRecord record) {
        record.setMessage(mask(record.getMessage()));
        Object[] parameters = record.getParameters();
        if (parameters != null) {
            Object[] masked = parameters.clone();
            for (int i = 0; i < masked.length; i++) {
                String text = String.valueOf(masked[i]);
                String hidden = mask(text);
                if (!hidden.equals(text)) {
                    masked[i] = hidden;
                }
            }
            record.setParameters(masked);
        }
        record.setThrown(mask(record.getThrown()));
    }

    /** An exception that prints as the masked original ({@code class: message}). */
    private static final class Masked extends RuntimeException {
        private final String text;

        Masked(String text, Throwable cause) {
            super(text, cause, false, true);
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
