package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.hub.metrics.FaultKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that data tiles hold the entries of the tree a verified checkpoint signs, using the log's hash tiles, as
 * a monitor should: the checkpoint's signature covers only the root hash. For each new checkpoint the right-edge
 * hash tiles must hash to its root; a full data tile's leaves must hash to the level-1 hash of that tile, itself
 * checked against the levels above (full hash tiles, once checked, are kept in a bounded cache: they stay valid as
 * long as every new tree extends the trusted one, which {@link #trust} checks from the new tree's own tiles);
 * the partial data tile at the edge must give the edge's level-0 hashes. Used only from the watcher's event loop.
 * <p>
 * What the tree covers is the TimestampedEntry (the certificate, or the precertificate's TBSCertificate); the
 * precertificate and the chain fingerprints next to it in a TileLeaf are not part of the tree.
 */
public final class TreeVerifier {
    private final String baseUrl;
    private final TileReader tiles;
    private final Map<String, List<byte[]>> checkedFullTiles;

    private long treeSize = -1;
    private byte[] root;
    /** The right edge of the trusted tree: hashes of its partial tile at each level. */
    private final Map<Integer, List<byte[]>> edge = new HashMap<>();

    /** @param tilesKept full hash tiles kept once checked (8 KiB each; one level-1 tile covers 65,536 entries) */
    public TreeVerifier(String baseUrl, int tilesKept) {
        this.baseUrl = baseUrl;
        this.tiles = new TileReader(baseUrl);
        this.checkedFullTiles = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<byte[]>> eldest) {
                return size() > tilesKept;
            }
        };
    }

    /** The size of the trusted tree, or -1 before the first. */
    public long treeSize() {
        return treeSize;
    }

    /**
     * Reads the right edge of {@code head}'s tree and checks it against the root; data tiles are then checked against
     * it. A tree after a trusted one must also extend it (Merkle consistency, as {@code get-sth-consistency} shows for
     * an RFC 6962 log): the complete subtrees of the trusted tree, read from the new tree's hash tiles and checked up
     * to the new root, must hash to the trusted root. Otherwise ({@code bad_tree}: the log rewrote its history) the
     * new tree is not taken and the trusted one stays, with the full tiles checked against it.
     *
     * @return true when {@code head} is a new tree shown to extend a trusted non-empty one; false for the first tree,
     * one after the empty tree, or the trusted tree again
     */
    public Future<Boolean> trust(LogHttp http, SignedTreeHead head) {
        if (head.treeSize() == treeSize && Arrays.equals(head.rootHash(), root)) {
            return Future.succeededFuture(false);
        }
        List<TileHashes.TileRef> refs = TileHashes.rightEdge(head.treeSize());
        List<Future<List<byte[]>>> reads = new ArrayList<>();
        for (TileHashes.TileRef ref : refs) {
            reads.add(readHashTile(http, ref.level(), ref.index(), ref.width()));
        }
        return Future.all(reads).compose(all -> {
            List<List<byte[]>> hashes = new ArrayList<>();
            reads.forEach(read -> hashes.add(read.result()));
            byte[] computed = TileHashes.root(head.treeSize(), hashes);
            if (!Arrays.equals(computed, head.rootHash())) {
                return Future.failedFuture(new LogFetchException(FaultKind.BAD_TREE, baseUrl + ": the hash tiles at the right edge"
                        + " of the tree of size " + head.treeSize() + " do not hash to the checkpoint's root", 0));
            }
            Map<Integer, List<byte[]>> nextEdge = new HashMap<>();
            for (int i = 0; i < refs.size(); i++) {
                nextEdge.put(refs.get(i).level(), hashes.get(i));
            }
            Tree next = new Tree(head.treeSize(), nextEdge);
            boolean extending = treeSize > 0 && treeSize <= head.treeSize();
            // Tiles of the new tree are checked against the new tree only: the cache vouches for the trusted one.
            Map<String, List<byte[]>> checkedInNext = new HashMap<>();
            Future<Void> consistent = extending ? extendsTrusted(http, next, checkedInNext) : Future.succeededFuture();
            return consistent.map(v -> {
                if (!extending) {
                    checkedFullTiles.clear(); // a first tree, one after the empty tree or a smaller one: nothing is known to hold
                }
                // The trusted tree is the new tree's prefix: its full tiles are the new tree's too, still valid.
                checkedFullTiles.putAll(checkedInNext);
                treeSize = head.treeSize();
                root = head.rootHash().clone();
                edge.clear();
                edge.putAll(nextEdge);
                return extending;
            });
        });
    }

    /**
     * Fails ({@code bad_tree}) unless the first {@link #treeSize} leaves of {@code next} hash to the trusted root. The trusted tree's complete
     * subtrees are nodes of {@code next}: those of its right-edge tile at each level are the first hashes of the same
     * tile in {@code next}, either at {@code next}'s own edge or full there (read once, checked up to its root).
     * Levels are read highest first, so that a full tile a lower level is checked against is already at hand.
     */
    private Future<Void> extendsTrusted(LogHttp http, Tree next, Map<String, List<byte[]>> checkedInNext) {
        List<TileHashes.TileRef> refs = TileHashes.rightEdge(treeSize);
        List<List<byte[]>> hashes = new ArrayList<>();
        Future<Void> read = Future.succeededFuture();
        for (TileHashes.TileRef ref : refs) {
            read = read.compose(v -> tileAt(http, next, checkedInNext, ref.level(), ref.index())
                    .map(tile -> hashes.add(tile.subList(0, ref.width()))).mapEmpty());
        }
        long trustedSize = treeSize;
        byte[] trustedRoot = root;
        return read.compose(v -> {
            byte[] computed = TileHashes.root(trustedSize, hashes);
            if (Arrays.equals(computed, trustedRoot)) {
                return Future.succeededFuture();
            }
            Base64.Encoder b64 = Base64.getEncoder();
            return Future.failedFuture(new LogFetchException(FaultKind.BAD_TREE, baseUrl + ": the tree of size " + next.size()
                    + " does not extend the trusted tree of size " + trustedSize + ": its first " + trustedSize
                    + " leaves hash to " + b64.encodeToString(computed) + ", not the trusted root "
                    + b64.encodeToString(trustedRoot) + " (the log rewrote its history); keeping the trusted tree", 0));
        });
    }

    /**
     * Checks the leaf hashes of data tile {@code index} (as many as the trusted tree has in that tile) against the
     * trusted tree; a mismatch is a {@code bad_tile} failure naming {@code url}.
     */
    public Future<Void> check(LogHttp http, long index, List<byte[]> leafHashes, String url) {
        if (treeSize < 0) {
            return Future.failedFuture(new IllegalStateException("no trusted tree head yet"));
        }
        long leaves = TileHashes.count(treeSize, 0);
        boolean atEdge = index == leaves / TilePath.WIDTH;
        Future<Boolean> matches = atEdge
                ? Future.succeededFuture(sameHashes(edge.get(0), leafHashes))
                : hashAt(http, new Tree(treeSize, edge), checkedFullTiles, 1, index)
                        .map(expected -> Arrays.equals(expected, TileHashes.hash(leafHashes, 0, leafHashes.size())));
        return matches.compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(new LogFetchException(FaultKind.BAD_TILE,
                url + ": its entries do not hash to the log's tree of size " + treeSize + " (checked with the hash tiles)", 0)));
    }

    /**
     * The leaf hashes of data tile {@code index} as the trusted tree has them (its level-0 hash tile, checked up to the
     * root): what each entry of the data tile must hash to, for reading a tile entry by entry.
     */
    public Future<List<byte[]>> leafHashes(LogHttp http, long index) {
        if (treeSize < 0) {
            return Future.failedFuture(new IllegalStateException("no trusted tree head yet"));
        }
        return tileAt(http, new Tree(treeSize, edge), checkedFullTiles, 0, index);
    }

    /** The root hash of the first {@code size} leaves of the trusted tree, from its hash tiles checked up to its root. */
    public Future<byte[]> rootOf(LogHttp http, long size) {
        if (size > treeSize) {
            return Future.failedFuture(new IllegalStateException("the trusted tree has " + treeSize + " leaves, not " + size));
        }
        Tree tree = new Tree(treeSize, edge);
        List<TileHashes.TileRef> refs = TileHashes.rightEdge(size);
        List<List<byte[]>> hashes = new ArrayList<>();
        Future<Void> read = Future.succeededFuture();
        for (TileHashes.TileRef ref : refs) {
            read = read.compose(v -> tileAt(http, tree, checkedFullTiles, ref.level(), ref.index())
                    .map(tile -> hashes.add(tile.subList(0, ref.width()))).mapEmpty());
        }
        return read.map(v -> TileHashes.root(size, hashes));
    }

    /** The hashes of hash tile {@code tile} at {@code level} of {@code tree}, checked up to its root. */
    private Future<List<byte[]>> tileAt(LogHttp http, Tree tree, Map<String, List<byte[]>> checked, int level, long tile) {
        if (tile == TileHashes.count(tree.size(), level) / TilePath.WIDTH) {
            return Future.succeededFuture(tree.edge().get(level));
        }
        String key = level + "/" + tile;
        List<byte[]> known = checked.get(key);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return readHashTile(http, level, tile, TilePath.WIDTH).compose(hashes -> hashAt(http, tree, checked, level + 1, tile)
                .compose(expected -> {
                    if (!Arrays.equals(expected, TileHashes.hash(hashes, 0, hashes.size()))) {
                        return Future.failedFuture(new LogFetchException(FaultKind.BAD_TREE, baseUrl + "/"
                                + TilePath.hashTile(level, tile, TilePath.WIDTH)
                                + ": this hash tile does not hash to the log's tree of size " + tree.size(), 0));
                    }
                    checked.put(key, hashes);
                    return Future.succeededFuture(hashes);
                }));
    }

    /** The checked hash of complete subtree {@code index} at {@code level} of {@code tree}. */
    private Future<byte[]> hashAt(LogHttp http, Tree tree, Map<String, List<byte[]>> checked, int level, long index) {
        return tileAt(http, tree, checked, level, index / TilePath.WIDTH).map(tile -> tile.get((int) (index % TilePath.WIDTH)));
    }

    /** A tree: its size and the hashes of its right edge (its partial tile at each level), by level. */
    private record Tree(long size, Map<Integer, List<byte[]>> edge) {
    }

    private Future<List<byte[]>> readHashTile(LogHttp http, int level, long index, int width) {
        return tiles.read(http, w -> TilePath.hashTile(level, index, w), width).map(tile -> {
            Buffer body = tile.body();
            if (body.length() != tile.count() * MerkleTree.HASH_SIZE) {
                throw new LogFetchException(FaultKind.BAD_TILE, tile.url() + ": " + body.length() + " bytes, not the "
                        + tile.count() + " hashes of " + MerkleTree.HASH_SIZE + " bytes the tile must hold", 0);
            }
            List<byte[]> hashes = new ArrayList<>(width);
            for (int i = 0; i < width; i++) {
                hashes.add(body.getBytes(i * MerkleTree.HASH_SIZE, (i + 1) * MerkleTree.HASH_SIZE));
            }
            return hashes;
        });
    }

    private static boolean sameHashes(List<byte[]> expected, List<byte[]> actual) {
        if (expected == null || expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }
}
