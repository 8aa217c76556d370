package io.certstream.plugin;

/**
 * A plugin's config entry is wrong. The hub turns it into its own config error, prefixed with the config
 * file and the entry's position, and refuses to start.
 */
public final class PluginConfigException extends RuntimeException {
    private final String plugin;
    private final String key;
    private final String problem;

    /**
     * @param plugin  the instance name ({@link PluginContext#name()})
     * @param key     the offending key, dotted for nested keys
     * @param problem what is wrong and what to do
     */
    public PluginConfigException(String plugin, String key, String problem) {
        super(plugin + ": " + key + " " + problem);
        this.plugin = plugin;
        this.key = key;
        this.problem = problem;
    }

    /** The instance name. */
    public String plugin() {
        return plugin;
    }

    /** The offending config key. */
    public String key() {
        return key;
    }

    /** What is wrong and what to do, without plugin or key. */
    public String problem() {
        return problem;
    }
}
