package io.certstream.plugins.webhook;

import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginFactory;

import java.util.Set;

/** {@code "type": "webhook"}: see {@link WebhookPlugin}. */
public final class WebhookFactory implements PluginFactory {
    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String description() {
        return "POSTs certificates or alerts as signed JSON batches to a URL, with retries and a durable on-disk queue";
    }

    /** The URL may carry a token, the HMAC key is one, headers may hold credentials. Masked by the hub in every log line (values from {@code ...Env} variables too). */
    @Override
    public Set<String> secretKeys() {
        return Set.of("url", "secret", "headers");
    }

    @Override
    public Plugin create() {
        return new WebhookPlugin();
    }
}
