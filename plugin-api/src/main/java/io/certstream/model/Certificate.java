package io.certstream.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decoded X.509 certificate: the leaf, or one member of its chain.
 *
 * @param subject            subject name
 * @param issuer             issuer name
 * @param extensions         OpenSSL-style renderings by CertStream key ({@code subjectAltName},
 *                           {@code keyUsage}, ...); values are strings except {@code ctlPoisonByte},
 *                           which is {@code Boolean.TRUE}. Insertion order is the wire order.
 * @param notBefore          validity start, epoch seconds
 * @param notAfter           validity end, epoch seconds
 * @param serialNumber       upper-case hex, no separators
 * @param sha1               SHA-1 of the DER, upper-case colon hex (also sent as {@code fingerprint})
 * @param sha256             SHA-256 of the DER, upper-case colon hex
 * @param signatureAlgorithm as certstream-server-go spells it, e.g. {@code "sha256, rsa"} or {@code "ecdsa, sha256"}
 * @param isCa               basicConstraints CA flag
 * @param allDomains         CN and DNS subject alternative names, deduplicated, order kept
 * @param der                the certificate's DER bytes (sent base64 as {@code as_der} in the full stream);
 *                           treat as read-only
 */
public record Certificate(
        DistinguishedName subject,
        DistinguishedName issuer,
        Map<String, Object> extensions,
        long notBefore,
        long notAfter,
        String serialNumber,
        String sha1,
        String sha256,
        String signatureAlgorithm,
        boolean isCa,
        List<String> allDomains,
        byte[] der) {

    public Certificate {
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        allDomains = List.copyOf(allDomains);
    }

    /** The SHA-1 fingerprint, as CertStream's {@code fingerprint} field carries it. */
    public String fingerprint() {
        return sha1;
    }
}
