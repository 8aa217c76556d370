package io.certstream.hub.decode;

/**
 * One log entry as a log serves it, before decoding.
 *
 * @param index     the entry's index in the log
 * @param leafInput the MerkleTreeLeaf bytes (RFC 6962 {@code leaf_input}; for tiled logs, re-encoded the same way)
 * @param extraData the chain bytes (RFC 6962 {@code extra_data}: a certificate_chain or a PrecertChainEntry)
 * @param problem   null, or why the log's answer held no usable bytes for this entry (a field missing, not base64,
 *                  a tile entry that cannot be read): the decoder then reports it as a malformed entry, so that
 *                  one broken entry is counted and skipped like any undecodable one instead of failing its batch
 */
public record RawEntry(long index, byte[] leafInput, byte[] extraData, String problem) {

    public RawEntry(long index, byte[] leafInput, byte[] extraData) {
        this(index, leafInput, extraData, null);
    }

    /** An entry the log served in a form that cannot even be read as bytes. */
    public static RawEntry broken(long index, String problem) {
        return new RawEntry(index, null, null, problem);
    }
}
