package io.certstream.plugins.slack;

import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginFactory;

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

    @Override
    public Plugin create() {
        return new SlackPlugin();
    }
}
