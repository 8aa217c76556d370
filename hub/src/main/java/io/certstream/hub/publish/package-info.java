/**
 * Puts serialized certificates on the event bus (by reference, no copy per consumer) and tracks how far
 * each consumer's event loop lags behind, so overloaded ones shed instead of queueing without bound.
 */
package io.certstream.hub.publish;
