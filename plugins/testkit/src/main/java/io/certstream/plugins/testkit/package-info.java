/**
 * Runs a plugin in tests without starting a hub: a {@link io.certstream.plugin.PluginContext} over a real Vert.x
 * with the hub's subscription queue and secret masking, certificate fixtures and a recording HTTP receiver.
 */
package io.certstream.plugins.testkit;
