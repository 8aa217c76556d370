package io.certstream.plugins.slack;

import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginFactory;

import java.util.Set;

/** {@code "type": "slack"}: see {@link SlackPlugin}. */
public final class SlackFactory implements PluginFactory {
    @Override
    public String type() {
        return "slack";
    }

    @Override
    public String description() {
        return "sends alerts to a Slack incoming webhook, batched under Slack's rate limit";
    }

    /** The incoming-webhook URL is the credential: whoever has it can post to the channel. Masked by the hub in every log line (values from {@code ...Env} variables too). */
    @Override
    public Set<String> secretKeys() {
        return Set.of("webhookUrl");
    }

    @Override
    public Plugin create() {
        return new SlackPlugin();
    }
}
