package io.certstream.hub.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Independent computations of the CertStream fingerprint formats, for checking the hub's output. */
public final class Fingerprints {
    private Fingerprints() {
    }

    /** Upper-case colon hex of the digest, e.g. {@code 27:58:3D:...}. */
    public static String colonHex(String algorithm, byte[] data) {
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(data);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
