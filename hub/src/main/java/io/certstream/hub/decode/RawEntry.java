package io.certstream.hub.decode;

/**
 * One log entry as a log serves it, before decoding.
 *
 * @param index     the entry's index in the log
 * @param leafInput the MerkleTreeLeaf bytes (RFC 6962 {@code leaf_input}; for tiled logs, re-encoded the same way)
 * @param extraData the chain bytes (RFC 6962 {@code extra_data}: a certificate_chain or a PrecertChainEntry)
 */
public record RawEntry(long index, byte[] leafInput, byte[] extraData) {
}
