package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.TreeHeadVerifier;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.sim.CtEncoding;
import io.certstream.hub.testing.CtData;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointVerifierTest {
    private static final String URL = "https://log.example/checkpoint";
    private static final String ORIGIN = "log.example/2026h1";
    private static final byte[] ROOT = new byte[32];

    @Test
    void verifiesSunlightsCheckpointWithTheKeyOfItsLogList() throws Exception {
        String checkpoint = Files.readString(CtData.file("static-ct/SYNTHETIC_skylight_rome2026h1/checkpoint"));
        String key = CtData.json("static-ct/SYNTHETIC_skylight_rome2026h1/log.v3.json").getString("key");
        SignedTreeHead head = new CheckpointVerifier(TreeHeadVerifier.forKey(key)).verify(URL, checkpoint);
        assertEquals(300, head.treeSize());
        assertArrayEquals(Base64.getDecoder().decode("lCkHUpkmVBEms2r2T1K6Og69+wUuuN3MIEW1/ezu2v0="), head.rootHash());
        assertTrue(head.timestamp() > 1_700_000_000_000L, "the RFC6962NoteSignature timestamp: " + head.timestamp());

        String otherSize = checkpoint.replaceFirst("\n300\n", "\n301\n");
        LogFetchException forged = assertThrows(LogFetchException.class,
                () -> new CheckpointVerifier(TreeHeadVerifier.forKey(key)).verify(URL, otherSize));
        assertEquals(FaultKind.BAD_SIGNATURE, forged.kind());
        assertTrue(forged.getMessage().startsWith(URL + ": checkpoint of size 301 rejected"), forged.getMessage());
    }

    @Test
    void ignoresSignaturesOfUnknownKeysButNeedsOneByTheLog() throws Exception {
        KeyPair log = ecKey();
        TreeHeadVerifier verifier = TreeHeadVerifier.forKey(Base64.getEncoder().encodeToString(log.getPublic().getEncoded()));
        String body = ORIGIN + "\n10\n" + Base64.getEncoder().encodeToString(ROOT) + "\n\n";
        String witness = "\u2014 witness.example " + Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        String sameNameOtherId = "\u2014 " + ORIGIN + " " + Base64.getEncoder().encodeToString(new byte[80]) + "\n";
        String signed = signatureLine(log, verifier.logId(), 10, 1234);

        SignedTreeHead head = new CheckpointVerifier(verifier).verify(URL, body + witness + sameNameOtherId + signed);
        assertEquals(10, head.treeSize());
        assertEquals(1234, head.timestamp());

        LogFetchException unsigned = assertThrows(LogFetchException.class,
                () -> new CheckpointVerifier(verifier).verify(URL, body + witness + sameNameOtherId));
        assertEquals(FaultKind.BAD_SIGNATURE, unsigned.kind());
        assertTrue(unsigned.getMessage().contains("no signature by the log's key"), unsigned.getMessage());

        String byAnotherKey = signatureLine(ecKey(), verifier.logId(), 10, 1234);
        assertEquals(FaultKind.BAD_SIGNATURE, assertThrows(LogFetchException.class,
                () -> new CheckpointVerifier(verifier).verify(URL, body + byAnotherKey)).kind());
    }

    @Test
    void rejectsWhatIsNotACheckpointAndAnOriginThatChanges() throws Exception {
        KeyPair log = ecKey();
        TreeHeadVerifier verifier = TreeHeadVerifier.forKey(Base64.getEncoder().encodeToString(log.getPublic().getEncoded()));
        CheckpointVerifier checkpoints = new CheckpointVerifier(verifier);
        for (String bad : new String[] {"", "<html>not found</html>", ORIGIN + "\n10\n", ORIGIN + "\nten\nAAAA\n\n\u2014 x AAAAAAA=\n",
                ORIGIN + "\n10\n" + Base64.getEncoder().encodeToString(ROOT) + "\n\nno dash\n"}) {
            LogFetchException e = assertThrows(LogFetchException.class, () -> checkpoints.verify(URL, bad), bad);
            assertEquals(FaultKind.BAD_CHECKPOINT, e.kind(), bad);
            assertTrue(e.getMessage().startsWith(URL + ": not a valid checkpoint"), e.getMessage());
        }
        checkpoints.verify(URL, ORIGIN + "\n10\n" + Base64.getEncoder().encodeToString(ROOT) + "\n\n"
                + signatureLine(log, verifier.logId(), 10, 1));
        String moved = "other.example/log\n10\n" + Base64.getEncoder().encodeToString(ROOT) + "\n\n"
                + signatureLine(log, verifier.logId(), 10, 1);
        LogFetchException e = assertThrows(LogFetchException.class, () -> checkpoints.verify(URL, moved));
        assertEquals(FaultKind.BAD_CHECKPOINT, e.kind());
        assertTrue(e.getMessage().contains("origin changed"), e.getMessage());
    }

    @Test
    void rsaKeysVerifyToo() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair log = rsa.generateKeyPair();
        TreeHeadVerifier verifier = TreeHeadVerifier.forKey(Base64.getEncoder().encodeToString(log.getPublic().getEncoded()));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(log.getPrivate());
        signature.update(CtEncoding.treeHeadSignatureInput(99, 5, ROOT));
        byte[] sig = signature.sign();
        byte[] ds = ByteBuffer.allocate(4 + sig.length).put((byte) 4).put((byte) 1).putShort((short) sig.length).put(sig).array();
        assertTrue(verifier.signatureValid(new SignedTreeHead(5, 99, ROOT, ds)));
        assertFalse(verifier.signatureValid(new SignedTreeHead(6, 99, ROOT, ds)));
        ds[1] = 3; // says ECDSA: not what an RSA key makes
        assertFalse(verifier.signatureValid(new SignedTreeHead(5, 99, ROOT, ds)));
    }

    private static String signatureLine(KeyPair signer, byte[] logId, long size, long timestamp) throws Exception {
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(signer.getPrivate());
        ecdsa.update(CtEncoding.treeHeadSignatureInput(timestamp, size, ROOT));
        byte[] sig = ecdsa.sign();
        byte[] body = ByteBuffer.allocate(4 + 8 + 4 + sig.length).putInt(CheckpointVerifier.keyId(ORIGIN, logId))
                .putLong(timestamp).put((byte) 4).put((byte) 3).putShort((short) sig.length).put(sig).array();
        return "\u2014 " + ORIGIN + " " + Base64.getEncoder().encodeToString(body) + "\n";
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
