package io.certstream.hub.ct;

/**
 * A log's signed tree head: RFC 6962 {@code get-sth}, or a tiled log's checkpoint.
 *
 * @param treeSize  number of entries in the tree
 * @param timestamp milliseconds since the epoch
 * @param rootHash  SHA-256 Merkle tree hash
 * @param signature the log's TLS DigitallySigned signature over the tree head (empty for checkpoints)
 */
public record SignedTreeHead(long treeSize, long timestamp, byte[] rootHash, byte[] signature) {
}
