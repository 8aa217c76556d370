package io.certstream.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A certificate as CertStream servers describe it: {@code data.leaf_cert} and each element of
 * {@code data.chain}.
 *
 * <p>Numeric times are epoch seconds; CaliDog's server sends them as floats ({@code 1508123861.0}),
 * which are truncated to whole seconds. Fields a server leaves out are null (strings), 0 (times) or
 * false ({@code is_ca}).
 *
 * @param subject            the subject name
 * @param issuer             the issuer name (absent in CaliDog's server, so may be null)
 * @param extensions         X.509 extensions as OpenSSL-style text keyed by name ({@code subjectAltName},
 *                           {@code keyUsage}, ...); values are strings, except {@code ctlPoisonByte}
 *                           which is a boolean; kept as a map because servers disagree on the key set
 * @param notBefore          start of validity, epoch seconds
 * @param notAfter           end of validity, epoch seconds
 * @param serialNumber       serial number in hex
 * @param fingerprint        SHA-1 fingerprint, colon hex
 * @param sha1               SHA-1 fingerprint, colon hex (certstream-server-go)
 * @param sha256             SHA-256 fingerprint, colon hex (certstream-server-go)
 * @param signatureAlgorithm e.g. {@code "sha256, rsa"}
 * @param isCa               whether basic constraints say CA
 * @param allDomains         CN and DNS subject alternative names, never null
 * @param asDer              base64 DER; full stream only, null otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeafCert(
        @JsonProperty("subject") Subject subject,
        @JsonProperty("issuer") Subject issuer,
        @JsonProperty("extensions") Map<String, Object> extensions,
        @JsonProperty("not_before") long notBefore,
        @JsonProperty("not_after") long notAfter,
        @JsonProperty("serial_number") String serialNumber,
        @JsonProperty("fingerprint") String fingerprint,
        @JsonProperty("sha1") String sha1,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("signature_algorithm") String signatureAlgorithm,
        @JsonProperty("is_ca") boolean isCa,
        @JsonProperty("all_domains") List<String> allDomains,
        @JsonProperty("as_der") String asDer) {

    public LeafCert {
        allDomains = allDomains == null ? List.of() : List.copyOf(allDomains);
        // Map.copyOf rejects null values, and JSON extensions may legitimately hold nulls.
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /** The {@code subjectAltName} extension text, e.g. {@code "DNS:a.example, DNS:b.example"}, or null. */
    public String subjectAltName() {
        Object value = extensions.get("subjectAltName");
        return value == null ? null : value.toString();
    }

    /** True for precertificates: the CT poison extension ({@code ctlPoisonByte}) is present and true. */
    public boolean isPrecertificate() {
        return Boolean.TRUE.equals(extensions.get("ctlPoisonByte"));
    }
}
