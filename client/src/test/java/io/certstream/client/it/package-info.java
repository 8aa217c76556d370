/**
 * The client library and the {@code certstream} CLI against the real hub on a simulated log: typed updates,
 * reconnects, keep-alive, the CLI as a separate process and the shaded jar.
 */
package io.certstream.client.it;
