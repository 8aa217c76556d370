/**
 * The HTTP side: websocket streams with bounded per-client queues, {@code example.json}/{@code latest.json},
 * the landing and {@code /live} pages, and the monitoring routes.
 */
package io.certstream.hub.web;
