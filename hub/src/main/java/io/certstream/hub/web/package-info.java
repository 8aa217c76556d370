/**
 * The HTTP side: websocket and SSE streams with bounded per-client queues, their query filters (grouped per distinct
 * filter) and resume from the replay buffer, {@code example.json}/{@code latest.json}, the landing and {@code /live}
 * pages, and the monitoring routes; the {@link io.certstream.hub.web.AccessGate} in front of every route
 * (allowlists, tokens, connection limits) and the TLS certificate that is reloaded when renewed.
 */
package io.certstream.hub.web;
