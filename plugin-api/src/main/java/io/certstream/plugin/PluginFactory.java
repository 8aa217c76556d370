package io.certstream.plugin;

import java.util.Set;

/**
 * The service a plugin jar provides: found by {@link java.util.ServiceLoader}, so a plugin jar lists its
 * implementation in {@code META-INF/services/io.certstream.plugin.PluginFactory}.
 *
 * <p>The hub calls {@link #create()} once per entry of its {@code "plugins"} config whose {@code "type"}
 * equals {@link #type()}: several webhook sinks with different URLs are several instances of one factory.
 * Implementations need a public no-argument constructor and must not do work in it: the hub instantiates
 * every factory it finds at start-up, including those no config entry uses.
 */
public interface PluginFactory {

    /**
     * The value of {@code "type"} in a config entry that selects this plugin, e.g. {@code "webhook"}.
     * Lower-case words joined with {@code -}; unique among the plugins a hub loads (the hub refuses to
     * start when two jars claim the same type).
     */
    String type();

    /** One line for the hub's start-up listing, e.g. {@code "POSTs certificates or alerts as JSON to a URL"}. */
    String description();

    /** A new, unstarted instance. The hub then calls {@link Plugin#start(PluginContext)} exactly once. */
    Plugin create();

    /**
     * The config keys whose values are secrets, e.g. {@code Set.of("url", "secret")}: the hub masks their values
     * (and, for a URL, its path and query) in every line the plugin logs through {@link PluginContext#logger()} and
     * in every error the hub reports about the instance, so plugins need not redact by hand. Values read through
     * {@link PluginContext#environment} are masked as well. Top-level keys of the instance's entry; default none.
     */
    default Set<String> secretKeys() {
        return Set.of();
    }
}
