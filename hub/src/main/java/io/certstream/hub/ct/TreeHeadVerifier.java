package io.certstream.hub.ct;

import io.certstream.hub.ct.merkle.MerkleProofs;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Checks a log's tree heads the way a CT monitor does: the signature of each STH with the log's public key (RFC 6962
 * section 3.5, a TLS {@code DigitallySigned} over version, signature type, timestamp, tree size and root hash) and
 * the Merkle consistency of successive STHs (section 2.1.2). Both an RFC 6962 {@code get-sth} and a static-ct-api
 * checkpoint (as an {@code RFC6962NoteSignature}) carry this signature. Stateless and thread-safe.
 */
public final class TreeHeadVerifier {
    private static final int HASH_SHA256 = 4;
    private static final int SIGNATURE_RSA = 1;
    private static final int SIGNATURE_ECDSA = 3;

    private final PublicKey key;
    private final byte[] logId;

    private TreeHeadVerifier(PublicKey key, byte[] spki) {
        this.key = key;
        this.logId = Sha256.digest(spki);
    }

    /**
     * @param keyBase64 the log's SubjectPublicKeyInfo, base64 (a log list's {@code key})
     * @throws IllegalArgumentException when the key is not a readable EC or RSA public key
     */
    public static TreeHeadVerifier forKey(String keyBase64) {
        byte[] spki;
        try {
            spki = Base64.getDecoder().decode(keyBase64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("log key is not base64: " + e.getMessage());
        }
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return new TreeHeadVerifier(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki)), spki);
            } catch (GeneralSecurityException | IllegalArgumentException ignored) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("log key is neither an EC nor an RSA SubjectPublicKeyInfo");
    }

    /** The RFC 6962 LogID: SHA-256 of the key's SubjectPublicKeyInfo (static-ct-api note key IDs are built on it). */
    public byte[] logId() {
        return logId.clone();
    }

    /** The RFC 6962 signed data of a tree head. */
    static byte[] signedData(SignedTreeHead sth) {
        return ByteBuffer.allocate(2 + 8 + 8 + sth.rootHash().length)
                .put((byte) 0) // version v1
                .put((byte) 1) // signature_type tree_hash
                .putLong(sth.timestamp())
                .putLong(sth.treeSize())
                .put(sth.rootHash())
                .array();
    }

    /** Whether the STH's signature is a valid signature of this log over its tree size, timestamp and root. */
    public boolean signatureValid(SignedTreeHead sth) {
        byte[] ds = sth.signature();
        if (ds == null || ds.length < 4 || (ds[0] & 0xFF) != HASH_SHA256) {
            return false;
        }
        int signatureAlgorithm = ds[1] & 0xFF;
        int length = ((ds[2] & 0xFF) << 8) | (ds[3] & 0xFF);
        if (length != ds.length - 4) {
            return false;
        }
        String jca = switch (signatureAlgorithm) {
            case SIGNATURE_ECDSA -> "SHA256withECDSA";
            case SIGNATURE_RSA -> "SHA256withRSA";
            default -> null;
        };
        if (jca == null || !jca.endsWith(key.getAlgorithm().equals("EC") ? "ECDSA" : "RSA")) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(jca);
            verifier.initVerify(key);
            verifier.update(signedData(sth));
            return verifier.verify(ds, 4, length);
        } catch (GeneralSecurityException e) {
            return false; // e.g. a signature that is not valid DER
        }
    }

    /** Whether {@code proof} shows that {@code newer} extends {@code older} (same root when the sizes are equal). */
    public static boolean consistent(SignedTreeHead older, SignedTreeHead newer, List<byte[]> proof) {
        return MerkleProofs.verifyConsistency(older.treeSize(), newer.treeSize(), older.rootHash(), newer.rootHash(), proof);
    }
}
