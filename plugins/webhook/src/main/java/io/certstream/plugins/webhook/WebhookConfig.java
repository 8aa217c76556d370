package io.certstream.plugins.webhook;

import io.certstream.plugin.PluginConfig;
import io.certstream.plugin.PluginContext;
import io.certstream.retry.Backoff;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * A webhook instance's settings, read and checked from its config entry. Keys and defaults are
 * documented in {@code config/plugins/README.md}.
 */
record WebhookConfig(
        URI url,
        boolean alerts,
        ItemFilter filter,
        Map<String, String> headers,
        String secret,
        int batchSize,
        long batchMillis,
        long timeoutMillis,
        int maxRetries,
        Backoff backoff,
        int queueSize,
        long spillMaxBytes) {

    static WebhookConfig read(PluginContext context) {
        PluginConfig c = PluginConfig.of(context).allowOnly(
                "url", "urlEnv", "source", "filter", "headers", "secret", "secretEnv", "batchSize", "batchMillis",
                "timeoutMillis", "maxRetries", "initialBackoffMillis", "maxBackoffMillis", "queueSize", "spillMaxBytes");
        // The URL may carry a token (many receivers authenticate by path), so it can come from the environment.
        URI url = c.httpUrl("url", c.secret("url", "urlEnv", true));
        boolean alerts = c.oneOf("source", "alerts", "alerts", "certificates").equals("alerts");
        Map<String, String> headers = c.stringMap("headers");
        for (String h : headers.keySet()) {
            if (h.equalsIgnoreCase("content-type") || h.toLowerCase(Locale.ROOT).startsWith("x-certstream-")) {
                throw c.error("headers." + h, "is set by the webhook itself; remove it");
            }
        }
        long initial = c.longValue("initialBackoffMillis", 500, 10, 3_600_000);
        long max = c.longValue("maxBackoffMillis", 60_000, 10, 86_400_000);
        if (max < initial) {
            throw c.error("maxBackoffMillis", "(" + max + ") must not be below initialBackoffMillis (" + initial + ")");
        }
        return new WebhookConfig(
                url,
                alerts,
                ItemFilter.read(c.object("filter"), alerts),
                headers,
                c.secret("secret", "secretEnv", false),
                c.integer("batchSize", 50, 1, 10_000),
                c.longValue("batchMillis", 1_000, 0, 3_600_000),
                c.longValue("timeoutMillis", 10_000, 100, 600_000),
                c.integer("maxRetries", -1, -1, Integer.MAX_VALUE),
                new Backoff(initial, max, Backoff.Jitter.EQUAL),
                c.integer("queueSize", 10_000, 1, 10_000_000),
                c.longValue("spillMaxBytes", 1L << 30, 1L << 16, Long.MAX_VALUE));
    }
}
