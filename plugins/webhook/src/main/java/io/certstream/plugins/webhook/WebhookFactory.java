package io.certstream.plugins.webhook;

import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginFactory;

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

    @Override
    public Plugin create() {
        return new WebhookPlugin();
    }
}
