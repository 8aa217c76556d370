package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.hub.testing.CtData;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TileHashesTest {

    @Test
    void theRightEdgeIsOnePartialTilePerLevel() {
        assertEquals(List.of(), TileHashes.rightEdge(0));
        assertEquals(List.of(new TileHashes.TileRef(1, 0, 1)), TileHashes.rightEdge(256));
        assertEquals(List.of(new TileHashes.TileRef(1, 0, 3), new TileHashes.TileRef(0, 3, 10)), TileHashes.rightEdge(778));
        // The spec's example: 70,000 = one partial level-2 tile of 1, a partial level-1 tile of 17, a level-0 one of 112.
        assertEquals(List.of(new TileHashes.TileRef(2, 0, 1), new TileHashes.TileRef(1, 1, 17), new TileHashes.TileRef(0, 273, 112)),
                TileHashes.rightEdge(70_000));
    }

    @Test
    void theRootFromTheRightEdgeIsTheMerkleTreeHash() {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 70_001; i++) {
            tree.appendLeafHash(MerkleTree.leafHash(ByteBuffer.allocate(4).putInt(i).array()));
        }
        for (long size : new long[] {1, 2, 3, 255, 256, 257, 511, 512, 778, 1024, 65_535, 65_536, 65_537, 65_792, 70_000, 70_001}) {
            List<List<byte[]>> edge = new ArrayList<>();
            for (TileHashes.TileRef ref : TileHashes.rightEdge(size)) {
                List<byte[]> hashes = new ArrayList<>();
                for (int i = 0; i < ref.width(); i++) {
                    hashes.add(tree.completeSubtreeHash(8 * ref.level(), ref.index() * 256 + i));
                }
                edge.add(hashes);
            }
            assertArrayEquals(tree.rootHash(size), TileHashes.root(size, edge), "size " + size);
        }
        assertArrayEquals(MerkleTree.emptyRoot(), TileHashes.root(0, List.of()));
    }

    @Test
    void theRealNavigliHashTilesGiveTheRootsOfItsCheckpoints() throws Exception {
        JsonObject expected = CtData.json("static-ct/navigli2025h2/EXPECTED.derived.json").getJsonObject("tree_sizes");
        Path level0 = CtData.file("static-ct/navigli2025h2/tile/0");
        Path level1 = CtData.file("static-ct/navigli2025h2_derived_overlay/tile/1");
        assertArrayEquals(Base64.getDecoder().decode(expected.getJsonObject("778").getString("root_hash_b64")),
                TileHashes.root(778, List.of(hashes(level1.resolve("000.p/3")), hashes(level0.resolve("003.p/10")))));
        assertArrayEquals(Base64.getDecoder().decode(expected.getJsonObject("1024").getString("root_hash_b64")),
                TileHashes.root(1024, List.of(hashes(level1.resolve("000.p/4")))));
        // A level-1 hash is the Merkle Tree Hash of the full level-0 tile below it.
        List<byte[]> tile2 = hashes(level0.resolve("002"));
        assertArrayEquals(hashes(level1.resolve("000.p/3")).get(2), TileHashes.hash(tile2, 0, tile2.size()));
    }

    private static List<byte[]> hashes(Path tile) throws Exception {
        byte[] bytes = Files.readAllBytes(tile);
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 32) {
            hashes.add(Arrays.copyOfRange(bytes, i, i + 32));
        }
        return hashes;
    }
}
