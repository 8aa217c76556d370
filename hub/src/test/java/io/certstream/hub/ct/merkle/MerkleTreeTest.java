package io.certstream.hub.ct.merkle;

import io.certstream.hub.testing.CtData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MerkleTreeTest {

    @Test
    void rootsOfRealNavigliEntriesMatchTheLogsTree() {
        JsonArray entries = CtData.json("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json").getJsonArray("entries");
        JsonObject expected = CtData.json("static-ct/navigli2025h2/EXPECTED.derived.json").getJsonObject("tree_sizes");
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < entries.size(); i++) {
            tree.append(CtData.base64(entries.getJsonObject(i).getString("leaf_input")));
        }

        assertEquals(1024, tree.size());
        assertEquals("EMfGG85uIddeOXt5/wdQGP3IQd0COCqoLg9Q6CsPLJA=", b64(tree.rootHash(1024)));
        assertEquals("+WnHOMRZl/LG1669oeskbdK9bcO4nkrY1cfVyknC52U=", b64(tree.rootHash(778)));
        assertEquals(expected.getJsonObject("1024").getString("root_hash_b64"), b64(tree.rootHash()));
        assertEquals(expected.getJsonObject("778").getString("root_hash_b64"), b64(tree.rootHash(778)));
    }

    @Test
    void emptyTreeHasTheHashOfTheEmptyString() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(new MerkleTree().rootHash(0)));
    }

    @Test
    void everyEarlierRootMatchesTheRfcDefinition() {
        List<byte[]> leaves = leaves(130);
        MerkleTree tree = new MerkleTree();
        leaves.forEach(tree::append);
        for (int n = 1; n <= leaves.size(); n++) {
            assertArrayEquals(referenceRoot(leaves.subList(0, n)), tree.rootHash(n), "root of size " + n);
        }
    }

    @Test
    void generatedInclusionProofsVerifyAndTamperedOnesDoNot() {
        MerkleTree tree = new MerkleTree();
        leaves(70).forEach(tree::append);
        for (long n = 1; n <= 70; n++) {
            byte[] root = tree.rootHash(n);
            for (long i = 0; i < n; i++) {
                List<byte[]> proof = tree.inclusionProof(i, n);
                assertTrue(MerkleProofs.verifyInclusion(i, n, tree.leafHashAt(i), proof, root), "leaf " + i + " in " + n);
                if (!proof.isEmpty()) {
                    proof.get(proof.size() - 1)[0] ^= 1;
                    assertFalse(MerkleProofs.verifyInclusion(i, n, tree.leafHashAt(i), proof, root), "tampered " + i + "/" + n);
                }
                if (n > 1) {
                    assertFalse(MerkleProofs.verifyInclusion((i + 1) % n, n, tree.leafHashAt(i), tree.inclusionProof(i, n), root),
                            "wrong index for leaf " + i + " in " + n);
                }
            }
        }
    }

    @Test
    void generatedConsistencyProofsVerifyAndTamperedOnesDoNot() {
        MerkleTree tree = new MerkleTree();
        leaves(90).forEach(tree::append);
        for (long n = 1; n <= 90; n++) {
            for (long m = 1; m <= n; m++) {
                List<byte[]> proof = tree.consistencyProof(m, n);
                byte[] first = tree.rootHash(m);
                byte[] second = tree.rootHash(n);
                assertTrue(MerkleProofs.verifyConsistency(m, n, first, second, proof), "consistency " + m + " -> " + n);
                if (!proof.isEmpty()) {
                    proof.get(0)[31] ^= 1;
                    assertFalse(MerkleProofs.verifyConsistency(m, n, first, second, proof), "tampered " + m + " -> " + n);
                }
                if (m < n) {
                    assertFalse(MerkleProofs.verifyConsistency(m, n, tree.rootHash(m - 1), second, tree.consistencyProof(m, n)),
                            "wrong first root " + m + " -> " + n);
                }
            }
        }
    }

    @Test
    void staysFastForAMillionLeaves() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            MerkleTree tree = new MerkleTree();
            byte[] leaf = new byte[16];
            for (int i = 0; i < 1_000_000; i++) {
                leaf[0] = (byte) i;
                leaf[1] = (byte) (i >>> 8);
                leaf[2] = (byte) (i >>> 16);
                tree.append(leaf);
            }
            long started = System.nanoTime();
            for (long n = 999_000; n <= 1_000_000; n += 7) {
                byte[] root = tree.rootHash(n);
                long index = n / 3;
                assertTrue(MerkleProofs.verifyInclusion(index, n, tree.leafHashAt(index), tree.inclusionProof(index, n), root));
                assertTrue(MerkleProofs.verifyConsistency(n - 777, n, tree.rootHash(n - 777), root, tree.consistencyProof(n - 777, n)));
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10, "proofs over 1M leaves are slow");
        });
    }

    @Test
    void rejectsSizesBeyondTheTree() {
        MerkleTree tree = new MerkleTree();
        leaves(5).forEach(tree::append);
        assertThrows(IllegalArgumentException.class, () -> tree.rootHash(6));
        assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(5, 5));
        assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(4, 6));
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(("leaf " + i).getBytes(StandardCharsets.UTF_8));
        }
        return leaves;
    }

    // MTH exactly as RFC 6962 2.1 writes it, to check the cached implementation against.
    private static byte[] referenceRoot(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return MerkleTree.leafHash(leaves.get(0));
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return MerkleTree.nodeHash(referenceRoot(leaves.subList(0, k)), referenceRoot(leaves.subList(k, leaves.size())));
    }

    private static String b64(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
    }
}
