package io.certstream.hub.ct.merkle;

import io.certstream.hub.testing.CtData;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MerkleProofsTest {

    private static final String ICARUS = "rfc6962/icarus2017/";

    @Test
    void realIcarusConsistencyProofVerifiesBetweenItsTwoTreeHeads() {
        JsonObject first = CtData.json(ICARUS + "get-sth_129596132.json");
        JsonObject second = CtData.json(ICARUS + "get-sth_129721434.json");
        List<byte[]> proof = CtData.base64List(
                CtData.json(ICARUS + "get-sth-consistency_first129596132_second129721434.json").getJsonArray("consistency"));

        assertEquals(24, proof.size());
        assertTrue(MerkleProofs.verifyConsistency(first.getLong("tree_size"), second.getLong("tree_size"),
                root(first), root(second), proof));
    }

    @Test
    void realIcarusConsistencyProofFailsWhenOneHashIsFlipped() {
        JsonObject first = CtData.json(ICARUS + "get-sth_129596132.json");
        JsonObject second = CtData.json(ICARUS + "get-sth_129721434.json");
        JsonObject body = CtData.json(ICARUS + "get-sth-consistency_first129596132_second129721434.json");

        for (int flipped = 0; flipped < 24; flipped++) {
            List<byte[]> proof = CtData.base64List(body.getJsonArray("consistency"));
            proof.get(flipped)[flipped % 32] ^= 0x40;
            assertFalse(MerkleProofs.verifyConsistency(first.getLong("tree_size"), second.getLong("tree_size"),
                    root(first), root(second), proof), "proof with hash " + flipped + " flipped must fail");
        }
        List<byte[]> proof = CtData.base64List(body.getJsonArray("consistency"));
        assertFalse(MerkleProofs.verifyConsistency(first.getLong("tree_size") + 1, second.getLong("tree_size"),
                root(first), root(second), proof), "proof for another size must fail");
    }

    @Test
    void realIcarusInclusionProofVerifiesAgainstItsTreeHead() {
        JsonObject sth = CtData.json(ICARUS + "get-sth_129721434.json");
        JsonObject body = CtData.json(ICARUS + "get-entry-and-proof_leaf120000000_tree129721434.json");
        byte[] leafHash = MerkleTree.leafHash(CtData.base64(body.getString("leaf_input")));
        List<byte[]> path = CtData.base64List(body.getJsonArray("audit_path"));

        assertTrue(MerkleProofs.verifyInclusion(120_000_000L, sth.getLong("tree_size"), leafHash, path, root(sth)));
        assertFalse(MerkleProofs.verifyInclusion(120_000_001L, sth.getLong("tree_size"), leafHash, path, root(sth)));
        path.get(3)[0] ^= 1;
        assertFalse(MerkleProofs.verifyInclusion(120_000_000L, sth.getLong("tree_size"), leafHash, path, root(sth)));
    }

    private static byte[] root(JsonObject sth) {
        return CtData.base64(sth.getString("sha256_root_hash"));
    }
}
