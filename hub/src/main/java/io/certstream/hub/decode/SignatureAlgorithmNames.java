package io.certstream.hub.decode;

import java.util.Map;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * {@code signature_algorithm} spelled exactly as certstream-server-go's {@code parseSignatureAlgorithm}:
 * RSA as "sha256, rsa" but ECDSA and DSA with the key type first ("ecdsa, sha256", "dsa, sha1"),
 * and "unknown" for anything else.
 */
final class SignatureAlgorithmNames {
    private static final ASN1ObjectIdentifier RSA_PSS = new ASN1ObjectIdentifier("1.2.840.113549.1.1.10");

    private static final Map<String, String> BY_OID = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.2", "md2, rsa"),
            Map.entry("1.2.840.113549.1.1.4", "md5, rsa"),
            Map.entry("1.2.840.113549.1.1.5", "sha1, rsa"),
            Map.entry("1.3.14.3.2.29", "sha1, rsa"),
            Map.entry("1.2.840.113549.1.1.11", "sha256, rsa"),
            Map.entry("1.2.840.113549.1.1.12", "sha384, rsa"),
            Map.entry("1.2.840.113549.1.1.13", "sha512, rsa"),
            Map.entry("1.2.840.10040.4.3", "dsa, sha1"),
            Map.entry("2.16.840.1.101.3.4.3.2", "dsa, sha256"),
            Map.entry("1.2.840.10045.4.1", "ecdsa, sha1"),
            Map.entry("1.2.840.10045.4.3.2", "ecdsa, sha256"),
            Map.entry("1.2.840.10045.4.3.3", "ecdsa, sha384"),
            Map.entry("1.2.840.10045.4.3.4", "ecdsa, sha512"),
            Map.entry("1.3.101.112", "ed25519"));

    private static final Map<String, String> PSS_BY_HASH = Map.of(
            "2.16.840.1.101.3.4.2.1", "sha256, rsa-pss",
            "2.16.840.1.101.3.4.2.2", "sha384, rsa-pss",
            "2.16.840.1.101.3.4.2.3", "sha512, rsa-pss");

    private SignatureAlgorithmNames() {
    }

    static String of(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (RSA_PSS.equals(oid)) {
            return pss(algorithm.getParameters());
        }
        return BY_OID.getOrDefault(oid.getId(), "unknown");
    }

    private static String pss(ASN1Encodable parameters) {
        try {
            RSASSAPSSparams params = RSASSAPSSparams.getInstance(parameters);
            return PSS_BY_HASH.getOrDefault(params.getHashAlgorithm().getAlgorithm().getId(), "unknown");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
