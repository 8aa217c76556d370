package io.certstream.hub.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.PolicyQualifierId;
import org.bouncycastle.asn1.x509.PolicyQualifierInfo;
import org.bouncycastle.asn1.x509.UserNotice;

/**
 * Renders the X.509v3 extensions CertStream clients know, in certstream-server-go's key order.
 * Where certstream-server-go renders an extension we use its spelling (key usage names,
 * "keyid:" lower-case hex, "CA:TRUE", "URI:" lists); for the keys only CaliDog's EasySSL fills
 * ({@code certificatePolicies}, {@code extendedKeyUsage}, {@code ctlSignedCertificateTimestamp})
 * we use EasySSL's spelling. Other extensions are left out, and one extension that does not
 * parse is left out rather than losing the certificate.
 */
final class ExtensionFormatter {
    private static final ASN1ObjectIdentifier SCT_LIST = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");
    private static final ASN1ObjectIdentifier CT_POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");
    private static final ASN1ObjectIdentifier AD_OCSP = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.48.1");
    private static final ASN1ObjectIdentifier AD_CA_ISSUERS = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.48.2");

    /** EasySSL's names; unknown purposes are shown as their OID, as OpenSSL does (EasySSL shows nothing). */
    private static final Map<String, String> EXTENDED_KEY_USAGES = Map.of(
            "1.3.6.1.5.5.7.3.1", "TLS Web server authentication",
            "1.3.6.1.5.5.7.3.2", "TLS Web client authentication",
            "1.3.6.1.5.5.7.3.3", "Code signing",
            "1.3.6.1.5.5.7.3.4", "E-mail protection",
            "1.3.6.1.5.5.7.3.8", "Timestamping",
            "1.3.6.1.5.5.7.3.9", "OCSPstamping",
            "1.3.6.1.5.5.7.3.5", "IP security end system",
            "1.3.6.1.5.5.7.3.6", "IP security tunnel termination",
            "1.3.6.1.5.5.7.3.7", "IP security user");

    /** certstream-server-go's keyUsageToString names, in its order. */
    private static final int[] KEY_USAGE_BITS = {
            KeyUsage.digitalSignature, KeyUsage.nonRepudiation, KeyUsage.keyEncipherment,
            KeyUsage.dataEncipherment, KeyUsage.keyAgreement, KeyUsage.keyCertSign, KeyUsage.cRLSign,
            KeyUsage.encipherOnly, KeyUsage.decipherOnly};
    private static final String[] KEY_USAGE_NAMES = {
            "Digital Signature", "Content Commitment", "Key Encipherment", "Data Encipherment",
            "Key Agreement", "Certificate Signing", "CRL Signing", "Encipher Only", "Decipher Only"};

    /** What the decoder needs besides the rendered map. */
    record Rendered(Map<String, Object> extensions, boolean isCa, List<String> dnsNames) {
    }

    private String authorityInfoAccess;
    private String authorityKeyIdentifier;
    private String basicConstraints;
    private String certificatePolicies;
    private String signedCertificateTimestamp;
    private String extendedKeyUsage;
    private String keyUsage;
    private String subjectAltName;
    private String subjectKeyIdentifier;
    private boolean poison;
    private boolean isCa;
    private final List<String> dnsNames = new ArrayList<>();

    /** Adds one extension; a later duplicate replaces an earlier one. */
    void add(ASN1ObjectIdentifier oid, byte[] value) {
        try {
            if (CT_POISON.equals(oid)) {
                poison = true;
            } else if (SCT_LIST.equals(oid)) {
                // EasySSL: Base.url_encode64 of the extnValue contents (padded, URL-safe alphabet).
                signedCertificateTimestamp = Base64.getUrlEncoder().encodeToString(value);
            } else if (Extension.subjectAlternativeName.equals(oid)) {
                subjectAltName(parse(value));
            } else if (Extension.keyUsage.equals(oid)) {
                keyUsage(parse(value));
            } else if (Extension.basicConstraints.equals(oid)) {
                isCa = BasicConstraints.getInstance(parse(value)).isCA();
                basicConstraints = isCa ? "CA:TRUE" : "CA:FALSE";
            } else if (Extension.authorityKeyIdentifier.equals(oid)) {
                byte[] keyId = AuthorityKeyIdentifier.getInstance(parse(value)).getKeyIdentifier();
                // Go prints "keyid:" even when the extension holds no key identifier.
                authorityKeyIdentifier = "keyid:" + Hex.colonLower(keyId == null ? new byte[0] : keyId);
            } else if (Extension.subjectKeyIdentifier.equals(oid)) {
                subjectKeyIdentifier = "keyid:" + Hex.colonLower(ASN1OctetString.getInstance(parse(value)).getOctets());
            } else if (Extension.authorityInfoAccess.equals(oid)) {
                authorityInfoAccess(parse(value));
            } else if (Extension.extendedKeyUsage.equals(oid)) {
                extendedKeyUsage(parse(value));
            } else if (Extension.certificatePolicies.equals(oid)) {
                certificatePolicies(parse(value));
            }
        } catch (IOException | RuntimeException e) {
            // An unparseable extension is dropped, not the certificate (Go treats most of these as non-fatal).
        }
    }

    Rendered render() {
        Map<String, Object> map = new LinkedHashMap<>();
        put(map, "authorityInfoAccess", authorityInfoAccess);
        put(map, "authorityKeyIdentifier", authorityKeyIdentifier);
        put(map, "basicConstraints", basicConstraints);
        put(map, "certificatePolicies", certificatePolicies);
        put(map, "ctlSignedCertificateTimestamp", signedCertificateTimestamp);
        put(map, "extendedKeyUsage", extendedKeyUsage);
        put(map, "keyUsage", keyUsage);
        put(map, "subjectAltName", subjectAltName);
        put(map, "subjectKeyIdentifier", subjectKeyIdentifier);
        if (poison) {
            map.put("ctlPoisonByte", Boolean.TRUE);
        }
        return new Rendered(map, isCa, dnsNames);
    }

    private static void put(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static ASN1Primitive parse(byte[] value) throws IOException {
        return ASN1Primitive.fromByteArray(value);
    }

    /**
     * Go's order: all DNS names, then emails, then IPs. Go leaves URIs out; we append them as
     * OpenSSL spells them ("URI:...") so they are not lost. IP addresses of a length other than 4
     * or 16 are skipped, as Go's x509 does.
     */
    private void subjectAltName(ASN1Primitive value) {
        List<String> dns = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (ASN1Encodable element : ASN1Sequence.getInstance(value)) {
            ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(element);
            switch (tagged.getTagNo()) {
                case GeneralName.dNSName -> dns.add(Asn1Text.ia5AsUtf8(GeneralName.getInstance(tagged).getName()));
                case GeneralName.rfc822Name -> emails.add(Asn1Text.ia5AsUtf8(GeneralName.getInstance(tagged).getName()));
                case GeneralName.uniformResourceIdentifier ->
                        uris.add(Asn1Text.ia5AsUtf8(GeneralName.getInstance(tagged).getName()));
                case GeneralName.iPAddress -> {
                    String ip = IpAddresses.format(ASN1OctetString.getInstance(tagged, false).getOctets());
                    if (ip != null) {
                        ips.add(ip);
                    }
                }
                default -> {
                    // otherName, directoryName, ...: not rendered by either anchor
                }
            }
        }
        StringJoiner out = new StringJoiner(", ");
        dns.forEach(d -> out.add("DNS:" + d));
        emails.forEach(e -> out.add("email:" + e));
        ips.forEach(i -> out.add("IP Address:" + i));
        uris.forEach(u -> out.add("URI:" + u));
        subjectAltName = out.toString();
        dnsNames.clear();
        dnsNames.addAll(dns);
    }

    private void keyUsage(ASN1Primitive value) {
        KeyUsage usage = KeyUsage.getInstance(value);
        StringJoiner out = new StringJoiner(", ");
        for (int i = 0; i < KEY_USAGE_BITS.length; i++) {
            if (usage.hasUsages(KEY_USAGE_BITS[i])) {
                out.add(KEY_USAGE_NAMES[i]);
            }
        }
        keyUsage = out.toString();
    }

    /** Go's order: all CA issuer URIs, then all OCSP URIs; other access methods and non-URI locations are skipped. */
    private void authorityInfoAccess(ASN1Primitive value) {
        List<String> issuers = new ArrayList<>();
        List<String> ocsp = new ArrayList<>();
        for (ASN1Encodable element : ASN1Sequence.getInstance(value)) {
            AccessDescription description = AccessDescription.getInstance(element);
            GeneralName location = description.getAccessLocation();
            if (location.getTagNo() != GeneralName.uniformResourceIdentifier) {
                continue;
            }
            String uri = Asn1Text.ia5AsUtf8(location.getName());
            if (AD_CA_ISSUERS.equals(description.getAccessMethod())) {
                issuers.add(uri);
            } else if (AD_OCSP.equals(description.getAccessMethod())) {
                ocsp.add(uri);
            }
        }
        StringJoiner out = new StringJoiner(", ");
        issuers.forEach(u -> out.add("URI:" + u));
        ocsp.forEach(u -> out.add("URI:" + u));
        authorityInfoAccess = out.toString();
    }

    private void extendedKeyUsage(ASN1Primitive value) {
        StringJoiner out = new StringJoiner(", ");
        for (ASN1Encodable element : ASN1Sequence.getInstance(value)) {
            String oid = ASN1ObjectIdentifier.getInstance(element).getId();
            out.add(EXTENDED_KEY_USAGES.getOrDefault(oid, oid));
        }
        extendedKeyUsage = out.toString();
    }

    /**
     * EasySSL/OpenSSL layout: "Policy: <oid>" with "  CPS: <uri>" and "  User Notice: <text>" lines
     * under it, joined by newlines. Unlike EasySSL (which reverses them by accident) policies keep
     * the certificate's order.
     */
    private void certificatePolicies(ASN1Primitive value) {
        StringJoiner out = new StringJoiner("\n");
        for (ASN1Encodable element : ASN1Sequence.getInstance(value)) {
            PolicyInformation policy = PolicyInformation.getInstance(element);
            out.add("Policy: " + policy.getPolicyIdentifier().getId());
            ASN1Sequence qualifiers = policy.getPolicyQualifiers();
            if (qualifiers == null) {
                continue;
            }
            for (ASN1Encodable q : qualifiers) {
                PolicyQualifierInfo info = PolicyQualifierInfo.getInstance(q);
                if (PolicyQualifierId.id_qt_cps.equals(info.getPolicyQualifierId())) {
                    out.add("  CPS: " + Asn1Text.of(info.getQualifier()));
                } else if (PolicyQualifierId.id_qt_unotice.equals(info.getPolicyQualifierId())) {
                    UserNotice notice = UserNotice.getInstance(info.getQualifier());
                    if (notice.getExplicitText() != null) {
                        out.add("  User Notice: " + notice.getExplicitText().getString());
                    }
                }
            }
        }
        certificatePolicies = out.toString();
    }
}
