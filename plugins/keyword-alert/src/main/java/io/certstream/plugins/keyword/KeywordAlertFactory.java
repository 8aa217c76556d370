package io.certstream.plugins.keyword;

import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginFactory;

/** {@code "type": "keyword-alert"}: see {@link KeywordAlertPlugin}. */
public final class KeywordAlertFactory implements PluginFactory {
    @Override
    public String type() {
        return "keyword-alert";
    }

    @Override
    public String description() {
        return "matches certificate domains against rules (exact, suffix, keyword, regex, look-alike) and publishes alerts";
    }

    @Override
    public Plugin create() {
        return new KeywordAlertPlugin();
    }
}
