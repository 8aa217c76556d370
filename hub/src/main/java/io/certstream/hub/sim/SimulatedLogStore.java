package io.certstream.hub.sim;

import io.certstream.hub.ct.Sha256;
import io.certstream.hub.ct.merkle.MerkleTree;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The entries of a simulated log and their Merkle tree. The issuing thread appends while event
 * loops read, so every method locks; each call holds the lock for O(log n) hashing at most.
 * Views of the log (the RFC 6962 API and the static-ct-api tiled view) read from here.
 */
final class SimulatedLogStore {

    private final List<IssuedEntry> entries = new ArrayList<>();
    private MerkleTree tree = new MerkleTree();
    private final Map<ByteBuffer, Long> indexByLeafHash = new HashMap<>();
    private final Map<String, byte[]> issuersBySha256 = new HashMap<>();

    synchronized void append(List<IssuedEntry> batch) {
        for (IssuedEntry entry : batch) {
            if (entry.index() != entries.size()) {
                throw new IllegalStateException("entry " + entry.index() + " issued out of order; the log has "
                        + entries.size() + " entries");
            }
            long index = tree.append(entry.raw().leafInput());
            indexByLeafHash.putIfAbsent(ByteBuffer.wrap(tree.leafHashAt(index)), index);
            for (byte[] der : entry.chainDer()) {
                issuersBySha256.computeIfAbsent(HexFormat.of().formatHex(Sha256.digest(der)), k -> der);
            }
            entries.add(entry);
        }
    }

    /**
     * Puts {@code replacement} in place of the entry at its index, rebuilds the tree and appends {@code then}, in one
     * step, as a log that rewrote its history would: readers see the old tree or the new one, never a mix. O(n)
     * hashing under the lock; for tests.
     */
    synchronized void rewrite(IssuedEntry replacement, List<IssuedEntry> then) {
        entries.set((int) replacement.index(), replacement);
        List<IssuedEntry> kept = List.copyOf(entries);
        entries.clear();
        tree = new MerkleTree();
        indexByLeafHash.clear();
        append(kept);
        append(then);
    }

    synchronized long size() {
        return entries.size();
    }

    synchronized IssuedEntry entry(long index) {
        if (index < 0 || index >= entries.size()) {
            throw new IndexOutOfBoundsException("entry " + index + " is outside the log of " + entries.size() + " entries");
        }
        return entries.get((int) index);
    }

    /** Entries {@code start..end}, both inclusive and within the log. */
    synchronized List<IssuedEntry> entries(long start, long end) {
        return List.copyOf(entries.subList((int) start, (int) end + 1));
    }

    synchronized byte[] rootHash(long treeSize) {
        return tree.rootHash(treeSize);
    }

    synchronized List<byte[]> consistencyProof(long first, long second) {
        return tree.consistencyProof(first, second);
    }

    synchronized List<byte[]> inclusionProof(long index, long treeSize) {
        return tree.inclusionProof(index, treeSize);
    }

    /** A complete subtree's hash (see {@link MerkleTree#completeSubtreeHash}). */
    synchronized byte[] completeSubtreeHash(int height, long index) {
        return tree.completeSubtreeHash(height, index);
    }

    /** The DER of an issuer that some entry's chain holds, by lower-case hex SHA-256, or null. */
    synchronized byte[] issuer(String sha256Hex) {
        return issuersBySha256.get(sha256Hex);
    }

    /** The index of the first leaf with this leaf hash, or -1. */
    synchronized long indexOfLeafHash(byte[] leafHash) {
        return indexByLeafHash.getOrDefault(ByteBuffer.wrap(leafHash), -1L);
    }
}
