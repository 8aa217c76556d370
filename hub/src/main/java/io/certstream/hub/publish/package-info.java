/**
 * Puts serialized certificates on the event bus (by reference, no copy per consumer), stamping each with its cursor,
 * its dedup verdict and a place in the replay buffer (a memory tail, and segment files under {@code <stateDir>/replay}
 * written by one thread), and tracks how far each consumer's event loop lags behind, so
 * overloaded ones shed instead of queueing without bound.
 */
package io.certstream.hub.publish;
