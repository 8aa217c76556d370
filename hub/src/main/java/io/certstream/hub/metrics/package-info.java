/**
 * Counters behind {@code /stats}, {@code /metrics} and {@code /health}: per hub, per log and per endpoint,
 * registered in the Prometheus registry.
 */
package io.certstream.hub.metrics;
