/**
 * The HTTP side: websocket streams with bounded per-client queues, {@code example.json}/{@code latest.json},
 * the landing and {@code /live} pages, and the monitoring routes; the {@link io.certstream.hub.web.AccessGate} in
 * front of every route (allowlists, tokens, connection limits) and the TLS certificate that is reloaded when renewed.
 */
package io.certstream.hub.web;
