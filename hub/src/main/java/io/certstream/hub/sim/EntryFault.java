package io.certstream.hub.sim;

import java.util.Arrays;
import java.util.Random;

/**
 * Ways one entry of a simulated log can be served broken, each as independent logs have been seen to serve them,
 * while the rest of the answer is normal ({@link SimulatedCtLog#corruptEntries}). Applied when the entry is
 * served, by both views: in {@code get-entries} JSON and in data tiles. A tile entry changed this way no longer
 * hashes to the log's tree, or cannot even be framed, which a monitor must also survive.
 */
public enum EntryFault {
    /** MerkleTreeLeaf version 7: well-formed JSON and base64, an entry no decoder can read. In a tile: another timestamp. */
    LEAF_VERSION,
    /** The entry lacks {@code extra_data}. In a tile: the entry ends before its certificate_chain. */
    MISSING_FIELD,
    /** {@code leaf_input} is not base64. In a tile: the entry's bytes are noise. */
    BAD_BASE64,
    /** {@code leaf_input} is cut in half. In a tile too. */
    TRUNCATED,
    /** The certificate's 24-bit length prefix says 100 bytes more than there are. */
    LYING_LENGTH,
    /** {@code entry_type} 5, which RFC 6962 does not define. */
    UNKNOWN_ENTRY_TYPE,
    /** {@code extra_data} is noise. In a tile: a certificate_chain of 33 bytes, not a multiple of 32. */
    GARBAGE_CHAIN;

    /** The MerkleTreeLeaf offset of the entry_type field, and of the certificate's length for x509 entries. */
    private static final int ENTRY_TYPE = 10;

    /** {@code leaf_input} as served; null for a fault that is not in the leaf. */
    byte[] leafInput(byte[] leaf) {
        return switch (this) {
            case LEAF_VERSION -> with(leaf, 0, 7);
            case TRUNCATED -> Arrays.copyOf(leaf, leaf.length / 2);
            case LYING_LENGTH -> lyingLength(leaf, ENTRY_TYPE);
            case UNKNOWN_ENTRY_TYPE -> with(with(leaf, ENTRY_TYPE, 0), ENTRY_TYPE + 1, 5);
            default -> leaf;
        };
    }

    /** {@code extra_data} as served. */
    byte[] extraData(byte[] extra) {
        return this == GARBAGE_CHAIN ? noise(Math.max(40, extra.length / 4)) : extra;
    }

    /**
     * A TileLeaf as served: {@code tileLeaf} is the correct encoding, whose TimestampedEntry is
     * {@code timestampedLength} bytes long.
     */
    byte[] tileLeaf(byte[] tileLeaf, int timestampedLength) {
        int entryType = ENTRY_TYPE - 2; // a TileLeaf starts with the TimestampedEntry: no version nor leaf_type
        return switch (this) {
            case LEAF_VERSION -> with(tileLeaf, 7, tileLeaf[7] ^ 1);
            case MISSING_FIELD -> Arrays.copyOf(tileLeaf, timestampedLength);
            case BAD_BASE64 -> noise(tileLeaf.length);
            case TRUNCATED -> Arrays.copyOf(tileLeaf, tileLeaf.length / 2);
            case LYING_LENGTH -> lyingLength(tileLeaf, entryType);
            case UNKNOWN_ENTRY_TYPE -> with(with(tileLeaf, entryType, 0), entryType + 1, 5);
            case GARBAGE_CHAIN -> {
                // TimestampedEntry, then a precert's pre_certificate<1..2^24-1>, then certificate_chain<0..2^16-1>.
                int chainAt = timestampedLength;
                if (tileLeaf[entryType + 1] == 1) {
                    chainAt += 3 + (((tileLeaf[chainAt] & 0xFF) << 16) | ((tileLeaf[chainAt + 1] & 0xFF) << 8)
                            | (tileLeaf[chainAt + 2] & 0xFF));
                }
                byte[] out = Arrays.copyOf(tileLeaf, chainAt + 2 + 33);
                out[chainAt] = 0;
                out[chainAt + 1] = 33;
                System.arraycopy(noise(33), 0, out, chainAt + 2, 33);
                yield out;
            }
        };
    }

    /** The entry's certificate length (x509) or TBS length (precert) 100 bytes longer than it is. */
    private static byte[] lyingLength(byte[] bytes, int entryTypeAt) {
        int type = ((bytes[entryTypeAt] & 0xFF) << 8) | (bytes[entryTypeAt + 1] & 0xFF);
        int at = entryTypeAt + 2 + (type == 1 ? 32 : 0);
        int length = ((bytes[at] & 0xFF) << 16) | ((bytes[at + 1] & 0xFF) << 8) | (bytes[at + 2] & 0xFF);
        int lie = length + 100;
        byte[] bad = bytes.clone();
        bad[at] = (byte) (lie >>> 16);
        bad[at + 1] = (byte) (lie >>> 8);
        bad[at + 2] = (byte) lie;
        return bad;
    }

    private static byte[] with(byte[] bytes, int at, int value) {
        byte[] changed = bytes.clone();
        changed[at] = (byte) value;
        return changed;
    }

    /** Bytes that are nothing: the same every time, so that a served entry does not change between requests. */
    private static byte[] noise(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
