package io.certstream.hub.publish;

/**
 * A certificate as it crosses the cluster bus: its {@link Published} (cursor and bytes as the decoding node made
 * them; {@code duplicate} is not sent, each node judges it in cursor order) and the first 64 bits of the
 * certificate's SHA-256, the key of every node's dedup window.
 */
public record Forwarded(Published published, long dedupKey) {
}
