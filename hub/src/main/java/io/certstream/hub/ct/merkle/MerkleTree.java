package io.certstream.hub.ct.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only RFC 6962 (section 2.1) Merkle tree that can answer for any earlier size.
 *
 * <p>Every complete, aligned power-of-two subtree hash is kept (level k holds the hashes of the
 * subtrees of 2^k leaves), so a root, an inclusion proof or a consistency proof costs
 * O(log n) hashes even for millions of leaves. Memory: about 64 bytes per leaf.
 *
 * <p>Not thread-safe: callers that share a tree between threads must guard it.
 */
public final class MerkleTree {

    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private final List<HashLevel> levels = new ArrayList<>();
    private final MessageDigest sha256 = newSha256();
    private long size;

    /** The RFC 6962 leaf hash: SHA-256(0x00 || leaf). */
    public static byte[] leafHash(byte[] leafInput) {
        MessageDigest digest = newSha256();
        digest.update(LEAF_PREFIX);
        return digest.digest(leafInput);
    }

    /** The RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        return nodeHash(newSha256(), left, right);
    }

    /** The root of the empty tree: SHA-256 of the empty string. */
    public static byte[] emptyRoot() {
        return newSha256().digest();
    }

    /** The number of leaves appended so far. */
    public long size() {
        return size;
    }

    /** Appends a leaf (the raw {@code leaf_input}) and returns its index. */
    public long append(byte[] leafInput) {
        sha256.update(LEAF_PREFIX);
        return appendLeafHash(sha256.digest(leafInput));
    }

    /** Appends a leaf by its already computed leaf hash (e.g. read from a static-ct tile) and returns its index. */
    public long appendLeafHash(byte[] leafHash) {
        requireHash(leafHash, "leaf hash");
        long index = size;
        byte[] hash = leafHash;
        // Completing a subtree at level k also completes its parent when the index is odd there.
        for (int level = 0; ; level++) {
            level(level).add(hash);
            long position = index >>> level;
            if ((position & 1) == 0) {
                break;
            }
            HashLevel current = levels.get(level);
            hash = nodeHash(sha256, current.get(position - 1), hash);
        }
        size++;
        return index;
    }

    /** The hash of leaf {@code index} (SHA-256(0x00 || leaf)). */
    public byte[] leafHashAt(long index) {
        checkRange(index, 0, size - 1, "leaf index");
        return levels.get(0).get(index);
    }

    /**
     * The hash of the complete subtree of {@code 2^height} leaves starting at leaf {@code index * 2^height}: what a
     * static-ct-api hash tile at level L holds for height 8L. The subtree must be within the tree.
     */
    public byte[] completeSubtreeHash(int height, long index) {
        if (height < 0 || height >= levels.size() || index < 0 || index >= levels.get(height).count) {
            throw new IllegalArgumentException("no complete subtree of height " + height + " at index " + index
                    + " in a tree of " + size + " leaves");
        }
        return levels.get(height).get(index);
    }

    /** The Merkle Tree Hash of the first {@code treeSize} leaves. */
    public byte[] rootHash(long treeSize) {
        checkRange(treeSize, 0, size, "tree size");
        if (treeSize == 0) {
            return emptyRoot();
        }
        return subtreeHash(0, treeSize);
    }

    /** The root hash of the whole tree. */
    public byte[] rootHash() {
        return rootHash(size);
    }

    /**
     * The RFC 6962 audit path of leaf {@code index} in the tree of the first {@code treeSize} leaves,
     * nearest the leaf first (the order {@code get-proof-by-hash} serves).
     */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        checkRange(treeSize, 1, size, "tree size");
        checkRange(index, 0, treeSize - 1, "leaf index");
        List<byte[]> path = new ArrayList<>();
        collectInclusion(index, 0, treeSize, path);
        return path;
    }

    /** The RFC 6962 consistency proof between the trees of the first {@code first} and {@code second} leaves. */
    public List<byte[]> consistencyProof(long first, long second) {
        checkRange(second, 0, size, "second tree size");
        checkRange(first, 0, second, "first tree size");
        List<byte[]> proof = new ArrayList<>();
        if (first == 0 || first == second) {
            return proof;
        }
        collectConsistency(first, 0, second, true, proof);
        return proof;
    }

    // PATH(m, D[lo:hi]) of RFC 6962 2.1.1, appending deepest nodes first.
    private void collectInclusion(long index, long lo, long hi, List<byte[]> path) {
        if (hi - lo == 1) {
            return;
        }
        long split = largestPowerOfTwoBelow(hi - lo);
        if (index - lo < split) {
            collectInclusion(index, lo, lo + split, path);
            path.add(subtreeHash(lo + split, hi));
        } else {
            collectInclusion(index, lo + split, hi, path);
            path.add(subtreeHash(lo, lo + split));
        }
    }

    // SUBPROOF(m, D[lo:hi], b) of RFC 6962 2.1.2, where m counts leaves from lo.
    private void collectConsistency(long first, long lo, long hi, boolean wholeOldTree, List<byte[]> proof) {
        long width = hi - lo;
        if (first == width) {
            if (!wholeOldTree) {
                proof.add(subtreeHash(lo, hi));
            }
            return;
        }
        long split = largestPowerOfTwoBelow(width);
        if (first <= split) {
            collectConsistency(first, lo, lo + split, wholeOldTree, proof);
            proof.add(subtreeHash(lo + split, hi));
        } else {
            collectConsistency(first - split, lo + split, hi, false, proof);
            proof.add(subtreeHash(lo, lo + split));
        }
    }

    // Ranges reached from the RFC algorithms always start at a multiple of the largest power of two
    // that fits in them, so the left part is always a cached complete subtree.
    private byte[] subtreeHash(long lo, long hi) {
        long width = hi - lo;
        if (Long.bitCount(width) == 1) {
            int level = Long.numberOfTrailingZeros(width);
            return levels.get(level).get(lo >>> level);
        }
        long split = largestPowerOfTwoBelow(width);
        return nodeHash(sha256, subtreeHash(lo, lo + split), subtreeHash(lo + split, hi));
    }

    private HashLevel level(int level) {
        if (level == levels.size()) {
            levels.add(new HashLevel());
        }
        return levels.get(level);
    }

    /** The largest power of two strictly smaller than {@code n} (n >= 2). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static byte[] nodeHash(MessageDigest digest, byte[] left, byte[] right) {
        digest.update(NODE_PREFIX);
        digest.update(left);
        return digest.digest(right);
    }

    private static void checkRange(long value, long min, long max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is outside [" + min + ", " + max + "]");
        }
    }

    private static void requireHash(byte[] hash, String what) {
        if (hash == null || hash.length != HASH_SIZE) {
            throw new IllegalArgumentException(what + " must be " + HASH_SIZE + " bytes, got "
                    + (hash == null ? "null" : hash.length));
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Hashes of one level, packed in one growing array so a million leaves stay a few large objects. */
    private static final class HashLevel {
        private byte[] hashes = new byte[HASH_SIZE * 64];
        private long count;

        void add(byte[] hash) {
            int offset = Math.toIntExact(count * HASH_SIZE);
            if (offset + HASH_SIZE > hashes.length) {
                hashes = Arrays.copyOf(hashes, Math.toIntExact(Math.min((long) hashes.length * 2, Integer.MAX_VALUE - 8)));
            }
            System.arraycopy(hash, 0, hashes, offset, HASH_SIZE);
            count++;
        }

        byte[] get(long index) {
            int offset = Math.toIntExact(index * HASH_SIZE);
            return Arrays.copyOfRange(hashes, offset, offset + HASH_SIZE);
        }
    }
}
