/**
 * RFC 6962 logs: {@code get-sth}, {@code get-sth-consistency} and {@code get-entries}, parsed without
 * copying, prefetched, and the watcher that follows one such log.
 */
package io.certstream.hub.ct.rfc6962;
