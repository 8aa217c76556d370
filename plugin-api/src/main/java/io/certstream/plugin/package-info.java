/**
 * The hub's plugin SPI. A plugin jar implements {@link io.certstream.plugin.PluginFactory}, lists it in
 * {@code META-INF/services/io.certstream.plugin.PluginFactory}, and depends on this module and Vert.x with
 * {@code provided} scope (the hub supplies both). The hub finds factories on its classpath and in its
 * plugins directory (one class loader per jar), creates one {@link io.certstream.plugin.Plugin} per config
 * entry and hands it a {@link io.certstream.plugin.PluginContext}. Versioned by
 * {@link io.certstream.plugin.PluginContext#SPI_VERSION}. See {@code plugins/README.md}.
 */
package io.certstream.plugin;
