package io.certstream.hub.ct;

import io.certstream.hub.testing.CtData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STH signatures and consistency proofs of real logs (../shared/ctdata; skipped when absent). */
class TreeHeadVerifierTest {
    private static final String ICARUS_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETtK8v7MICve56qTHHDhhBOuV4IlUaESxZryCfk9QbG9co/CqPvTsgPDbCpp6oFtyAHwlDhnvr7JijXRD9Cb2FA==";

    @Test
    void realSignedTreeHeadsVerifyAndTheCorruptedOneFails() {
        JsonArray sths = new JsonArray(read());
        int valid = 0;
        int invalid = 0;
        for (Object o : sths) {
            JsonObject entry = (JsonObject) o;
            SignedTreeHead sth = sth(entry.getJsonObject("sth"));
            boolean verifies = TreeHeadVerifier.forKey(entry.getString("log_key_b64")).signatureValid(sth);
            assertEquals(entry.getBoolean("signature_verified"), verifies, entry.getString("log") + " size " + sth.treeSize()
                    + (entry.containsKey("note") ? " (" + entry.getString("note") + ")" : ""));
            if (verifies) {
                valid++;
            } else {
                invalid++;
            }
        }
        assertEquals(8, valid);
        assertEquals(1, invalid, "the corrupted Aviator vector fails");
    }

    @Test
    void icarusSthsAreConsistentByTheirRealProofAndATamperedProofOrRootFails() {
        SignedTreeHead older = sth(CtData.json("rfc6962/icarus2017/get-sth_129596132.json"));
        SignedTreeHead newer = sth(CtData.json("rfc6962/icarus2017/get-sth_129721434.json"));
        TreeHeadVerifier icarus = TreeHeadVerifier.forKey(ICARUS_KEY);
        assertTrue(icarus.signatureValid(older));
        assertTrue(icarus.signatureValid(newer));
        List<byte[]> proof = CtData.base64List(CtData.json(
                "rfc6962/icarus2017/get-sth-consistency_first129596132_second129721434.json").getJsonArray("consistency"));
        assertEquals(24, proof.size());
        assertTrue(TreeHeadVerifier.consistent(older, newer, proof));

        List<byte[]> tampered = new ArrayList<>(proof);
        byte[] hash = tampered.get(7).clone();
        hash[0] ^= 1;
        tampered.set(7, hash);
        assertFalse(TreeHeadVerifier.consistent(older, newer, tampered), "a flipped bit in the proof");
        assertFalse(TreeHeadVerifier.consistent(older, newer, proof.subList(0, 23)), "a proof missing a hash");
        byte[] root = newer.rootHash().clone();
        root[31] ^= (byte) 0x80;
        SignedTreeHead forked = new SignedTreeHead(newer.treeSize(), newer.timestamp(), root, newer.signature());
        assertFalse(TreeHeadVerifier.consistent(older, forked, proof), "another root for the newer size");
        assertFalse(icarus.signatureValid(forked), "and its signature no longer matches");
        assertFalse(TreeHeadVerifier.consistent(newer, older, proof), "the proof does not work backwards");
    }

    @Test
    void anotherLogsKeyOrAGarbledKeyIsRejected() {
        SignedTreeHead icarus = sth(CtData.json("rfc6962/icarus2017/get-sth_129596132.json"));
        JsonObject pilot = (JsonObject) new JsonArray(read()).getValue(0);
        assertFalse(TreeHeadVerifier.forKey(pilot.getString("log_key_b64")).signatureValid(icarus));
        assertThrows(IllegalArgumentException.class, () -> TreeHeadVerifier.forKey("not a key"));
        assertThrows(IllegalArgumentException.class, () -> TreeHeadVerifier.forKey(Base64.getEncoder().encodeToString(new byte[40])));
    }

    private static String read() {
        try {
            return Files.readString(CtData.file("rfc6962/sths/real_sths.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SignedTreeHead sth(JsonObject json) {
        return new SignedTreeHead(json.getLong("tree_size"), json.getLong("timestamp"),
                Base64.getDecoder().decode(json.getString("sha256_root_hash")),
                Base64.getDecoder().decode(json.getString("tree_head_signature")));
    }
}
