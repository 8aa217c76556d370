package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.merkle.MerkleTree;

import java.util.ArrayList;
import java.util.List;

/**
 * Merkle arithmetic over tlog-tiles: which hash tiles make up the right edge of a tree, and how the tree's root
 * (RFC 6962 Merkle Tree Hash) is computed from them. Level {@code l} holds hashes of complete subtrees of
 * {@code 256^l} leaves; a tree of {@code n} leaves has {@code n >> 8l} of them, of which the last
 * {@code (n >> 8l) mod 256} sit in a partial tile: those partial tiles, from the highest level down, cover the
 * whole tree left to right.
 */
public final class TileHashes {
    private static final int TILE_HEIGHT = 8;

    private TileHashes() {
    }

    /** A hash tile: its level, index and width (256 for a full tile). */
    public record TileRef(int level, long index, int width) {
        public String path() {
            return TilePath.hashTile(level, index, width);
        }
    }

    /** The partial tiles at the right edge of a tree of {@code treeSize} leaves, highest level first. */
    public static List<TileRef> rightEdge(long treeSize) {
        List<TileRef> edge = new ArrayList<>();
        for (int level = 0; level * TILE_HEIGHT < 63 && treeSize >> (level * TILE_HEIGHT) > 0; level++) {
            long count = treeSize >> (level * TILE_HEIGHT);
            int width = (int) (count % TilePath.WIDTH);
            if (width > 0) {
                edge.add(0, new TileRef(level, count / TilePath.WIDTH, width));
            }
        }
        return edge;
    }

    /** Number of complete subtree hashes at {@code level} in a tree of {@code treeSize} leaves. */
    public static long count(long treeSize, int level) {
        return treeSize >> (level * TILE_HEIGHT);
    }

    /**
     * The root of the tree from the hashes of its right-edge tiles (as {@link #rightEdge} lists them, same order).
     * Each tile's hashes split into complete subtrees by the binary digits of its width; the tree is those
     * subtrees, largest first, hashed together from the right.
     */
    public static byte[] root(long treeSize, List<List<byte[]>> edgeHashes) {
        if (treeSize == 0) {
            return MerkleTree.emptyRoot();
        }
        List<byte[]> subtrees = new ArrayList<>();
        for (List<byte[]> hashes : edgeHashes) {
            int from = 0;
            for (int bit = Integer.highestOneBit(hashes.size()); bit > 0; bit >>= 1) {
                if ((hashes.size() & bit) != 0) {
                    subtrees.add(hash(hashes, from, from + bit));
                    from += bit;
                }
            }
        }
        byte[] root = subtrees.get(subtrees.size() - 1);
        for (int i = subtrees.size() - 2; i >= 0; i--) {
            root = MerkleTree.nodeHash(subtrees.get(i), root);
        }
        return root;
    }

    /** The Merkle Tree Hash of {@code hashes[from..to)} taken as the leaves' hashes (RFC 6962 MTH). */
    public static byte[] hash(List<byte[]> hashes, int from, int to) {
        if (to - from == 1) {
            return hashes.get(from);
        }
        int split = Integer.highestOneBit(to - from - 1);
        return MerkleTree.nodeHash(hash(hashes, from, from + split), hash(hashes, from + split, to));
    }
}
