package io.certstream.hub.sim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;

/** Signs tree heads with the log's own ECDSA P-256 key, as RFC 6962 section 3.5 describes. */
final class TreeHeadSigner {

    private final KeyPair key;
    private final byte[] logId;

    TreeHeadSigner(KeyPair key) {
        this.key = key;
        try {
            this.logId = MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The log's SubjectPublicKeyInfo, DER. */
    byte[] publicKeySpki() {
        return key.getPublic().getEncoded();
    }

    /** SHA-256 of the SubjectPublicKeyInfo: the RFC 6962 LogID. */
    byte[] logId() {
        return logId.clone();
    }

    KeyPair key() {
        return key;
    }

    SignedTreeHead sign(long treeSize, long timestamp, byte[] rootHash) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key.getPrivate());
            ecdsa.update(CtEncoding.treeHeadSignatureInput(timestamp, treeSize, rootHash));
            return new SignedTreeHead(treeSize, timestamp, rootHash,
                    CtEncoding.digitallySignedEcdsaSha256(ecdsa.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the tree head of size " + treeSize + ": " + e.getMessage(), e);
        }
    }
}
