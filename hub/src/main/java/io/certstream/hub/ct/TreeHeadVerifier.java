package io.certstream.hub.ct;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Verifies RFC 6962 tree head signatures (section 3.5: a TLS {@code DigitallySigned} over the
 * {@code TreeHeadSignature} struct) with a log's public key from the log list. Both an RFC 6962 {@code get-sth}
 * and a static-ct-api checkpoint carry this signature. CT logs sign with ECDSA P-256 or RSA, always SHA-256.
 */
public final class TreeHeadVerifier {
    private static final int HASH_SHA256 = 4;
    private static final int SIGNATURE_RSA = 1;
    private static final int SIGNATURE_ECDSA = 3;

    private final PublicKey key;
    private final byte[] logId;

    private TreeHeadVerifier(PublicKey key, byte[] logId) {
        this.key = key;
        this.logId = logId;
    }

    /** @param keyBase64 the log list's {@code key}: a DER SubjectPublicKeyInfo, base64 */
    public static TreeHeadVerifier fromBase64(String keyBase64) {
        byte[] spki;
        try {
            spki = Base64.getDecoder().decode(keyBase64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the log's key is not base64: " + e.getMessage());
        }
        PublicKey key = null;
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
                break;
            } catch (GeneralSecurityException e) {
                // try the other algorithm
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("the log's key is neither an EC nor an RSA SubjectPublicKeyInfo");
        }
        return new TreeHeadVerifier(key, Sha256.digest(spki));
    }

    /** The RFC 6962 LogID: SHA-256 of the key's SubjectPublicKeyInfo. */
    public byte[] logId() {
        return logId.clone();
    }

    /**
     * Checks {@code digitallySigned} over the tree head; returns why it is invalid, or {@code null} when it is valid.
     */
    public String verify(long treeSize, long timestamp, byte[] rootHash, byte[] digitallySigned) {
        if (digitallySigned.length < 4) {
            return "the signature is " + digitallySigned.length + " bytes, too short for a DigitallySigned";
        }
        int hash = digitallySigned[0] & 0xFF;
        int algorithm = digitallySigned[1] & 0xFF;
        int length = ((digitallySigned[2] & 0xFF) << 8) | (digitallySigned[3] & 0xFF);
        if (length != digitallySigned.length - 4) {
            return "the DigitallySigned says " + length + " signature bytes but holds " + (digitallySigned.length - 4);
        }
        if (hash != HASH_SHA256) {
            return "hash algorithm " + hash + " is not SHA-256 (4)";
        }
        String jca = algorithm == SIGNATURE_ECDSA && key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
                : algorithm == SIGNATURE_RSA && key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : null;
        if (jca == null) {
            return "signature algorithm " + algorithm + " does not match the log's " + key.getAlgorithm() + " key";
        }
        try {
            Signature signature = Signature.getInstance(jca);
            signature.initVerify(key);
            signature.update(signedData(treeSize, timestamp, rootHash));
            return signature.verify(digitallySigned, 4, length) ? null : "the signature does not verify with the log's key";
        } catch (GeneralSecurityException e) {
            return "the signature does not verify with the log's key (" + e.getMessage() + ")";
        }
    }

    /** The {@code TreeHeadSignature} struct: version v1, signature_type tree_hash, timestamp, tree_size, root. */
    public static byte[] signedData(long treeSize, long timestamp, byte[] rootHash) {
        return ByteBuffer.allocate(2 + 8 + 8 + rootHash.length)
                .put((byte) 0).put((byte) 1).putLong(timestamp).putLong(treeSize).put(rootHash)
                .array();
    }
}
