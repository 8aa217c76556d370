/**
 * The hub: {@link io.certstream.hub.Main} reads the configuration and starts {@link io.certstream.hub.Hub}, which wires
 * the log watchers, the publisher, the web and bridge verticles and the plugins together.
 */
package io.certstream.hub;
