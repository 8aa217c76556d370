package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.Sha256;
import io.certstream.hub.decode.MalformedEntryException;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.decode.TlsReader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One entry of a static-ct-api data tile:
 * <pre>
 * struct {
 *     TimestampedEntry timestamped_entry;
 *     select (entry_type) { case x509_entry: Empty; case precert_entry: ASN.1Cert pre_certificate; };
 *     Fingerprint certificate_chain&lt;0..2^16-1&gt;;   // SHA-256 of each issuer, served at issuer/&lt;hex&gt;
 * } TileLeaf;
 * </pre>
 * With its issuers fetched it becomes exactly the RFC 6962 {@code leaf_input} and {@code extra_data} of the
 * same entry ({@link #toRawEntry}), so both kinds of log go through the same decoder and give the same messages.
 *
 * @param index            the entry's index in the log
 * @param timestamp        the TimestampedEntry timestamp, epoch milliseconds
 * @param entryType        0 x509_entry, 1 precert_entry
 * @param timestampedEntry the TimestampedEntry bytes as the log hashed them
 * @param preCertificate   the precertificate (poison included) for precert entries, {@code null} for x509 entries
 * @param chain            SHA-256 fingerprints of the issuers, nearest first
 */
public record TileLeaf(long index, long timestamp, int entryType, byte[] timestampedEntry, byte[] preCertificate,
                       List<byte[]> chain) {
    private static final int X509_ENTRY = 0;
    private static final int PRECERT_ENTRY = 1;
    private static final int FINGERPRINT = 32;
    private static final int LEAF_INDEX_EXTENSION = 0;

    public TileLeaf {
        chain = List.copyOf(chain);
    }

    /**
     * Reads the {@code count} entries of a data tile whose first entry is {@code firstIndex}. A tile with fewer
     * entries, more bytes, or an entry whose {@code leaf_index} extension names another index is malformed.
     */
    public static List<TileLeaf> parseTile(byte[] tile, long firstIndex, int count, String where) {
        TlsReader in = new TlsReader(tile, where);
        List<TileLeaf> leaves = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!in.hasRemaining()) {
                throw in.malformed("the tile ends after " + i + " of its " + count + " entries (truncated)");
            }
            leaves.add(read(in, firstIndex + i));
        }
        in.expectEnd("entry " + (firstIndex + count - 1) + ", the last of the tile's " + count);
        return leaves;
    }

    /**
     * One entry of a tile read one by one: the leaf, or why the entry cannot be streamed.
     *
     * @param leaf    the entry, checked against the log's tree, or null
     * @param problem null, or what is wrong with the entry
     */
    public record Checked(TileLeaf leaf, String problem) {
    }

    /**
     * Reads the first {@code width} entries of a data tile that {@link #parseTile} rejects or whose entries do not all
     * hash to the tree, one entry at a time against {@code expected}, the leaf hashes of those entries checked up to
     * the log's tree (the level-0 hash tile): an entry is kept only when it hashes to its own leaf hash. Where an
     * entry cannot be read or does not match, the next one is found again by looking for the first later offset at
     * which an entry reads and hashes to a later leaf hash, so that one broken entry costs only itself (and an entry
     * lost with it when two break in a row). Slow (a parse attempt per byte of a broken entry), so only for such tiles.
     */
    public static List<Checked> parseChecked(byte[] tile, long firstIndex, int width, List<byte[]> expected, String where) {
        Map<ByteBuffer, TreeSet<Integer>> byHash = new HashMap<>();
        for (int j = 0; j < width; j++) {
            byHash.computeIfAbsent(ByteBuffer.wrap(expected.get(j)), h -> new TreeSet<>()).add(j);
        }
        List<Checked> out = new ArrayList<>(width);
        int pos = 0;
        int i = 0;
        while (i < width) {
            String problem;
            TlsReader in = readerAt(tile, pos, where);
            try {
                TileLeaf leaf = read(in, firstIndex + i);
                if (Arrays.equals(leaf.leafHash(), expected.get(i))) {
                    out.add(new Checked(leaf, null));
                    pos = in.position();
                    i++;
                    continue;
                }
                problem = "entry " + (firstIndex + i) + " in the tile does not hash to its leaf hash in the log's tree";
            } catch (MalformedEntryException e) {
                problem = e.getMessage();
            }
            // Find the next entry that reads and matches a later leaf hash.
            int found = -1;
            int foundAt = -1;
            for (int p = pos + 1; p + 10 <= tile.length && found < 0; p++) {
                int type = ((tile[p + 8] & 0xFF) << 8) | (tile[p + 9] & 0xFF);
                if (type != X509_ENTRY && type != PRECERT_ENTRY) {
                    continue; // most offsets: skip them without the cost of an exception
                }
                TlsReader at = readerAt(tile, p, where);
                try {
                    TileLeaf candidate = read(at, -1);
                    TreeSet<Integer> js = byHash.get(ByteBuffer.wrap(candidate.leafHash()));
                    Integer j = js == null ? null : js.higher(i);
                    if (j != null) {
                        found = j;
                        foundAt = p;
                    }
                } catch (MalformedEntryException e) {
                    // not an entry's start
                }
            }
            int brokenUntil = found < 0 ? width : found;
            out.add(new Checked(null, problem));
            for (int k = i + 1; k < brokenUntil; k++) {
                out.add(new Checked(null, "entry " + (firstIndex + k) + " cannot be told apart from the broken entry "
                        + (firstIndex + i) + " before it in " + where));
            }
            i = brokenUntil;
            pos = foundAt;
        }
        return out;
    }

    private static TlsReader readerAt(byte[] tile, int offset, String where) {
        TlsReader in = new TlsReader(tile, where);
        in.skip(offset, "the entries before");
        return in;
    }

    /** @param index the entry's index, or -1 to read an entry whose index is not known (its leaf_index unchecked) */
    private static TileLeaf read(TlsReader in, long index) {
        String e = "entry " + index + " ";
        int start = in.position();
        long timestamp = in.u64(e + "timestamp");
        int entryType = in.u16(e + "entry_type");
        switch (entryType) {
            case X509_ENTRY -> in.vector24(e + "x509_entry");
            case PRECERT_ENTRY -> {
                in.skip(FINGERPRINT, e + "issuer_key_hash");
                in.vector24(e + "tbs_certificate");
            }
            default -> throw in.malformed(e + "has unknown entry_type " + entryType);
        }
        int extensionsLength = in.u16(e + "extensions length");
        byte[] extensions = in.bytes(extensionsLength, e + "extensions");
        byte[] timestampedEntry = in.copy(start, in.position());
        byte[] preCertificate = entryType == PRECERT_ENTRY ? in.vector24(e + "pre_certificate") : null;
        int chainLength = in.u16(e + "certificate_chain length");
        if (chainLength % FINGERPRINT != 0) {
            throw in.malformed(e + "certificate_chain is " + chainLength + " bytes, not a multiple of 32");
        }
        List<byte[]> chain = new ArrayList<>(chainLength / FINGERPRINT);
        for (int i = 0; i < chainLength / FINGERPRINT; i++) {
            chain.add(in.bytes(FINGERPRINT, e + "fingerprint " + i));
        }
        long leafIndex = leafIndex(extensions);
        if (index >= 0 && leafIndex >= 0 && leafIndex != index) {
            // The tile is not the one we asked for (or is corrupt): publishing it would mislabel every entry.
            throw in.malformed(e + "carries leaf_index " + leafIndex + "; the tile is not tile of entry " + index);
        }
        return new TileLeaf(index, timestamp, entryType, timestampedEntry, preCertificate, chain);
    }

    /** The static-ct-api leaf_index extension, or -1 when absent or not well formed (RFC 6962 logs have none). */
    private static long leafIndex(byte[] extensions) {
        int pos = 0;
        while (pos + 3 <= extensions.length) {
            int type = extensions[pos] & 0xFF;
            int length = ((extensions[pos + 1] & 0xFF) << 8) | (extensions[pos + 2] & 0xFF);
            pos += 3;
            if (pos + length > extensions.length) {
                return -1;
            }
            if (type == LEAF_INDEX_EXTENSION && length == 5) {
                long value = 0;
                for (int i = 0; i < 5; i++) {
                    value = (value << 8) | (extensions[pos + i] & 0xFF);
                }
                return value;
            }
            pos += length;
        }
        return -1;
    }

    /**
     * A tile leaf for an entry given as an RFC 6962 MerkleTreeLeaf ({@code leaf_input}): how a log that serves
     * both APIs writes its data tiles.
     */
    public static TileLeaf fromMerkleTreeLeaf(long index, byte[] leafInput, byte[] preCertificate, List<byte[]> chain) {
        TlsReader in = new TlsReader(leafInput, "entry " + index + " leaf_input");
        if (in.u8("version") != 0 || in.u8("leaf_type") != 0) {
            throw in.malformed("not a v1 timestamped_entry MerkleTreeLeaf");
        }
        long timestamp = in.u64("timestamp");
        int entryType = in.u16("entry_type");
        if ((entryType == PRECERT_ENTRY) != (preCertificate != null)) {
            throw new IllegalArgumentException("entry " + index + ": a precert entry needs its pre_certificate, an x509 entry none");
        }
        byte[] timestampedEntry = Arrays.copyOfRange(leafInput, 2, leafInput.length);
        return new TileLeaf(index, timestamp, entryType, timestampedEntry, preCertificate, chain);
    }

    /** The TileLeaf bytes, as a data tile holds them. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(timestampedEntry.length + 2048);
        out.writeBytes(timestampedEntry);
        if (preCertificate != null) {
            uint24(out, preCertificate.length);
            out.writeBytes(preCertificate);
        }
        int chainLength = chain.size() * FINGERPRINT;
        out.write(chainLength >>> 8);
        out.write(chainLength);
        chain.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** The entry's Merkle leaf hash: SHA-256(0x00 || MerkleTreeLeaf), the MerkleTreeLeaf being v1, timestamped_entry. */
    public byte[] leafHash() {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update(new byte[] {0, 0, 0});
        return sha256.digest(timestampedEntry);
    }

    /** Lower-case hex fingerprints: the names of the issuers under {@code issuer/}. */
    public List<String> chainHex() {
        return chain.stream().map(HexFormat.of()::formatHex).toList();
    }

    /**
     * The entry as RFC 6962 {@code get-entries} serves it: {@code leaf_input} is the MerkleTreeLeaf (v1,
     * timestamped_entry) around the TimestampedEntry; {@code extra_data} is the certificate_chain of an x509 entry
     * or the PrecertChainEntry of a precert entry.
     *
     * @param issuers the DER of each certificate of {@link #chain()}, in the same order
     */
    public RawEntry toRawEntry(List<byte[]> issuers) {
        if (issuers.size() != chain.size()) {
            throw new IllegalArgumentException("entry " + index + " has " + chain.size() + " issuers, got " + issuers.size());
        }
        byte[] leafInput = new byte[timestampedEntry.length + 2];
        System.arraycopy(timestampedEntry, 0, leafInput, 2, timestampedEntry.length);
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] der : issuers) {
            uint24(list, der.length);
            list.writeBytes(der);
        }
        ByteArrayOutputStream extra = new ByteArrayOutputStream();
        if (preCertificate != null) {
            uint24(extra, preCertificate.length);
            extra.writeBytes(preCertificate);
        }
        uint24(extra, list.size());
        extra.writeBytes(list.toByteArray());
        return new RawEntry(index, leafInput, extra.toByteArray());
    }

    private static void uint24(ByteArrayOutputStream out, int value) {
        if (value >= 1 << 24) {
            throw new MalformedEntryException("a certificate of " + value + " bytes does not fit a 24-bit length");
        }
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
